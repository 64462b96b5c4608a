# The ESP32's `machine` module as the firmware's ESP32 board uses it, for tests on the unix
# port (whose own `machine` has almost nothing). Tests put tests/fakes on MICROPYPATH; it is
# never on the firmware's path, and nothing here is deployed.
# What is on the other end of each bus is wired in by the test, at the byte or level a real
# device would present: pins to a key matrix model (value()), I2C addresses to a device with
# writeto() (drivers.display.sim.SSD1306Chip), UARTs to a device model that receives the
# written bytes and answers with inject().
import io
import os
import socket
from binascii import hexlify

_POLL = 3  # MP_STREAM_POLL: asyncio's poller asks the UART this
_GET_FILENO = 10  # MP_STREAM_GET_FILENO: a descriptor the unix port can poll() natively
_RD = 1  # MP_STREAM_POLL_RD
_WR = 4  # MP_STREAM_POLL_WR
_ENODEV = 19

wires = {}  # pin number → object with value() it is wired to
i2c_devices = {}  # I2C address → device with writeto(addr, buf)
uart_devices = {}  # UART id → callable(uart, data) receiving what the MCU writes
uarts = {}  # UART id → the UART the firmware made
adc_uv = {}  # pin number → microvolts on that ADC input


def unique_id():
    return b"\x24\x0a\xc4\x12\x34\x56"


def reset():
    # The unix port has no hardware to reset; ending the process is as close as it gets.
    raise SystemExit(0)


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self.mode = mode
        self.pull = pull
        self.level = 1 if pull == Pin.PULL_UP else 0
        if value is not None:
            self.value(value)

    def value(self, level=None):
        wired = wires.get(self.id)
        if level is None:
            return wired.value() if wired is not None else self.level
        if self.mode == Pin.IN:
            return None  # the ESP32 ignores a level set on an input
        self.level = 1 if level else 0
        if wired is not None:
            wired.value(self.level)
        return None


class I2C:
    def __init__(self, id, scl=None, sda=None, freq=400000):
        self.id = id
        self.scl = scl
        self.sda = sda
        self.freq = freq

    def scan(self):
        return sorted(i2c_devices)

    def writeto(self, addr, buf, stop=True):
        device = i2c_devices.get(addr)
        if device is None:
            raise OSError(_ENODEV)
        device.writeto(addr, buf)
        return len(buf)


class UART(io.IOBase):
    """An in-memory UART: write() hands the bytes to the device model on this id, inject()
    is how the device answers; read/any/ioctl behave like the ESP32's with timeout=0.

    asyncio waits on it the way it waits on a real UART. A Python stream object alone would
    make the unix port's poller spin on ioctl(); so the UART also offers a descriptor, a
    datagram socket that holds one byte exactly while received bytes wait, and poll() sleeps
    in the kernel until the device answers."""

    def __init__(self, id, baudrate=115200, tx=None, rx=None, timeout=0, **kwargs):
        self.id = id
        self.baudrate = baudrate
        self.tx = tx
        self.rx = rx
        self.timeout = timeout
        self.written = 0
        self._rx = bytearray()
        self._bell = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # An abstract socket name (leading NUL): nothing on disk, unique per UART.
        self._bell_addr = b"\x01\x00\x00fake-uart-" + hexlify(os.urandom(8))
        self._bell.bind(self._bell_addr)
        self._bell.setblocking(False)
        uarts[id] = self

    def write(self, buf):
        data = bytes(buf)
        self.written += len(data)
        device = uart_devices.get(self.id)
        if device is not None:
            device(self, data)
        return len(data)

    def inject(self, data):
        if data and not self._rx:
            self._bell.sendto(b"!", self._bell_addr)
        self._rx.extend(data)

    def any(self):
        return len(self._rx)

    def _take(self, n):
        data = bytes(self._rx[:n])
        self._rx = self._rx[n:]
        if not self._rx:
            try:
                self._bell.recv(1)
            except OSError:
                pass
        return data

    def read(self, n=-1):
        if not self._rx:
            return None
        return self._take(len(self._rx) if n < 0 else n)

    def readinto(self, buf):
        if not self._rx:
            return None
        data = self._take(len(buf))
        buf[: len(data)] = data
        return len(data)

    def ioctl(self, req, arg):
        if req == _GET_FILENO:
            return self._bell.fileno()
        if req != _POLL:
            return 0
        ready = arg & _WR
        if arg & _RD and self._rx:
            ready |= _RD
        return ready


class ADC:
    ATTN_11DB = 3

    def __init__(self, pin, atten=None):
        self.pin = pin
        self.atten = atten

    def read_uv(self):
        return adc_uv.get(self.pin.id, 0)


# The SD card slot: a block device (512-byte blocks) holding a FAT filesystem, as a card
# from a shop comes formatted; os.mount() reads it with MicroPython's own VfsFat. The card's
# bytes live in an image file (sd_image), outside the heap, as a real card is outside the
# MCU. Tests set sd_present False for an empty slot (SDCard then raises OSError, as the real
# one does when no card answers).
sd_present = True
sd_image = "/tmp/pos-fake-sd.img"
sd_blocks = 2048  # 1 MiB


class SDCard:
    def __init__(self, slot=2, **pins):
        if not sd_present:
            raise OSError(19)  # ENODEV: no card in the slot
        import os

        self.slot = slot
        try:
            os.stat(sd_image)
            new = False
        except OSError:
            with open(sd_image, "wb") as f:
                f.seek(sd_blocks * 512 - 1)
                f.write(b"\0")
            new = True
        self.f = open(sd_image, "r+b")
        if new:
            os.VfsFat.mkfs(self)

    def readblocks(self, num, buf, off=0):
        self.f.seek(num * 512 + off)
        self.f.readinto(buf)

    def writeblocks(self, num, buf, off=0):
        self.f.seek(num * 512 + off)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:  # block count
            return sd_blocks
        if op == 5:  # block size
            return 512
        if op == 3:  # sync
            self.f.flush()
        return 0  # init, deinit
