# Display drawing: fbuf against MicroPython's framebuf, and the Canvas's rows and dirty pages.
# The SSD1306 driver and the simulated controller are in test_display_ssd1306.py.
#
# The GOLDEN_* literals were produced once by real framebuf (micropython 1.29, see
# _print_goldens). Under MicroPython the scene tests check framebuf AND fbuf against them, under
# CPython fbuf: the same test passes on both runtimes only if the two draw identical bytes.
from drivers.display.canvas import Canvas
from drivers.display.ssd1306 import SSD1306
from tests.unit.helpers import raises


def _backends():
    found = []
    try:
        import framebuf

        found.append(framebuf)
    except ImportError:
        pass
    import fbuf

    found.append(fbuf)
    return found


def _scene_text(m):
    buf = bytearray(64 * 16 // 8)
    fb = m.FrameBuffer(buf, 64, 16, m.MONO_VLSB)
    fb.text("Pay 12.50", -3, 3)  # clipped left, straddles both pages
    fb.text("gj_|", 40, 11, 1)  # descenders clipped at the bottom edge
    fb.fill_rect(0, 0, 20, 5, 1)
    fb.text("Ok", 2, -2, 0)  # dark text on a lit block, clipped at the top
    return buf


def _scene_substitutes(m):
    buf = bytearray(48)
    fb = m.FrameBuffer(buf, 48, 8, m.MONO_VLSB)
    fb.text("é\x01~\x00hidden", 0, 0)  # two bytes of "é", then \x01, "~", stop at NUL
    return buf


def _scene_shapes(m):
    buf = bytearray(32 * 24 // 8)
    fb = m.FrameBuffer(buf, 32, 24, m.MONO_VLSB)
    fb.line(0, 23, 31, 2, 1)
    fb.line(3, 0, 9, 22, 1)
    fb.line(40, -5, -6, 30, 1)
    fb.rect(12, 4, 15, 9, 1)
    fb.rect(14, 6, 6, 4, 1, True)
    fb.hline(-4, 18, 20, 1)
    fb.vline(30, 10, 40, 1)
    fb.pixel(20, 20, 1)
    fb.fill_rect(24, 14, 5, 5, 0)
    fb.scroll(-3, 2)
    return buf


GOLDEN_TEXT = (
    "5f5f7f30000f0fa0b0bfffc00013f1e40e1fffff000000000000000000000020"
    "f8f8000000001098884878300000000000000000000038382828e8c80000f0f8"
    "0000000000000103020203030000040505050703000000000000000000000202"
    "030302020000030302c2e22220e0e0000303000000e8e9030202030100000103"
)
GOLDEN_SUBSTITUTES = (
    "aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa550002030103020301"
    "00000000000000000000000000000000"
)
GOLDEN_SHAPES = (
    "0cf000030000000000c040404040404040404040404040c08040202010080804"
    "00000f7080000000007f404fcfcfef6f7f58484c4642417f000000f00000fc00"
    "905050b05778b8141c161513110000000040000000000000000000ff0000ff00"
)


def _hex(b):
    return "".join("%02x" % v for v in b)


def _print_goldens():
    # Run under micropython to regenerate: micropython -c "from tests.unit import
    # test_display as t; t._print_goldens()"
    import framebuf

    for name, scene in (
        ("TEXT", _scene_text),
        ("SUBSTITUTES", _scene_substitutes),
        ("SHAPES", _scene_shapes),
    ):
        print("GOLDEN_%s = %r" % (name, _hex(scene(framebuf))))


def test_framebuffer_text_matches_micropython_bytes():
    for m in _backends():
        assert _hex(_scene_text(m)) == GOLDEN_TEXT, m.__name__


def test_framebuffer_substitutes_and_nul_match_micropython_bytes():
    for m in _backends():
        assert _hex(_scene_substitutes(m)) == GOLDEN_SUBSTITUTES, m.__name__


def test_framebuffer_shapes_match_micropython_bytes():
    for m in _backends():
        assert _hex(_scene_shapes(m)) == GOLDEN_SHAPES, m.__name__


def test_framebuffer_pixel_reads_back_and_ignores_out_of_range():
    for m in _backends():
        buf = bytearray(16)
        fb = m.FrameBuffer(buf, 8, 16, m.MONO_VLSB)
        fb.pixel(3, 9, 1)
        assert buf[8 + 3] == 0x02
        assert fb.pixel(3, 9) == 1
        assert fb.pixel(3, 8) == 0
        assert fb.pixel(8, 0) is None
        fb.pixel(-1, 0, 1)
        fb.pixel(0, 16, 1)
        assert buf == bytearray(8) + bytearray(b"\x00\x00\x00\x02\x00\x00\x00\x00")


def test_framebuffer_rejects_a_buffer_too_small():
    for m in _backends():
        raises(ValueError, m.FrameBuffer, bytearray(15), 8, 16, m.MONO_VLSB)


def test_fbuf_font_is_the_micropython_one():
    from font8x8 import FONT

    assert len(FONT) == 96 * 8
    assert FONT[(ord("A") - 32) * 8 : (ord("A") - 31) * 8] == b"\x00\x7c\x7e\x0b\x0b\x7e\x7c\x00"
    assert FONT[-8:] == b"\xaa\x55\xaa\x55\xaa\x55\xaa\x55"  # 127, drawn for unknown bytes


# -- Canvas --


class PageLog:
    def __init__(self):
        self.calls = []

    def show(self, buf, pages):
        self.calls.append(list(pages))


def test_canvas_rows_hold_what_each_row_shows():
    canvas = Canvas(PageLog())
    canvas.text(0, "Hello")
    canvas.text(1, "x" * 20)
    canvas.text(2, "abc", x=120)
    canvas.right(3, "12.50")
    canvas.center(4, "PAY")
    canvas.text(5, "Café €5")
    assert canvas.rows == [
        "Hello",
        "x" * 16,
        " " * 15 + "a",
        " " * 11 + "12.50",
        " " * 6 + "PAY",
        "Caf? ?5",
        "",
        "",
    ]
    canvas.clear()
    assert canvas.rows == [""] * 8 and canvas.buf == bytearray(1024)


def test_canvas_draws_with_the_8x8_font_at_row_bands():
    canvas = Canvas(PageLog())
    canvas.right(7, "A")
    assert canvas.buf[7 * 128 + 120 : 7 * 128 + 128] == b"\x00\x7c\x7e\x0b\x0b\x7e\x7c\x00"
    canvas.center(2, "A")  # 8 px wide: x = 60
    assert canvas.buf[2 * 128 + 60 : 2 * 128 + 68] == b"\x00\x7c\x7e\x0b\x0b\x7e\x7c\x00"
    canvas.text(3, "A", invert=True)
    band = canvas.buf[3 * 128 : 4 * 128]
    assert band[:8] == b"\xff\x83\x81\xf4\xf4\x81\x83\xff"
    assert band[8:] == b"\xff" * 120
    canvas.text(3, "")  # a plain redraw clears the inverted band
    assert canvas.buf[3 * 128 : 4 * 128] == bytearray(128)
    assert canvas.buf[: 2 * 128] == bytearray(256)


def test_canvas_non_ascii_draws_as_question_marks():
    a = Canvas(PageLog())
    b = Canvas(PageLog())
    a.text(0, "né\n")
    b.text(0, "n??")
    assert a.buf == b.buf


def test_canvas_show_sends_only_dirty_pages():
    log = PageLog()
    seen = []
    canvas = Canvas(log, on_show=lambda c, pages: seen.append((c, pages)))
    buf = canvas.buf
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7]  # the panel's RAM starts as noise
    assert canvas.show() == [] and len(log.calls) == 1
    canvas.text(2, "Total")
    assert canvas.show() == [2]
    canvas.text(2, "Total")  # unchanged: nothing to send
    canvas.text(5, "a")
    canvas.text(0, "b")
    canvas.show()
    canvas.hline(33)
    canvas.show()
    assert log.calls == [[0, 1, 2, 3, 4, 5, 6, 7], [2], [0, 5], [4]]
    assert [p for _, p in seen] == log.calls and seen[0][0] is canvas
    assert canvas.buf is buf


def test_canvas_clear_and_redraw_sends_only_rows_that_came_out_different():
    log = PageLog()
    canvas = Canvas(log)
    canvas.text(0, "Menu", invert=True)
    canvas.text(1, "1 Sale")
    canvas.text(4, "x")
    canvas.hline(60)
    canvas.show()
    before = bytes(canvas.buf)
    canvas.clear()  # what a screen does on every event...
    canvas.text(0, "Menu", invert=True)  # ...then it draws the same rows again
    canvas.text(1, "1 Sale", invert=True)  # this one changed
    assert canvas.show() == [1, 4, 7]  # 4 is blank now, 7 lost its rule
    canvas.clear()
    canvas.text(0, "Menu", invert=True)
    canvas.text(1, "1 Sale")
    canvas.text(4, "x")
    canvas.hline(60)
    assert canvas.show() == [1, 4, 7] and bytes(canvas.buf) == before
    assert log.calls[1:] == [[1, 4, 7], [1, 4, 7]]
    canvas.invalidate()
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7]


