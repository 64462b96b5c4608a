# The 16 px font of CJK languages (file layout: tools/gen_cjk_font.py) and the Canvas's
# drawing in it, loaded only with it (Canvas.use_font). The file stays open; a glyph is found
# by a binary search of its code table and read (32 bytes) into a buffer the glyph
# FrameBuffers share, so the heap holds one glyph however many the font has. Glyphs are
# MONO_VLSB like the display and drawn with blit(), which lib/fbuf.py mirrors bit for bit:
# both runtimes draw the same bytes.
from compat import const

try:
    from framebuf import MONO_VLSB, FrameBuffer
except ImportError:
    from fbuf import MONO_VLSB, FrameBuffer

_ASCII = const(8)  # where the 8x16 glyphs of ' '..'~' start, 16 bytes each
_BOX = const(1528)  # the full-width box drawn for what the font lacks
_CODES = const(1560)  # the sorted code table, 2 bytes a code; the glyphs follow it


def cells(s):
    """Columns `s` takes in this font (and on a printer in Chinese mode): 1 an ASCII char, 2
    any other."""
    n = len(s)
    raw = s.encode()
    if len(raw) != n:
        # Bytes, not chars: every distinct non-ASCII char taken out of a str (s[i], `for ch
        # in s`, chr()) becomes an interned string on MicroPython, kept for good.
        for b in raw:
            if b >= 0xC0:  # the first byte of a non-ASCII char
                n += 1
    return n


class Font16:
    def __init__(self, path):
        f = self.f = open(path, "rb")
        head = f.read(_ASCII)
        if head[:4] != b"CJ16":
            f.close()
            raise ValueError("path")  # not a font tools/gen_cjk_font.py wrote
        self.n = head[4] | head[5] << 8
        self.buf = bytearray(32)
        self._code = bytearray(2)
        self.wide = FrameBuffer(self.buf, 16, 16, MONO_VLSB)
        self.narrow = FrameBuffer(self.buf, 8, 16, MONO_VLSB)  # the first 16 bytes
        # blit() palette that swaps 0 and 1: dark glyphs on a lit (inverted) band
        self._swap = FrameBuffer(bytearray(b"\x01\x00"), 2, 1, MONO_VLSB)

    def close(self):
        self.f.close()

    def load(self, code):
        """Read the glyph of code point `code` into .buf; its width in px: 8 for ASCII (a
        control char gets "?"), 16 for the rest, or 0 when the font lacks it (.buf then holds
        the box, 16 px wide)."""
        f = self.f
        if code < 0x80:
            if code < 0x20 or code == 0x7F:
                code = 0x3F
            f.seek(_ASCII + (code - 0x20) * 16)
            f.readinto(self.buf)  # 32 bytes: the next glyph's half is never drawn
            return 8
        one = self._code
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            f.seek(_CODES + 2 * mid)
            f.readinto(one)
            got = one[0] << 8 | one[1]
            if got < code:
                lo = mid + 1
            elif got > code:
                hi = mid
            else:
                f.seek(_CODES + 2 * self.n + 32 * mid)
                f.readinto(self.buf)
                return 16
        f.seek(_BOX)
        f.readinto(self.buf)
        return 0

    def width(self, s):
        # cells(): what Canvas.center() and right() measure with in this font
        return cells(s)

    def row(self, canvas, row, s, x, invert):
        """Canvas.text() in this font: the 16 px band of text row `row` (rows below the
        fourth are off the display: nothing drawn) blank, or lit when `invert` is 1, then as
        much of s as fits from x. The row's text is what was drawn: a control char as "?",
        what the font lacks as "\u25a1" (the box)."""
        if row >= len(canvas.rows):
            return
        fb = canvas.fb
        y = row * 16
        fb.fill_rect(0, y, 128, 16, invert)
        raw = s.encode()  # walked as bytes, decoded here: see cells()
        n = len(raw)
        out = None  # what was drawn, from the first char drawn otherwise than it is in s
        i = 0
        at = x
        while i < n:
            code = raw[i]  # a code point decoded from its 1 to 4 bytes of UTF-8
            size = 1
            if code >= 0xC0:
                size = 2 if code < 0xE0 else 3 if code < 0xF0 else 4
                code &= 0x3F >> (size - 1)
                for k in range(i + 1, i + size):
                    code = code << 6 | raw[k] & 0x3F
            w = self.load(code)
            if at + (w or 16) > 128:
                break
            if out is None and (not w or code < 0x20 or code == 0x7F):
                out = bytearray(raw[:i])
            if out is not None:
                if not w:
                    out += b"\xe2\x96\xa1"  # the box, U+25A1
                elif code < 0x20 or code == 0x7F:
                    out.append(0x3F)  # "?"
                else:
                    out += raw[i : i + size]
            if invert:
                fb.blit(self.narrow if w == 8 else self.wide, at, y, 1, self._swap)
            else:
                fb.blit(self.narrow if w == 8 else self.wide, at, y, 0)
            at += w or 16
            i += size
        if out is not None:
            s = out.decode()
        elif i < n:
            s = raw[:i].decode()
        canvas.rows[row] = " " * (x >> 3) + s if s else ""
        canvas._style[row] = (x & 7) << 1 | invert
