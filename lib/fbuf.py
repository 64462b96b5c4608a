# MicroPython's framebuf for runtimes that lack it (CPython), MONO_VLSB only. Every drawing call
# mirrors extmod/modframebuf.c step by step (clipping, Bresenham, scroll order, the UTF-8 byte
# walk of text()), so a buffer drawn here is byte-identical to one drawn by the real module.
# Not provided: ellipse() and poly(), which nothing here draws.
from font8x8 import FONT

MONO_VLSB = 0
MVLSB = 0

_GLYPH_FIRST = 32
_GLYPH_SUBSTITUTE = 127  # what framebuf draws for any byte outside 32..127


class FrameBuffer:
    def __init__(self, buf, width, height, format, stride=None):
        if format != MONO_VLSB:
            raise ValueError("fbuf supports MONO_VLSB only")
        if isinstance(buf, (bytes, str)):
            raise TypeError("object with buffer protocol required")
        if stride is None:
            stride = width
        if len(buf) < stride * ((height + 7) >> 3):
            raise ValueError("buffer too small")
        self.buf = buf
        self.width = width
        self.height = height
        self.stride = stride

    def _set(self, x, y, c):
        i = (y >> 3) * self.stride + x
        bit = 1 << (y & 7)
        if c:
            self.buf[i] |= bit
        else:
            self.buf[i] &= ~bit & 0xFF

    def _get(self, x, y):
        return (self.buf[(y >> 3) * self.stride + x] >> (y & 7)) & 1

    def _fill(self, x, y, xend, yend, c):
        # Page by page: one byte mask covers the rows of [y, yend) that fall in that page.
        buf = self.buf
        while y < yend:
            stop = min(((y >> 3) + 1) << 3, yend)
            mask = ((1 << (stop - y)) - 1) << (y & 7)
            row = (y >> 3) * self.stride
            if c:
                for i in range(row + x, row + xend):
                    buf[i] |= mask
            else:
                keep = ~mask & 0xFF
                for i in range(row + x, row + xend):
                    buf[i] &= keep
            y = stop

    def fill(self, c):
        self._fill(0, 0, self.width, self.height, c)

    def fill_rect(self, x, y, w, h, c):
        if w < 1 or h < 1 or x + w <= 0 or y + h <= 0 or y >= self.height or x >= self.width:
            return
        self._fill(max(x, 0), max(y, 0), min(self.width, x + w), min(self.height, y + h), c)

    def pixel(self, x, y, c=None):
        if 0 <= x < self.width and 0 <= y < self.height:
            if c is None:
                return self._get(x, y)
            self._set(x, y, c)
        return None

    def hline(self, x, y, w, c):
        self.fill_rect(x, y, w, 1, c)

    def vline(self, x, y, h, c):
        self.fill_rect(x, y, 1, h, c)

    def rect(self, x, y, w, h, c, f=False):
        if f:
            self.fill_rect(x, y, w, h, c)
            return
        self.fill_rect(x, y, w, 1, c)
        self.fill_rect(x, y + h - 1, w, 1, c)
        self.fill_rect(x, y, 1, h, c)
        self.fill_rect(x + w - 1, y, 1, h, c)

    def line(self, x1, y1, x2, y2, c):
        dx = x2 - x1
        sx = 1 if dx > 0 else -1
        dx = abs(dx)
        dy = y2 - y1
        sy = 1 if dy > 0 else -1
        dy = abs(dy)
        steep = dy > dx
        if steep:
            x1, y1 = y1, x1
            dx, dy = dy, dx
            sx, sy = sy, sx
        w = self.width
        h = self.height
        e = 2 * dy - dx
        for _ in range(dx):
            px, py = (y1, x1) if steep else (x1, y1)
            if 0 <= px < w and 0 <= py < h:
                self._set(px, py, c)
            while e >= 0:
                y1 += sy
                e -= 2 * dx
            x1 += sx
            e += 2 * dy
        if 0 <= x2 < w and 0 <= y2 < h:
            self._set(x2, y2, c)

    def _column(self, x, y, bits, c):
        # One glyph column (LSB on top) at (x, y), clipped to the rows that exist.
        if y >= self.height:
            return
        if y < 0:
            if y <= -8:
                return
            bits >>= -y
            y = 0
        room = self.height - y
        if room < 8:
            bits &= (1 << room) - 1
        if not bits:
            return
        bits <<= y & 7
        i = (y >> 3) * self.stride + x
        buf = self.buf
        for part in (bits & 0xFF, bits >> 8):
            if part:
                if c:
                    buf[i] |= part
                else:
                    buf[i] &= ~part & 0xFF
            i += self.stride

    def text(self, s, x, y, c=1):
        # framebuf walks the UTF-8 bytes of s as a C string: it stops at a NUL and draws the
        # substitute glyph for every byte outside 32..127 (so "é" takes two cells).
        data = s.encode() if isinstance(s, str) else bytes(s)
        end = data.find(b"\x00")
        if end >= 0:
            data = data[:end]
        for ch in data:
            if ch < _GLYPH_FIRST or ch > _GLYPH_SUBSTITUTE:
                ch = _GLYPH_SUBSTITUTE
            glyph = (ch - _GLYPH_FIRST) * 8
            for j in range(8):
                if 0 <= x < self.width:
                    self._column(x, y, FONT[glyph + j], c)
                x += 1

    def scroll(self, xstep, ystep):
        w = self.width
        h = self.height
        if xstep < 0:
            if -xstep >= w:
                return
            sx, xend, dx = 0, w + xstep, 1
        else:
            if xstep >= w:
                return
            sx, xend, dx = w - 1, xstep - 1, -1
        if ystep < 0:
            if -ystep >= h:
                return
            y, yend, dy = 0, h + ystep, 1
        else:
            if ystep >= h:
                return
            y, yend, dy = h - 1, ystep - 1, -1
        while y != yend:
            x = sx
            while x != xend:
                self._set(x, y, self._get(x - xstep, y - ystep))
                x += dx
            y += dy

    def blit(self, source, x, y, key=-1, palette=None):
        if x >= self.width or y >= self.height or -x >= source.width or -y >= source.height:
            return
        x0 = max(0, x)
        y0 = max(0, y)
        x1 = max(0, -x)
        y1 = max(0, -y)
        x0end = min(self.width, x + source.width)
        y0end = min(self.height, y + source.height)
        while y0 < y0end:
            cx1 = x1
            for cx0 in range(x0, x0end):
                col = source._get(cx1, y1)
                if palette is not None:
                    col = palette._get(col, 0)
                if col != key:
                    self._set(cx0, y0, col)
                cx1 += 1
            y0 += 1
            y1 += 1