def test_canvas_resends_a_row_whose_text_matches_but_pixels_do_not():
    canvas = Canvas(PageLog())
    canvas.center(0, "abc")  # x = 52: half a cell right of "      abc"
    canvas.text(1, "a", invert=True)
    canvas.text(2, "b")
    canvas.hline(23)
    canvas.show()
    canvas.clear()
    canvas.text(0, "      abc")
    canvas.text(1, "a")
    canvas.text(2, "b")  # draws over the rule
    assert canvas.rows[:3] == ["      abc", "a", "b"]
    assert canvas.show() == [0, 1, 2]
    canvas.clear()
    canvas.text(0, "      abc")
    canvas.text(1, "a")
    canvas.text(2, "b")
    assert canvas.show() == []


def test_canvas_keeps_pages_dirty_when_the_bus_fails():
    class FailingBus:
        def writeto(self, addr, buf):
            raise OSError(19)

    canvas = Canvas(SSD1306(FailingBus()))
    canvas.text(1, "x")
    raises(OSError, canvas.show)
    canvas.device = log = PageLog()  # the bus is back
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7] and log.calls == [[0, 1, 2, 3, 4, 5, 6, 7]]


def test_canvas_rejects_bad_rows():
    canvas = Canvas(PageLog())
    raises(ValueError, canvas.text, 8, "x")
    raises(ValueError, canvas.text, -1, "x")
    raises(ValueError, canvas.text, 0, "x", -8)
