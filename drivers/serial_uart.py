# A machine.UART as the serial transport the drivers take (docs/architecture.md, Transport).
# MicroPython only. Reads wait in asyncio's poller on the UART (asyncio.StreamReader), so a
# quiet line costs no CPU and needs no polling task; writes go out in chunks, each followed by
# the time it takes on the wire, so a long receipt never holds the loop while the UART's ring
# buffer drains, and write() returns once the bytes have left, as the sim line's does.
from compat import asyncio, const, sleep_ms, wait_for_ms

_CHUNK = const(32)


class UartTransport:
    def __init__(self, uart, baud):
        self.uart = uart
        self.baud = baud
        self._stream = asyncio.StreamReader(uart)

    async def write(self, data):
        view = memoryview(data)
        for i in range(0, len(data), _CHUNK):
            chunk = view[i : i + _CHUNK]
            self.uart.write(chunk)
            await sleep_ms(len(chunk) * 10000 // self.baud)  # 10 bits a byte, in ms

    async def read(self, n, timeout_ms):
        try:
            # Stream.read(n) returns what the UART holds, up to n, as soon as any arrived.
            return await wait_for_ms(self._stream.read(n), timeout_ms) or b""
        except asyncio.TimeoutError:
            return b""

    def flush_input(self):
        uart = self.uart
        while uart.any():
            uart.read(uart.any())

    def in_waiting(self):
        return self.uart.any()
