# A serial barcode scanner: ASCII codes, each ended by its suffix (CR by default; LF and CRLF
# are common settings), posted as Event(SCAN, code).
#
# A line that cannot be trusted is dropped and counted in .errors, never posted: a byte outside
# printable ASCII (GS, 0x1D, is kept: GS1 barcodes use it as a separator), more than max_len
# characters, or a fragment left hanging when the line goes quiet. Posting a damaged or
# half code would look up the wrong product; without an item added the cashier simply scans
# again, exactly as after a scan the scanner itself failed to decode.
from compat import const
from firmware.events import SCAN, Event

_CR = const(0x0D)
_LF = const(0x0A)
_GS = const(0x1D)
_MAX_LEN = const(64)
_READ_SIZE = const(64)
_READ_TIMEOUT_MS = const(200)  # a 64-character code takes 67 ms at 9600 baud


class Scanner:
    def __init__(self, transport, max_len=_MAX_LEN):
        self.transport = transport
        self.errors = 0
        self._line = bytearray(max_len)
        self._len = 0  # bytes of the current line so far; -1: it will be dropped at its end

    def feed(self, data):
        """Bytes from the line → list of complete codes; empty bytes mean the read timed out."""
        codes = []
        n = self._len
        if not data:
            if n:
                self.errors += 1
            self._len = 0
            return codes
        line = self._line
        for b in data:
            if b == _CR or b == _LF:
                # CRLF gives an empty line between CR and LF; empty lines carry nothing.
                if n < 0:
                    self.errors += 1
                elif n:
                    codes.append(bytes(memoryview(line)[:n]).decode())
                n = 0
            elif n < 0:
                pass
            elif n == len(line) or not (0x20 <= b <= 0x7E or b == _GS):
                n = -1
            else:
                line[n] = b
                n += 1
        self._len = n
        return codes

    async def run(self, queue, clock):
        while True:
            data = await self.transport.read(_READ_SIZE, _READ_TIMEOUT_MS)
            for code in self.feed(data):
                queue.put(Event(SCAN, code, clock.ticks_ms()))
