# A terminal in Chinese for the layout tests (test_zh_layout*.py): a real Canvas in the 16 px
# font (4 rows) that records every row a screen asks for, and check(), which draws a screen,
# turns its pages and says what it showed. Small (the store is a dict, the flash takes audit
# lines and forgets them) and made at import, before the tests fragment the 64 KiB
# MicroPython heap: the canvas needs a 1 KiB block.
import gc

import drivers.display.font16  # noqa: F401  (what Chinese loads, loaded while the heap
import firmware.ui.wrap_cjk  # noqa: F401  is whole: on a fragmented one it may not)
from drivers.display.canvas import Canvas
from firmware.events import KEY, Event
from firmware.overlay import unload
from firmware.ui import text
from firmware.ui.screen import COLS, Screen, width, wrap
from tests.unit.helpers import VirtualClock, run


class Drawn(Canvas):
    """A Canvas that keeps what was asked of it since the last clear(): (row, text, x,
    invert), before the font cuts or skips anything."""

    def __init__(self, device):
        super().__init__(device)
        self.drawn = []

    def clear(self):
        Canvas.clear(self)
        self.drawn = []

    def text(self, row, s, x=0, invert=False):
        self.drawn.append((row, s, x, invert))
        Canvas.text(self, row, s, x, invert)


class Board:
    serial = "SIM0000001"
    up = True

    def __init__(self):
        self.display = self.net = self
        self.canvas = Drawn(self)

    def show(self, buf, pages):
        pass

    def contrast(self, level):
        pass

    def is_up(self):
        return self.up

    def power_status(self):
        return 80, False


BOARD = Board()

# MicroPython's pool of interned strings grows by doubling, and the step at ~300 strings needs
# one block of 3.5 KB, which the heap has now and, fragmented by the tests, would not have when
# the screens' modules intern their names as they load: take that step here. (Drawing and
# wrapping Chinese intern nothing: tests/unit/test_cjk_heap.py.)
for _i in range(48):
    chr(0x4E00 + _i)


class Term:
    """What the screens use of firmware.app.Terminal; also its store and its flash."""

    VERSION = "0.1.0"
    boots = 3
    role = printer_problem = journal = journal_error = sync = None

    def __init__(self):
        self.board = BOARD
        self.store = self.flash = self
        self.clock = VirtualClock()
        self.config = {}
        self.data = {}

    def home(self):
        self.role = None
        return ("firmware.ui.idle", "IdleScreen")

    def apply_contrast(self, level=None):
        pass

    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        self.data[key] = value

    def makedirs(self, sub):
        pass

    def append_line(self, name, line, roll, label):
        pass

    def statvfs(self):
        return 4 << 20, 1 << 20


def terminal(lang="zh"):
    """A fresh terminal showing `lang`."""
    text.use(lang, BOARD.canvas)
    return Term()


def key(screen, k):
    return run(screen.handle(Event(KEY, k, 0)))


def english():
    """Back to what every other test expects."""
    text.use("en", BOARD.canvas)


def drop(*modules):
    for m in modules:
        unload(m)
    gc.collect()


def asked():
    """The text each row was last asked to show (what the screen meant, whatever the font
    could draw of it)."""
    canvas = BOARD.canvas
    rows = [""] * len(canvas.rows)
    for d in canvas.drawn:
        rows[d[0]] = d[1]
    return rows


def fits():
    """Every row asked of the canvas is on it and whole: no row below the last, no text wider
    than the 16 columns left of where it starts (a CJK char takes two)."""
    canvas = BOARD.canvas
    for row, s, x, _ in canvas.drawn:
        assert 0 <= row < len(canvas.rows), (row, s)
        assert x // 8 + width(s) <= COLS, (row, s)
    return asked()


_paint = Screen.paint
_given = []


def _recording(self, canvas, title, lines, hint=None, top=None, field=None):
    _given[:] = [lines, hint, top, field]
    return _paint(self, canvas, title, lines, hint, top, field)


def check(screen):
    """Draw `screen` on the 4-row display and turn its pages to the last and back: each row
    fits; every line it gave paint() is on one page, with its field and hint on all of them.
    Returns each page's rows as asked."""
    canvas = BOARD.canvas
    assert len(canvas.rows) == 4
    Screen.paint = _recording
    try:
        del _given[:]
        screen.draw(canvas)
        pages = [fits()]
        given = _given[:]
        for _ in range(screen.pages - 1):
            assert screen.scroll("DOWN") is screen
            screen.draw(canvas)
            pages.append(fits())
        now = _given[0] if _given else ()  # a line that changed meanwhile (free heap) aside
        screen.scroll("DOWN")  # no further than the last
        assert screen.page == screen.pages - 1
        if given and given[2] is None:  # paint() turned the pages
            lines, hint, _, field = given
            want = []
            for line in lines:
                if line in now:
                    want += wrap(line) if width(line) > COLS else [line]
            shown = []
            for rows in pages:
                shown += rows[1:]
                assert not hint or rows[3] == hint, rows
                assert field is None or rows[2 if hint else 3] == field, rows
            for line in want:
                assert not line or line in shown, (line, pages)
            if len(pages) > 1:
                assert pages[0][0].endswith("1/%d" % len(pages)), pages[0][0]
        for _ in range(screen.pages - 1):
            screen.scroll("UP")
        assert screen.page == 0
        screen.draw(canvas)
        assert asked() == pages[0]
    finally:
        Screen.paint = _paint
    return pages
