# The printer at the far end of a simulated serial line. Like the real receive path, real-time
# status queries (DLE EOT n) are taken out of the byte stream as it arrives and answered at
# once, even while the mechanism is stopped; everything else goes to the print buffer, which
# prints only with paper in and the cover closed.
from compat import const
from drivers.printer.parser import EscPosParser

_BASE = const(0x12)  # bits 1 and 4 are fixed 1 in every status byte
_OFFLINE = const(0x08)  # n=1
_COVER_OPEN = const(0x04)  # n=2
_STOPPED_PAPER_END = const(0x20)  # n=2
_NEAR_END = const(0x0C)  # n=4
_PAPER_END = const(0x60)  # n=4
_ERROR = const(0x40)  # n=2: an error occurred; n=3: automatically recoverable (head too hot)

PAPER_STATES = ("ok", "near-end", "out")


class SimPrinter:
    # keep: how many printed lines to hold for tests; each costs ~170 bytes of MicroPython heap,
    # so pass 0 where only the sink matters.
    def __init__(self, end, sink=None, keep=100):
        self.end = end
        self.sink = sink
        self.keep = keep
        self.paper = "ok"
        self.cover_open = False
        self.connected = True
        self.overheated = False  # the head's thermistor tripped: stopped until it cools
        self.lost_bytes = 0  # print data that reached the printer but never the paper
        self.cuts = 0
        self.lines = []  # the last printed lines (parser.Line), oldest first
        self._rt = b""  # a DLE or DLE EOT split off the end of the previous chunk
        self._parser = EscPosParser(self._on_line, on_cut=self._on_cut)
        end.on_receive = self._receive

    def set_paper(self, state):
        if state not in PAPER_STATES:
            raise ValueError("paper ok|near-end|out")
        self.paper = state

    def set_cover(self, is_open):
        self.cover_open = bool(is_open)

    def set_connected(self, connected):
        self.connected = bool(connected)

    def set_overheated(self, hot):
        self.overheated = bool(hot)

    def printing(self):
        return self.paper != "out" and not self.cover_open and not self.overheated

    def status_byte(self, n):
        if n == 1:
            return _BASE | (0 if self.printing() else _OFFLINE)
        if n == 2:
            return (
                _BASE
                | (_COVER_OPEN if self.cover_open else 0)
                | (_STOPPED_PAPER_END if self.paper == "out" else 0)
                | (_ERROR if self.overheated else 0)
            )
        if n == 4:
            if self.paper == "out":
                return _BASE | _NEAR_END | _PAPER_END  # the near-end sensor sees no paper either
            return _BASE | (_NEAR_END if self.paper == "near-end" else 0)
        # n=3, the error cause: only the head's overheat is modelled (no cutter errors)
        return _BASE | (_ERROR if self.overheated else 0)

    def text(self):
        return "\n".join([line.text for line in self.lines])

    def _receive(self, data):
        if not self.connected:
            self.lost_bytes += len(data)  # the cable is out: nothing reaches the printer
            return
        if self._rt:
            data = self._rt + bytes(data)
            self._rt = b""
        start = i = 0
        n = len(data)
        while True:
            j = data.find(b"\x10", i)
            if j < 0 or j + 1 >= n or (data[j + 1] == 0x04 and j + 2 >= n):
                if j >= 0 and j + 2 >= n:
                    self._rt = bytes(data[j:])  # maybe the start of DLE EOT: wait for more
                    n = j
                break
            if data[j + 1] == 0x04 and 1 <= data[j + 2] <= 4:
                self._print(data[start:j])
                self._answer(data[j + 2])
                start = j + 3
            i = j + 1
        self._print(data[start:n])

    def _answer(self, n):
        # One byte, sent while the driver waits for it; at 19200 baud it would take 0.5 ms,
        # far below any timeout, so it is handed to the driver's end at once.
        self.end.peer.inject(bytes((self.status_byte(n),)))

    def _print(self, data):
        if not data:
            return
        if not self.printing():
            self.lost_bytes += len(data)
            self._parser.reset()  # a stopped printer drops the job, half-read command included
            return
        if self.sink is not None:
            self.sink(bytes(data))
        self._parser.feed(data)

    def _on_line(self, line):
        if self.keep:
            self.lines.append(line)
            if len(self.lines) > self.keep:
                del self.lines[0]

    def _on_cut(self):
        self.cuts += 1
