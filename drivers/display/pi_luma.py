# The Raspberry Pi's display backends, both built on luma (CPython only).
#
# LumaI2C: machine.I2C's writeto() over luma.core's I2C interface (smbus2 underneath). Our own
# SSD1306 driver runs on it unchanged, so a Pi puts on the bus exactly the bytes an ESP32 and
# the simulator's chip get, and keeps the driver's dirty-page updates (one page ~3 ms of bus
# time against ~23.5 ms for a frame). This is the default for an SSD1306.
#
# LumaDevice: the Canvas's device interface (init, contrast, power, show(buf, pages)) over any
# luma device object, for controllers our driver does not speak (SH1106, SSD1309, ...) and for
# luma.core's headless `dummy`. luma redraws whole frames from a PIL image, so this path
# converts the Canvas's MONO_VLSB pages into that image.
_CTRL_COMMANDS = 0x00  # SSD1306 control byte: a stream of commands (Co=0, D/C#=0)
_CTRL_DATA = 0x40  # a stream of GDDRAM data (Co=0, D/C#=1)
_BLOCK = 32  # luma's command(): at most 32 bytes per SMBus block write
_ENODEV = 19  # what machine.I2C raises when no device acknowledges


def require_luma(what):
    """luma.core, or an ImportError that names the package to install."""
    try:
        import luma.core.error
        import luma.core.interface.serial
        import luma.oled.device  # noqa: F401  (sh1106 and the others; it brings luma.core)

        return luma.core
    except ImportError:
        raise ImportError(
            "the %s needs the Python package 'luma.oled' (pip install luma.oled)" % what
        )


class LumaI2C:
    """An I2C bus for SSD1306: bus is an open smbus2-style bus (luma's unmanaged mode: 32-byte
    block writes) or None to let luma open /dev/i2c-<port> with smbus2 (one I2C transfer per
    write). port may also be a device path."""

    def __init__(self, port=1, bus=None):
        self.port = port
        self.bus = bus
        self._core = require_luma("display")
        self._interfaces = {}

    def _interface(self, addr):
        interface = self._interfaces.get(addr)
        if interface is None:
            interface = self._core.interface.serial.i2c(bus=self.bus, port=self.port, address=addr)
            self._interfaces[addr] = interface
        return interface

    def writeto(self, addr, buf, stop=True):
        buf = bytes(buf)
        control = buf[0] if buf else None
        if control not in (_CTRL_COMMANDS, _CTRL_DATA):
            raise ValueError("SSD1306 control byte %r: only command or data streams" % control)
        try:
            interface = self._interface(addr)
            if control == _CTRL_DATA:
                interface.data(buf[1:])
            else:
                # A command's arguments may come in a later transfer: the controller waits.
                for i in range(1, len(buf), _BLOCK):
                    interface.command(*buf[i : i + _BLOCK])
        except self._core.error.DeviceNotFoundError as e:
            raise OSError(_ENODEV, str(e))
        return len(buf)


class LumaDevice:
    """A luma device behind the Canvas. Pages are copied into a 1-bit image kept here, then
    the whole image goes to device.display() (luma has no partial update)."""

    def __init__(self, device):
        from PIL import Image

        self.device = device
        self.width = device.width
        self.height = device.height
        self.image = Image.new("1", (device.width, device.height))
        self._Image = Image

    def init(self):
        self.show(bytes(self.width * self.height // 8), range(self.height // 8))
        self.device.show()

    def contrast(self, value):
        if not 0 <= value <= 255:
            raise ValueError("contrast %r outside 0..255" % (value,))
        self.device.contrast(value)

    def power(self, on):
        if on:
            self.device.show()
        else:
            self.device.hide()

    def show(self, buf, pages):
        width = self.width
        frombytes = self._Image.frombytes
        for p in pages:
            if not 0 <= p < self.height // 8:
                raise ValueError("page out of range: %r" % (p,))
            # A MONO_VLSB page is a column of 8 pixels per byte, least significant bit on top:
            # read as an 8-pixel-wide image with LSB-first bits ("1;R"), one row per column,
            # it only needs transposing.
            band = frombytes(
                "1", (8, width), bytes(buf[p * width : (p + 1) * width]), "raw", "1;R"
            )
            self.image.paste(band.transpose(self._Image.Transpose.TRANSPOSE), (0, p * 8))
        image = self.image
        if self.device.mode != "1":
            image = image.convert(self.device.mode)
        self.device.display(image)
