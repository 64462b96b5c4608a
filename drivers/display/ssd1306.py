# SSD1306 OLED controller over I2C. The bus is passed in (machine.I2C, an smbus2 adapter or
# sim.SSD1306Chip); only writeto(addr, buf) is used. A full 128x64 frame costs ~23.5 ms of bus
# time at 400 kHz, so show() sends only the pages the caller says changed.
from compat import const

# Control byte sent after the address: Co=0 (no more control bytes follow), D/C# picks the stream.
_CTRL_COMMANDS = const(0x00)
_CTRL_DATA = const(0x40)

_SET_MEM_ADDR = const(0x20)
_SET_COL_ADDR = const(0x21)
_SET_PAGE_ADDR = const(0x22)
_SCROLL_OFF = const(0x2E)
_SET_START_LINE = const(0x40)
_SET_CONTRAST = const(0x81)
_SET_CHARGE_PUMP = const(0x8D)
_SET_SEG_REMAP = const(0xA0)
_FOLLOW_RAM = const(0xA4)
_SET_NORM_INV = const(0xA6)
_SET_MUX_RATIO = const(0xA8)
_SET_DISP = const(0xAE)
_SET_COM_OUT_DIR = const(0xC0)
_SET_DISP_OFFSET = const(0xD3)
_SET_CLK_DIV = const(0xD5)
_SET_PRECHARGE = const(0xD9)
_SET_COM_PINS = const(0xDA)
_SET_VCOM_DETECT = const(0xDB)

_HORIZONTAL = const(0x00)
_CLK_DIV_RESET = const(0x80)  # divide ratio 1, oscillator at its reset frequency
_PUMP_ON = const(0x14)
_PUMP_OFF = const(0x10)
_VCOM_083 = const(0x30)  # 0.83 x Vcc
_RAM_WIDTH = const(128)


class SSD1306:
    def __init__(self, i2c, addr=0x3C, width=128, height=64, external_vcc=False):
        self.i2c = i2c
        self.addr = addr
        self.width = width
        self.height = height
        self.external_vcc = external_vcc
        col0 = (_RAM_WIDTH - width) >> 1  # narrower panels are wired to the RAM's middle columns
        self._window = bytearray(
            (_CTRL_COMMANDS, _SET_COL_ADDR, col0, col0 + width - 1, _SET_PAGE_ADDR, 0, 0)
        )
        self._page = bytearray(width + 1)
        self._page[0] = _CTRL_DATA

    def init(self):
        ext = self.external_vcc
        cmds = (
            _CTRL_COMMANDS,
            _SET_DISP,  # off while reconfiguring
            _SET_CLK_DIV,
            _CLK_DIV_RESET,
            _SET_MUX_RATIO,
            self.height - 1,
            _SET_DISP_OFFSET,
            0,
            _SET_START_LINE,
            _SET_CHARGE_PUMP,
            _PUMP_OFF if ext else _PUMP_ON,
            _SET_MEM_ADDR,
            _HORIZONTAL,  # show() relies on the pointer wrapping to the next page
            _SET_SEG_REMAP | 1,  # column 127 on SEG0: with the next one, RAM (0,0) is top left
            _SET_COM_OUT_DIR | 8,
            _SET_COM_PINS,
            0x02 if self.width > 2 * self.height else 0x12,  # sequential for 128x32
            _SET_CONTRAST,
            0x9F if ext else 0xCF,
            _SET_PRECHARGE,
            0x22 if ext else 0xF1,
            _SET_VCOM_DETECT,
            _VCOM_083,
            _FOLLOW_RAM,
            _SET_NORM_INV,
            _SCROLL_OFF,  # a warm MCU reset can leave a scroll running, which corrupts writes
            _SET_DISP | 1,
        )
        self.i2c.writeto(self.addr, bytes(cmds))

    def contrast(self, value):
        # bytes() raises ValueError for a value outside 0..255 before anything is sent.
        self.i2c.writeto(self.addr, bytes((_CTRL_COMMANDS, _SET_CONTRAST, value)))

    def power(self, on):
        self.i2c.writeto(self.addr, bytes((_CTRL_COMMANDS, _SET_DISP | (1 if on else 0))))

    def invert(self, on):
        self.i2c.writeto(self.addr, bytes((_CTRL_COMMANDS, _SET_NORM_INV | (1 if on else 0))))

    def show(self, buf, pages):
        """Send the given pages (8-pixel bands, 0 at the top) of a MONO_VLSB buffer."""
        width = self.width
        view = memoryview(buf)
        window = self._window
        data = self._page
        for p in pages:
            if not 0 <= p < self.height >> 3:
                raise ValueError("page out of range: %r" % (p,))
            window[5] = p
            window[6] = p
            self.i2c.writeto(self.addr, window)
            data[1:] = view[p * width : p * width + width]
            self.i2c.writeto(self.addr, data)
