# A simulated UART line: bytes written on one end arrive at the other after the time they
# would take on the wire (start + 8 data + stop bits per byte at `baud`). Drivers see the same
# transport interface as on a real pyserial / machine.UART backend:
#   await write(data): returns when the bytes have left this end (paced by baud);
#   await read(n, timeout_ms): up to n bytes, empty when nothing came in time;
#   flush_input(): drop whatever arrived and has not been read; in_waiting().
from compat import asyncio, const, sleep_ms, wait_for_ms

_CHUNK = const(32)  # bytes paced per await, so a long job never holds the loop


class SimSerialEnd:
    peer = None  # the other end: what write() delivers to (set by whoever wires the line)

    def __init__(self, baud):
        self.baud = baud
        self.on_receive = None  # a device model attached to this end instead of a driver
        self._rx = bytearray()
        self._arrived = asyncio.Event()

    async def write(self, data):
        # Like a UART driver, the caller's buffer is read while it goes out: not copied first.
        for i in range(0, len(data), _CHUNK):
            chunk = data[i : i + _CHUNK]
            await sleep_ms(len(chunk) * 10000 // self.baud)  # 10 bits a byte, in ms
            self.peer.deliver(chunk)

    def deliver(self, data):
        if self.on_receive:
            return self.on_receive(data)
        self._rx.extend(data)
        self._arrived.set()

    # What a device model answers with on its peer: unpaced, like a reader's burst.
    inject = deliver

    def in_waiting(self):
        return len(self._rx)

    def flush_input(self):
        self._rx = bytearray()

    async def read(self, n, timeout_ms):
        # One wait: only a flush_input() racing it could end it early and empty, which every
        # reader takes as the timeout it nearly was.
        if not self._rx:
            self._arrived.clear()
            try:
                await wait_for_ms(self._arrived.wait(), timeout_ms)
            except asyncio.TimeoutError:
                pass
        data = bytes(self._rx[:n])
        self._rx = self._rx[n:]
        return data


def sim_serial_pair(baud):
    a = SimSerialEnd(baud)
    b = SimSerialEnd(baud)
    a.peer = b
    b.peer = a
    return a, b
