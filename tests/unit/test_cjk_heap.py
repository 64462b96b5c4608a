# Drawing, measuring, wrapping and printing Chinese text must not grow MicroPython's heap for
# good: every distinct non-ASCII char taken out of a str (s[i], `for ch in s`, chr()) becomes
# an interned string there, never freed, and the string pool grows in large blocks. Every glyph
# of the font goes through the 16 px canvas, the 8x8 one, cells(), width(), wrap() and the
# ESC/POS encoder twice; the heap must come back to where it was before. The text is built
# from UTF-8 bytes (chr() itself would intern) and the font's code table read a piece at a time.
import gc

from drivers.display.canvas import Canvas
from drivers.display.font16 import cells
from drivers.printer.escpos import text as escpos_text
from drivers.printer.escpos import width as escpos_width
from firmware.ui.screen import width, wrap
from firmware.ui.text import path

_CODES = 1560  # where the font's code table starts (tools/gen_cjk_font.py)
_GROWTH = 512  # bytes: far below one interned string per glyph (491 of them: ~8 KB)


class _Log:
    def show(self, buf, pages):
        pass


def _codes():
    # the font's code table, 2 bytes a code (big-endian): a bytearray is an eighth of a list
    with open(path("cjk16.bin"), "rb") as f:
        head = f.read(8)
        table = bytearray(2 * (head[4] | head[5] << 8))
        f.seek(_CODES)
        for at in range(0, len(table), 64):
            piece = f.read(min(64, len(table) - at))
            table[at : at + len(piece)] = piece
    return table


def _utf8(table, k, m):
    # the str of codes k..m-1 of the table
    out = bytearray()
    for i in range(2 * k, 2 * min(m, len(table) // 2), 2):
        c = table[i] << 8 | table[i + 1]
        if c < 0x800:
            out.append(0xC0 | c >> 6)
        else:
            out.append(0xE0 | c >> 12)
            out.append(0x80 | c >> 6 & 0x3F)
        out.append(0x80 | c & 0x3F)
    return out.decode()


def _free():
    gc.collect()
    return gc.mem_free() if hasattr(gc, "mem_free") else None


def _exercise(big, small, table, count):
    # The first `count` codes of the table. big: a canvas in the 16 px font; small: one in
    # the 8x8 font. In pieces of 40 glyphs: the whole text at once would need blocks a
    # fragmented 64 KiB heap may not have.
    for k in range(0, count, 40):
        n = min(40, count - k)
        s = _utf8(table, k, k + n)
        assert cells(s) == width(s) == escpos_width(s, "gb") == 2 * n
        lines = wrap(s)
        for line in lines:
            assert 0 < width(line) <= 16
        assert "".join(lines) == s and len(lines) >= n // 8
        printed = escpos_text(s, path("gb.bin"))
        assert len(printed) == 2 + 2 * n + 2  # FS &, two bytes a char, FS .: none left out
        for j in range(k, k + n, 8):  # 8 full-width glyphs fill a row
            s = _utf8(table, j, min(j + 8, k + n))
            row = j // 8 % 4
            big.text(row, s, invert=row == 0)
            assert big.rows[row] == s
            big.center(row, s)
            small.text(row, s)
            assert small.rows[row] == "?" * len(s)
    big.clear()  # the rows' texts would stay on the heap
    small.clear()


def test_every_glyph_drawn_wrapped_and_printed_twice_leaves_the_heap_as_it_was():
    table = _codes()
    n = len(table) // 2
    assert n > 100
    big = Canvas(_Log())
    big.use_font(path("cjk16.bin"))
    small = Canvas(_Log())
    try:
        # A first pass over two glyphs loads what the first use loads (wrap_cjk); the heap
        # after it is what the passes over every glyph must come back to.
        _exercise(big, small, table, 2)
        before = _free()
        _exercise(big, small, table, n)
        once = _free()
        _exercise(big, small, table, n)
        twice = _free()
    finally:
        big.use_font(None)
    if before is not None:  # MicroPython: CPython's heap is the OS's
        print("heap: %d B before, %d B less after once, %d after twice"
              % (before, before - once, before - twice))  # fmt: skip
        assert before - once < _GROWTH, before - once
        assert once - twice < _GROWTH, once - twice
