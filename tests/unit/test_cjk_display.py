# The 16 px CJK font (drivers/display/font16.py) on the Canvas, and wrapping of Chinese text
# (firmware/ui/wrap_cjk.py).
# Expected pixels are placed here straight from the font file's bytes, by the file layout of
# tools/gen_cjk_font.py, so the same test on both runtimes means both draw the same bytes.
from drivers.display.canvas import Canvas
from drivers.display.font16 import Font16, cells
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import path
from tests.unit.helpers import raises

_CODES = 1560
_BOX = 1528


class _Log:
    def __init__(self):
        self.calls = []

    def show(self, buf, pages):
        self.calls.append(list(pages))


class _Data:
    """The font file, read a piece at a time: the whole of it is more than a 64 KiB heap
    spares."""

    def __init__(self):
        head = self.at(0, 8)
        self.n = head[4] | head[5] << 8

    def at(self, offset, n):
        with open(path("cjk16.bin"), "rb") as f:
            f.seek(offset)
            return f.read(n)

    def code(self, i):
        b = self.at(_CODES + 2 * i, 2)
        return b[0] << 8 | b[1]

    def glyph(self, code):
        # (width, bytes) of code's glyph as the file lays it out: ASCII, table, else the box
        if 0x20 <= code < 0x7F:
            return 8, self.at(8 + (code - 0x20) * 16, 16)
        for i in range(self.n):  # plain scan: the font's own search is what is under test
            if self.code(i) == code:
                return 16, self.at(_CODES + 2 * self.n + 32 * i, 32)
        return 16, self.at(_BOX, 32)


def _expected(data, rows):
    # rows: (row, text, x, invert) drawn on a blank canvas with the 16 px font
    buf = bytearray(1024)
    for row, s, x, invert in rows:
        for p in (2 * row, 2 * row + 1):
            for i in range(128):
                buf[p * 128 + i] = 0xFF if invert else 0
        for ch in s:
            w, g = data.glyph(ord(ch))
            if x + w > 128:
                break
            for col in range(w):
                for half in (0, 1):
                    v = g[half * w + col]
                    buf[(2 * row + half) * 128 + x + col] = (~v & 0xFF) if invert else v
            x += w
    return buf


def test_glyph_lookup_first_last_and_missing():
    data = _Data()
    codes = [data.code(i) for i in (0, 1, data.n // 2, data.n - 1)]
    assert data.n >= 2 and codes == sorted(codes) and len(set(codes)) == 4
    font = Font16(path("cjk16.bin"))
    try:
        for code in codes:
            assert font.load(code) == 16
            assert bytes(font.buf) == data.glyph(code)[1]
        assert font.load(ord("A")) == 8
        assert bytes(font.buf[:16]) == data.glyph(ord("A"))[1]
        assert font.load(1) == 8  # a control char draws as "?"
        assert bytes(font.buf[:16]) == data.glyph(ord("?"))[1]
        for code in (0x80, codes[0] - 1, codes[-1] + 1, 0xE000, 0xFFFF):
            if code not in codes:
                assert font.load(code) == 0
                assert bytes(font.buf) == data.at(_BOX, 32)
        assert font.buf != bytearray(32)  # the box is drawn, not a blank
    finally:
        font.close()


def test_font16_refuses_a_file_that_is_not_a_font():
    raises(ValueError, Font16, path("en.txt"))


def _tall(check, log=None):
    # check(canvas) on a canvas in the 16 px font, whose file is closed afterwards
    canvas = Canvas(log or _Log())
    canvas.use_font(path("cjk16.bin"))
    try:
        check(canvas)
    finally:
        canvas.use_font(None)


def test_canvas_16px_rows_match_the_font_file_bytes():
    _tall(_rows_match)


def _rows_match(canvas):
    data = _Data()
    cjk = chr(data.code(0)) + chr(data.code(data.n - 1))
    assert canvas.rows == ["", "", "", ""]
    canvas.text(0, "Ok" + cjk, invert=True)
    canvas.text(1, cjk + " 12.50", x=3)  # off the 8 px grid
    canvas.text(2, "\ue000a\x01")  # the box, then "a", then "?"
    canvas.right(3, cjk + "9")
    assert canvas.buf == _expected(
        data,
        [
            (0, "Ok" + cjk, 0, True),
            (1, cjk + " 12.50", 3, False),
            (2, "\ue000a?", 0, False),
            (3, cjk + "9", 128 - 5 * 8, False),
        ],
    )
    assert canvas.rows == ["Ok" + cjk, cjk + " 12.50", "\u25a1a?", " " * 11 + cjk + "9"]


def test_canvas_16px_cuts_what_does_not_fit_and_centres_by_cells():
    _tall(_cuts)


def _cuts(canvas):
    data = _Data()
    c = chr(data.code(0))
    canvas.text(0, c * 9)
    assert canvas.rows[0] == c * 8
    canvas.text(1, "a" + c * 8)  # the last char would end at 136
    assert canvas.rows[1] == "a" + c * 7
    canvas.center(2, c * 2)  # 4 cells: x = 48
    assert canvas.rows[2] == " " * 6 + c * 2
    assert canvas.buf == _expected(data, [(0, c * 8, 0, False), (1, "a" + c * 7, 0, False),
                                          (2, c * 2, 48, False)])  # fmt: skip


def test_canvas_16px_sends_two_pages_a_row_and_ignores_rows_below_the_fourth():
    canvas = Canvas(_Log())
    canvas.use_font(path("cjk16.bin"))
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7]
    canvas.text(1, "x")
    canvas.text(6, "not drawn")  # a screen laid out for 8 rows loses its lower half
    assert canvas.show() == [2, 3]
    canvas.hline(40)  # pixel row 40 is in text row 2
    assert canvas.show() == [4, 5]
    raises(ValueError, canvas.text, 8, "x")
    canvas.use_font(None)  # back to 8 rows of the 8x8 font, everything resent
    assert len(canvas.rows) == 8
    canvas.text(1, "x")
    plain = Canvas(_Log())
    plain.text(1, "x")
    assert canvas.buf == plain.buf
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7]


