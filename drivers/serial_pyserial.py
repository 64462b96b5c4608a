# A pyserial port as the serial transport the drivers take (docs/architecture.md, Transport):
# the Raspberry Pi's printer, card reader and serial scanner lines. CPython only.
# Reads wait on the port's file descriptor through the asyncio loop (add_reader), so a quiet
# line costs no CPU; a port without one (pyserial's socket:// and loop:// URLs) is polled every
# few milliseconds, never in a busy loop. Writes never block the loop: the port is opened
# non-blocking (write_timeout=0), and write() returns no sooner than the bytes take on the
# wire, as the sim line's does.
import asyncio
import time

from compat import wait_for_ms

_POLL_MS = 5


def open_port(url, baud):
    """Open a device path (/dev/serial0, /dev/ttyUSB0, a pty) or a pyserial URL. DTR and RTS
    are left as pyserial's open() leaves them: setting them fails on a pty."""
    try:
        import serial
    except ImportError:
        raise ImportError(
            "the serial lines need the Python package 'pyserial' (pip install pyserial)"
        )
    port = serial.serial_for_url(url, baudrate=baud, timeout=0, write_timeout=0, do_not_open=True)
    port.open()
    return port


class SerialTransport:
    def __init__(self, port, baud=None):
        self.port = port
        self.baud = baud or port.baudrate
        try:
            self._fd = port.fileno()
        except Exception:  # socket:// and loop:// ports have none (or raise doing so)
            self._fd = None

    async def write(self, data):
        port = self.port
        view = memoryview(bytes(data))
        start = time.monotonic()
        sent = 0
        while sent < len(view):
            n = port.write(view[sent:]) or 0
            sent += n
            if sent < len(view):
                await asyncio.sleep(_POLL_MS / 1000)  # the kernel's buffer is full: let it drain
        left = len(view) * 10 / self.baud - (time.monotonic() - start)  # 10 bits a byte
        if left > 0:
            await asyncio.sleep(left)

    def _take(self, n):
        waiting = self.port.in_waiting
        return self.port.read(min(n, waiting)) if waiting else b""

    async def read(self, n, timeout_ms):
        data = self._take(n)
        if data:
            return data
        deadline = time.monotonic() + timeout_ms / 1000
        if self._fd is not None:
            loop = asyncio.get_running_loop()
            ready = asyncio.Event()
            loop.add_reader(self._fd, ready.set)
            try:
                await wait_for_ms(ready.wait(), timeout_ms)
            except asyncio.TimeoutError:
                return b""
            finally:
                loop.remove_reader(self._fd)
            data = self._take(n)
            if not data:
                # Readable with nothing to read: the far end hung up (a USB adapter pulled
                # out). Sit out the timeout as silence rather than spin on the descriptor.
                await asyncio.sleep(max(0, deadline - time.monotonic()))
            return data
        while True:
            data = self._take(n)
            left = deadline - time.monotonic()
            if data or left <= 0:
                return data
            await asyncio.sleep(min(left, _POLL_MS / 1000))

    def flush_input(self):
        self.port.reset_input_buffer()

    def in_waiting(self):
        return self.port.in_waiting
