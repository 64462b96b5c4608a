# An I2C bus with one SSD1306 on it, decoding what the driver sends the way the controller does
# (SSD1306 datasheet rev 1.1, sections 8.1.5 and 10): control bytes, multi-byte commands whose
# arguments may arrive in later transfers, and the GDDRAM pointer in all three addressing modes.
from compat import const

_ENODEV = const(19)  # what machine.I2C raises when no device acknowledges the address
_RAM_WIDTH = const(128)
_RAM_PAGES = const(8)
_HORIZONTAL = const(0)
_VERTICAL = const(1)
_PAGE = const(2)

# Commands followed by argument bytes, and how many.
_ARGC = {
    0x20: 1,  # memory addressing mode
    0x21: 2,  # column start, end
    0x22: 2,  # page start, end
    0x26: 6,  # right horizontal scroll setup
    0x27: 6,  # left horizontal scroll setup
    0x29: 5,  # vertical and right horizontal scroll setup
    0x2A: 5,  # vertical and left horizontal scroll setup
    0x81: 1,  # contrast
    0x8D: 1,  # charge pump
    0xA3: 2,  # vertical scroll area
    0xA8: 1,  # multiplex ratio
    0xAD: 1,  # internal IREF (SSD1306B; micropython-lib's driver sends it)
    0xD3: 1,  # display offset
    0xD5: 1,  # clock divide / oscillator
    0xD9: 1,  # pre-charge period
    0xDA: 1,  # COM pins configuration
    0xDB: 1,  # VCOMH deselect level
}


class SSD1306Chip:
    """Stands in for machine.I2C with an SSD1306 at `addr`. State starts at the chip's reset
    values; GDDRAM is zeros unless `garbage` asks for the random-looking RAM of a real power-up."""

    def __init__(self, addr=0x3C, garbage=False):
        self.addr = addr
        self.ram = bytearray(_RAM_WIDTH * _RAM_PAGES)
        if garbage:
            x = 0x2545F491
            for i in range(len(self.ram)):
                x ^= (x << 13) & 0xFFFFFFFF
                x ^= x >> 17
                x ^= (x << 5) & 0xFFFFFFFF
                self.ram[i] = x & 0xFF
        self.on = False
        self.contrast = 0x7F
        self.inverted = False
        self.entire_on = False
        self.charge_pump = False
        self.scrolling = False
        self.start_line = 0
        self.seg_remap = False
        self.com_reversed = False
        self.mux = 63
        self.offset = 0
        self.settings = {}  # last argument bytes of every other multi-byte command
        self.mode = _PAGE
        self.col_start = 0
        self.col_end = _RAM_WIDTH - 1
        self.page_start = 0
        self.page_end = _RAM_PAGES - 1
        self.col = 0
        self.page = 0
        self._page_col_start = 0
        self._cmd = None
        self._args = []
        self.unknown = []  # command bytes the chip does not know (it ignores them)
        self.writes = 0
        self.bytes_written = 0
        self.bus_bits = 0

    # -- the machine.I2C surface --

    def scan(self):
        return [self.addr]

    def writeto(self, addr, buf, stop=True):
        if addr != self.addr:
            raise OSError(_ENODEV)
        n = len(buf)
        self.writes += 1
        self.bytes_written += n
        self.bus_bits += (n + 1) * 9 + 2  # address byte, ACK bits, start and stop
        i = 0
        while i < n:
            control = buf[i]
            data = control & 0x40
            i += 1
            if control & 0x80:
                # Co=1: exactly one byte, then another control byte.
                if i < n:
                    self._take(buf[i], data)
                    i += 1
            else:
                while i < n:
                    self._take(buf[i], data)
                    i += 1
        return n

    def bus_time_us(self, freq=400000):
        return self.bus_bits * 1000000 // freq

    def frame(self):
        return bytes(self.ram)

    def panel(self):
        """What the glass shows, in the frame()'s layout (orientation settings not applied)."""
        if not self.on or not self.charge_pump:
            return bytes(len(self.ram))
        if self.entire_on:
            return b"\xff" * len(self.ram)
        if self.inverted:
            return bytes(b ^ 0xFF for b in self.ram)
        return bytes(self.ram)

    # -- decoding --

    def _take(self, b, data):
        if data:
            self._ram_write(b)
        elif self._cmd is not None:
            self._args.append(b)
            if len(self._args) == _ARGC[self._cmd]:
                cmd = self._cmd
                self._cmd = None
                self._command(cmd, self._args)
                self._args = []
        elif b in _ARGC:
            self._cmd = b
        else:
            self._command(b, None)

    def _ram_write(self, b):
        self.ram[self.page * _RAM_WIDTH + self.col] = b
        if self.mode == _PAGE:
            # The page never changes; the column wraps back to the start set by 00h-1Fh.
            self.col = self.col + 1 if self.col < _RAM_WIDTH - 1 else self._page_col_start
        elif self.mode == _HORIZONTAL:
            if self.col < self.col_end:
                self.col += 1
            else:
                self.col = self.col_start
                self.page = self.page + 1 if self.page < self.page_end else self.page_start
        else:
            if self.page < self.page_end:
                self.page += 1
            else:
                self.page = self.page_start
                self.col = self.col + 1 if self.col < self.col_end else self.col_start

    def _command(self, cmd, args):
        if args is not None:
            self._command_with_args(cmd, args)
        elif cmd < 0x10:
            if self.mode == _PAGE:
                self._page_col_start = (self._page_col_start & 0x70) | cmd
                self.col = self._page_col_start
        elif cmd < 0x20:
            if self.mode == _PAGE:
                self._page_col_start = ((cmd & 0x07) << 4) | (self._page_col_start & 0x0F)
                self.col = self._page_col_start
        elif cmd == 0x2E:
            self.scrolling = False
        elif cmd == 0x2F:
            self.scrolling = True
        elif 0x40 <= cmd < 0x80:
            self.start_line = cmd & 0x3F
        elif cmd in (0xA0, 0xA1):
            self.seg_remap = cmd == 0xA1
        elif cmd in (0xA4, 0xA5):
            self.entire_on = cmd == 0xA5
        elif cmd in (0xA6, 0xA7):
            self.inverted = cmd == 0xA7
        elif cmd in (0xAE, 0xAF):
            self.on = cmd == 0xAF
        elif 0xB0 <= cmd < 0xB8:
            if self.mode == _PAGE:
                self.page = cmd & 0x07
        elif cmd in (0xC0, 0xC8):
            self.com_reversed = cmd == 0xC8
        elif cmd == 0xE3:
            pass  # NOP
        else:
            self.unknown.append(cmd)

    def _command_with_args(self, cmd, args):
        if cmd == 0x20:
            if (args[0] & 3) != 3:  # 11b is "invalid" in the datasheet: the mode stays
                self.mode = args[0] & 3
        elif cmd == 0x21:
            self.col_start = args[0] & 0x7F
            self.col_end = args[1] & 0x7F
            if self.mode != _PAGE:
                self.col = self.col_start
        elif cmd == 0x22:
            self.page_start = args[0] & 0x07
            self.page_end = args[1] & 0x07
            if self.mode != _PAGE:
                self.page = self.page_start
        elif cmd == 0x81:
            self.contrast = args[0]
        elif cmd == 0x8D:
            self.charge_pump = bool(args[0] & 0x04)
        elif cmd == 0xA8:
            if (args[0] & 0x3F) >= 15:  # 0..14 are invalid ratios
                self.mux = args[0] & 0x3F
        elif cmd == 0xD3:
            self.offset = args[0] & 0x3F
        else:
            self.settings[cmd] = bytes(args)
