# Issue 9, the technician's long lists in Chinese: the preparation check, a maintenance page and
# a help page scroll a line at a time with UP/DOWN (their own keys, so paint() turns no pages
# for them) down to their last line, and show where they are.
from tests.unit.zh_fixtures import BOARD, asked, drop, english, fits, key, terminal  # isort: skip
from firmware.ui.text import t


def _scrolls(screen, lines):
    # DOWN from the top reaches every line of `lines`, UP comes back; returns the first rows
    canvas = BOARD.canvas
    screen.draw(canvas)
    first = fits()
    seen = []
    for _ in range(len(lines) + 2):
        assert screen.pages == 1  # UP/DOWN are the screen's: the Terminal leaves them be
        seen += asked()[1:3]
        key(screen, "DOWN")
        screen.draw(canvas)
        fits()
    assert [line for line in lines if line not in seen] == []
    assert asked()[0].endswith("%d/%d" % ((len(lines) + 1) // 2, (len(lines) + 1) // 2))
    for _ in range(len(lines) + 2):
        key(screen, "UP")
    screen.draw(canvas)
    assert asked() == first and first[0].endswith("1/%d" % ((len(lines) + 1) // 2))
    return first


def test_the_preparation_check_scrolls_to_its_last_line():
    term = terminal()
    try:
        from firmware.ui.selfcheck import ITEMS, SelfCheck

        screen = SelfCheck(term, "tech", "1")
        screen.res = {item: ("ok", None, "") for item in ITEMS.split()}
        screen.res["printer"] = ("check-failed", t("paper-out"), "fix-paper-out")
        screen.res["network"] = ("ok", t("prep-rtt-ms", 35), "")
        screen.ok = False
        screen.build()
        first = _scrolls(screen, screen.lines)
        assert first[1].startswith(t("chk-printer")) and first[1].endswith(t("check-failed"))
        assert first[3] == t("press-to-retry")
    finally:
        english()
        drop("firmware.ui.selfcheck", "firmware.activation")


def test_maintenance_and_help_pages_scroll_to_their_last_line():
    term = terminal()
    try:
        from firmware.ui.maint import Lines

        lines = ["%d %s" % (i, t("mt-no-errors")) for i in range(7)]
        _scrolls(Lines(term, "mt-item-errors", lines), lines)
        Lines = None  # its module goes with it
        drop("firmware.ui.maint", "firmware.ui.menu")
        from firmware.ui.care import Topics, page_lines

        lines = page_lines(term, "help-printer")
        page = Topics(term, "help").choose(3)
        assert page.lines == lines and len(lines) > 2
        canvas = BOARD.canvas
        for _ in range(len(lines)):
            page.draw(canvas)
            rows = fits()
            assert page.pages == 1 and rows[3].endswith(t("back-hint"))
            key(page, "DOWN")
        assert rows[1:3] == lines[-2:] and not rows[3].startswith("v")
    finally:
        english()
        drop("firmware.ui.care", "firmware.ui.maint", "firmware.ui.menu")
