# A text-row view of the 128x64 display: 8 rows of 16 cells in the 8x8 font. A text row is
# exactly one controller page, so show() sends only the pages whose rows changed.
from compat import const

try:
    from framebuf import MONO_VLSB, FrameBuffer
except ImportError:
    from fbuf import MONO_VLSB, FrameBuffer

_CELL = const(8)
_BLANK = ("", 0, False)  # what text() records for an empty, not inverted row


def _printable(s):
    # framebuf draws each UTF-8 byte as a cell, so one "é" would take two cells and break the
    # layout; every char the font lacks becomes one "?" instead.
    for ch in s:
        if not " " <= ch <= "~":
            return "".join(ch if " " <= ch <= "~" else "?" for ch in s)
    return s


class Canvas:
    def __init__(self, device, width=128, height=64, on_show=None):
        if width % _CELL or height % _CELL:
            raise ValueError("width and height must be multiples of 8")
        self.device = device
        self.width = width
        self.height = height
        self.cols = width // _CELL
        self.buf = bytearray(width * height // _CELL)
        self.fb = FrameBuffer(self.buf, width, height, MONO_VLSB)
        self.on_show = on_show
        n = height // _CELL
        self.rows = [""] * n
        # Per row: what text() last drew (None after raw drawing on .fb) and what the device
        # was last sent. Screens clear and redraw everything on each event; comparing the two
        # at show() keeps that from resending pages that came out the same.
        self._drawn = [_BLANK] * n
        self._sent = [None] * n  # the controller's RAM holds noise until the first show
        self._raw = 0  # rows drawn on directly since the last show

    def _row_y(self, row):
        if not 0 <= row < len(self.rows):
            raise ValueError("row out of range: %r" % (row,))
        return row * _CELL

    def clear(self):
        self.fb.fill(0)
        for i in range(len(self.rows)):
            self.rows[i] = ""
            self._drawn[i] = _BLANK

    def text(self, row, s, x=0, invert=False):
        """Redraw the whole row: blank (or, inverted, lit) band, then as much of s as fits at x."""
        y = self._row_y(row)
        if x < 0:
            raise ValueError("x must be >= 0")
        s = _printable(s)[: max(0, (self.width - x) // _CELL)]
        drawn = (s, x, bool(invert))
        if self._drawn[row] == drawn:
            return
        self._drawn[row] = drawn
        self.fb.fill_rect(0, y, self.width, _CELL, 1 if invert else 0)
        self.fb.text(s, x, y, 0 if invert else 1)
        self.rows[row] = " " * (x // _CELL) + s if s else ""

    def center(self, row, s, invert=False):
        s = _printable(s)[: self.cols]
        self.text(row, s, (self.width - len(s) * _CELL) // 2, invert)

    def right(self, row, s, invert=False):
        s = _printable(s)[: self.cols]
        self.text(row, s, self.width - len(s) * _CELL, invert)

    def hline(self, y, c=1):
        """A full-width rule at pixel row y; the next text() on that row draws over it."""
        self.fb.hline(0, y, self.width, c)
        self.touch(y, 1)

    def touch(self, y, h):
        """Mark pixel rows y..y+h-1 changed after drawing on .fb directly."""
        for row in range(max(0, y // _CELL), min(len(self.rows), (y + h + _CELL - 1) // _CELL)):
            self._drawn[row] = None
            self._raw |= 1 << row

    def invalidate(self):
        """Resend every page at the next show(): the panel lost power or was re-initialised."""
        for i in range(len(self._sent)):
            self._sent[i] = None
        self._raw = (1 << len(self._sent)) - 1  # rows drawn raw were sent as None too

    def dirty_pages(self):
        sent = self._sent
        drawn = self._drawn
        return [p for p in range(len(sent)) if self._raw >> p & 1 or drawn[p] != sent[p]]

    def show(self):
        """Send the changed pages to the device; returns them (empty when nothing changed)."""
        pages = self.dirty_pages()
        if not pages:
            return pages
        self.device.show(self.buf, pages)
        # Recorded only after the device took them, so a failed bus write is retried next time.
        for p in pages:
            self._sent[p] = self._drawn[p]
        self._raw = 0
        if self.on_show is not None:
            self.on_show(self, pages)
        return pages
