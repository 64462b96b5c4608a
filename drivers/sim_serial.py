# A simulated UART line: bytes written on one end arrive at the other after the time they
# would take on the wire (start + 8 data + stop bits per byte at `baud`). Drivers see the same
# transport interface as on a real pyserial / machine.UART backend.
from compat import asyncio, const, sleep_ms, ticks_diff, ticks_ms, wait_for_ms

_BITS_PER_BYTE = const(10)
_CHUNK = const(32)  # bytes paced per await, so a long job never holds the loop


class SimSerialEnd:
    """One end of a simulated line: the transport interface every serial driver takes.

    write(data): async, returns when the bytes have left this end (paced by baud).
    read(n, timeout_ms): async, up to n bytes; fewer (maybe none) when the timeout ends.
    flush_input(): drop whatever arrived and has not been read.
    """

    def __init__(self, baud):
        self.baud = baud
        self.peer = None
        self.on_receive = None  # a device model attached to this end instead of a driver
        self._rx = bytearray()
        self._arrived = asyncio.Event()

    def wire_ms(self, nbytes):
        return nbytes * _BITS_PER_BYTE * 1000 // self.baud

    async def write(self, data):
        data = bytes(data)
        for i in range(0, len(data), _CHUNK):
            chunk = data[i : i + _CHUNK]
            await sleep_ms(self.wire_ms(len(chunk)))
            self.peer.deliver(chunk)

    def deliver(self, data):
        if self.on_receive is not None:
            self.on_receive(data)
            return
        self._rx.extend(data)
        self._arrived.set()

    def inject(self, data):
        """Bytes from a device model that is not itself paced (e.g. a reader's burst)."""
        self.deliver(data)

    def in_waiting(self):
        return len(self._rx)

    def flush_input(self):
        self._rx = bytearray()

    async def read(self, n, timeout_ms):
        start = ticks_ms()
        while not self._rx:
            left = timeout_ms - ticks_diff(ticks_ms(), start)
            if left <= 0:
                return b""
            self._arrived.clear()
            try:
                await wait_for_ms(self._arrived.wait(), left)
            except asyncio.TimeoutError:
                return b""
        data = bytes(self._rx[:n])
        self._rx = self._rx[n:]
        return data


def sim_serial_pair(baud):
    a = SimSerialEnd(baud)
    b = SimSerialEnd(baud)
    a.peer = b
    b.peer = a
    return a, b