def test_paint_lays_out_as_many_rows_as_the_canvas_has():
    canvas = Canvas(_Log())
    canvas.use_font(path("cjk16.bin"))
    try:
        screen = Screen(None)
        screen.paint(canvas, "T", ["a", "b", "c", "d"], "h")
        assert canvas.rows == ["       T     1/2", "a", "b", "h"]  # a page at a time
        screen.scroll("DOWN")
        screen.paint(canvas, "T", ["a", "b", "c", "d"], "h")
        assert canvas.rows == ["       T     2/2", "c", "d", "h"]
    finally:
        canvas.use_font(None)
    Screen(None).paint(canvas, "T", ["a", "b", "c", "d"], "h")
    assert canvas.rows == ["       T", "a", "b", "c", "d", "", "", "h"]


def test_cells_counts_non_ascii_twice():
    assert cells("") == 0
    assert cells("ab 1") == 4
    assert cells("\u5408\u8ba1 12") == 7
    assert cells("\u00e9") == 2


def test_wrap_keeps_ascii_words_whole():
    assert wrap("Load a new paper roll and close the cover.") == [
        "Load a new paper",
        "roll and close",
        "the cover.",
    ]
    assert wrap("x" * 20) == ["x" * 16, "xxxx"]
    assert wrap("  a\nb  ") == ["a b"]


def test_wrap_breaks_between_cjk_chars_counting_two_columns():
    zh = "\u4e2d\u6587"  # 中文
    assert wrap(zh * 5) == [zh * 4, zh]
    # 请按 ENTER 键确认: spaces kept where they were, ENTER never split
    s = "\u8bf7\u6309 ENTER \u952e\u786e\u8ba4"
    assert wrap(s) == ["\u8bf7\u6309 ENTER \u952e\u786e", "\u8ba4"]
    assert wrap("\u603b\u8ba1\u91d1\u989d PAYMENT", 10) == ["\u603b\u8ba1\u91d1\u989d", "PAYMENT"]
    # a number next to CJK is a word of its own: 金额12.50元
    assert wrap("\u91d1\u989d12.50\u5143", 8) == ["\u91d1\u989d", "12.50\u5143"]


def test_wrap_keeps_chinese_punctuation_off_the_wrong_line_end():
    seven = "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03"  # 一二三四五六七
    # "，" may not start a line: it takes "七" down with it
    assert wrap(seven + "\uff0c\u516b", 14) == [seven[:6], seven[6] + "\uff0c\u516b"]
    # "（" may not end a line: it goes down with what it opens
    assert wrap(seven[:6] + "\uff08\u4e03\uff09", 14) == [seven[:6], "\uff08\u4e03\uff09"]
    for line in wrap(seven * 3 + "\u3002" + seven, 16):
        assert cells(line) <= 16 and line[0] not in "\uff0c\u3002"
