# Issue 9: every screen laid out for the Chinese display's 4 rows of 16 columns, not cut short.
# paint() shows lines that do not fit a page at a time ("1/3" right of the title) and UP/DOWN
# reach every one; menus scroll with the cursor. The screens, a few to a file for the 64 KiB
# MicroPython heap: test_zh_layout_idle.py (and the language), _sale.py, _pay.py, _forms.py,
# _care.py.
from tests.unit.zh_fixtures import BOARD, check, english, key, terminal  # isort: skip
from firmware.ui.menu import ITEMS, TECH, MenuScreen
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t


class _Long(Screen):
    def __init__(self, term, lines, field=None):
        super().__init__(term)
        self.lines = lines
        self.field = field

    def draw(self, canvas):
        self.paint(canvas, t("m-about"), self.lines, t("back-hint"), field=self.field)


def test_paint_pages_what_does_not_fit_and_up_down_reach_every_line():
    term = terminal()
    try:
        lines = wrap(t("sale-flash-full")) + wrap(t("pay-no-answer", t("err-host-silent")))
        assert len(lines) > 4
        screen = _Long(term, lines + ["", "x" * 20])  # a blank spacer; a line too wide
        pages = check(screen)
        assert screen.pages == len(pages) >= 3
        assert pages[1][0].endswith("2/%d" % len(pages))
        assert pages[-1][1] == "xxxx" and "x" * 16 in pages[-2]  # wrapped, not cut
        assert "" not in pages[0][1:3]  # paging drops the spacer
        # the field stays on show on every page, one line a page above it
        assert len(check(_Long(term, lines, "> 12_"))) == len(lines)
        # lines that fit: one page, no mark, nothing for UP/DOWN to do
        short = _Long(term, lines[:2])
        assert len(check(short)) == 1 and short.pages == 1
        assert not BOARD.canvas.drawn[0][1].endswith("/1")
        # the same text in English: 8 rows, fewer pages
        english()
        screen.draw(BOARD.canvas)
        assert len(BOARD.canvas.rows) == 8 and 1 < screen.pages < len(pages)
    finally:
        english()


def test_menus_scroll_with_the_cursor_and_show_where_it_is():
    term = terminal()
    try:
        for items, title in ((ITEMS, "menu"), (TECH, "m-tech")):
            menu = MenuScreen(term, items, title)
            for i in range(len(items)):
                rows = check(menu)[0]
                assert rows[0].endswith("%d/%d" % (i + 1, len(items)))
                chosen = [d for d in BOARD.canvas.drawn if d[3] and d[0]]  # the inverted item
                assert len(chosen) == 1 and chosen[0][1].endswith(t(items[i][0]))
                key(menu, "DOWN")
            assert menu.cursor == 0  # round again
    finally:
        english()
