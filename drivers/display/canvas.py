# A text-row view of the 128x64 display: 8 rows of 16 cells in the 8x8 font, or, for CJK
# languages, 4 rows in the 16 px font (drivers/display/font16.py, which draws them): 16
# half-width cells, a non-ASCII char taking two. A text row is one controller page (two with
# the 16 px font), so show() sends only the pages whose rows changed.
from compat import const

try:
    from framebuf import MONO_VLSB, FrameBuffer
except ImportError:
    from fbuf import MONO_VLSB, FrameBuffer

_WIDTH = const(128)
_ROWS = const(8)
_COLS = const(16)
_RAW = const(0x80)  # style flag: the row holds pixels hline() drew, not just its text


class Canvas:
    def __init__(self, device, on_show=None):
        self.device = device
        self.on_show = on_show
        self.font = None  # the 16 px font (use_font) or None: the 8x8 one
        self.buf = bytearray(_WIDTH * _ROWS)
        self.fb = FrameBuffer(self.buf, _WIDTH, _ROWS * 8, MONO_VLSB)
        self.rows = [""] * _ROWS  # as many as the font gives: screens lay out len(rows)
        # A row's pixels follow from its text in .rows plus its style: x % 8, inverted, _RAW.
        # Screens clear and redraw everything on each event; comparing text and style with what
        # was last sent keeps that from resending pages that came out the same. Bytes 0..7 hold
        # the drawn styles, 8..15 the sent ones.
        self._style = bytearray(2 * _ROWS)
        self._sent = [None] * _ROWS  # None: unknown, like the controller's RAM at power-up

    def use_font(self, path=None):
        """Draw with the 16 px font in file `path` (4 rows), or, given None, the 8x8 one (8
        rows). Clears the canvas; every page goes out at the next show()."""
        if self.font:
            self.font.close()
            self.font = None
        if path:
            from drivers.display.font16 import Font16

            self.font = Font16(path)
        self.rows = [""] * (_ROWS // 2 if path else _ROWS)
        self.clear()
        self.invalidate()

    def clear(self):
        self.fb.fill(0)
        for i in range(len(self.rows)):
            self.rows[i] = ""
            self._style[i] = 0

    def text(self, row, s, x=0, invert=False):
        """Redraw the whole row: blank (or, inverted, lit) band, then as much of s as fits at x.
        Rows 0-7 are valid whatever the font; those below a 4-row display are not drawn."""
        if not 0 <= row < _ROWS or x < 0:
            raise ValueError("row or x out of range: %r, %r" % (row, x))
        invert = 1 if invert else 0
        if self.font:
            self.font.row(self, row, s, x, invert)
            return
        raw = s.encode()
        if len(raw) != len(s) or raw and (min(raw) < 0x20 or max(raw) > 0x7E):
            # framebuf draws each UTF-8 byte as a cell, so one "é" would take two cells and
            # break the layout; every char the font lacks becomes one "?" instead. Bytes, not
            # chars: a non-ASCII char taken out of s would be interned for good on MicroPython.
            out = bytearray()
            for b in raw:
                if b < 0x80 or b >= 0xC0:  # a char's first byte
                    out.append(b if 0x20 <= b <= 0x7E else 0x3F)
            s = out.decode()
        fits = (_WIDTH - x) >> 3
        if len(s) > fits:
            s = s[: max(0, fits)]
        y = row * 8
        self.fb.fill_rect(0, y, _WIDTH, 8, invert)
        self.fb.text(s, x, y, 1 - invert)
        self.rows[row] = " " * (x >> 3) + s if s else ""
        self._style[row] = (x & 7) << 1 | invert

    # One cell per char in the 8x8 font, whatever text() substitutes; two for a non-ASCII one
    # in the 16 px font. text() cuts what does not fit.
    def center(self, row, s, invert=False):
        w = min(self.font.width(s) if self.font else len(s), _COLS) * 8
        self.text(row, s, (_WIDTH - w) >> 1, invert)

    def right(self, row, s, invert=False):
        w = min(self.font.width(s) if self.font else len(s), _COLS) * 8
        self.text(row, s, _WIDTH - w, invert)

    def hline(self, y, c=1):
        """A full-width rule at pixel row y; the next text() on that row draws over it.
        After drawing on .fb directly, call invalidate()."""
        self.fb.hline(0, y, _WIDTH, c)
        if 0 <= y < _ROWS * 8:
            y //= _ROWS * 8 // len(self.rows)  # the text row: 8 or 16 px tall
            self._style[y] |= _RAW  # until the row is redrawn, its text is not the page
            self._sent[y] = None  # nor is what was sent: send it again

    def invalidate(self):
        """Resend every page at the next show(): the panel lost power or was re-initialised."""
        for p in range(_ROWS):
            self._sent[p] = None

    def show(self):
        """Send the changed pages to the device; returns them (empty when nothing changed)."""
        rows = self.rows
        sent = self._sent
        style = self._style
        pages = []
        n = len(rows)
        tall = _ROWS // n  # pages a row spans
        for r in range(n):
            if rows[r] != sent[r] or style[r] != style[r + _ROWS]:
                pages.append(r * tall)
                if tall > 1:
                    pages.append(r * tall + 1)
        if pages:
            self.device.show(self.buf, pages)
        # Recorded only after the device took them, so a failed bus write is retried next time.
        # Every row, not just the sent ones: the others are equal, and this frees old strings.
        for r in range(n):
            sent[r] = rows[r]
            style[r + _ROWS] = style[r]
        if pages and self.on_show is not None:
            self.on_show(self, pages)
        return pages
