# The maintenance screens' content: the update status from the "fw" record, the health page,
# and a page that scrolls with UP/DOWN and goes back to the maintenance menu.
import os

from firmware.events import KEY, Event
from firmware.maint.wear import WearFlash
from firmware.store import Store
from firmware.ui import maint
from tests.unit.helpers import run


def rmtree(path):
    # the installer's own (firmware.maint.install) would cost 5 KB of this 64 KiB heap
    try:
        if os.stat(path)[0] & 0x4000:
            for name in os.listdir(path):
                rmtree(path + "/" + name)
            os.rmdir(path)
        else:
            os.remove(path)
    except OSError:
        pass


_TMP = "/tmp/pos-unit-mscr-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)


class _Canvas:
    def __init__(self):
        self.rows = [""] * 8

    def clear(self):
        self.rows = [""] * 8

    def center(self, row, s, invert=False):
        self.rows[row] = s.strip()

    def text(self, row, s, x=0, invert=False):
        self.rows[row] = s


class _Board:
    def power_status(self):
        return 80, False


class _Term:
    VERSION = "0.1.0"

    def __init__(self, name):
        rmtree(_TMP + name)
        self.flash = WearFlash(_TMP + name)
        self.store = Store(self.flash)
        self.board = _Board()
        self.config = {}


def _rows(screen):
    c = _Canvas()
    screen.draw(c)
    return c.rows


def test_status_tells_deployed_installed_trial_and_rolled_back():
    term = _Term("st")
    assert _rows(maint.status(term))[1:3] == ["Version 0.1.0", "Deployed image"]
    term.store.put("fw", {"current": "1.2.0", "previous": None, "trial": True, "boots": 1})
    assert "Deployed image" in _rows(maint.status(term))  # recorded, but not what runs
    term.VERSION = "1.2.0"
    rows = _rows(maint.status(term))
    assert rows[1:5] == [
        "Version 1.2.0",
        "Installed update",
        "On trial, boot 1",
        "Before: deployed",
    ]
    term.VERSION = "0.1.0"
    term.store.put("fw", {"current": None, "previous": None, "trial": False, "failed": "1.2.0"})
    term.store.put("fw-last", ["1.3.0", "upd-bad-signature"])
    text = " ".join(_rows(maint.status(term)))
    assert "1.2.0 did not start: rolled back." in text
    assert "Last try: 1.3.0" in text


def test_health_shows_battery_heap_flash_and_wear():
    term = _Term("he")
    term.flash.write_atomic("x", b"1")
    rows = _rows(maint.health(term))
    assert rows[1:3] == ["Battery 80%", "On battery"]
    assert "Writes 1" in rows and "Replaced 1" in rows
    assert any(r.startswith("Heap free") for r in rows) == hasattr(__import__("gc"), "mem_free")


def test_a_page_scrolls_within_its_lines_and_goes_back_to_the_menu():
    term = _Term("sc")
    page = maint.Lines(term, "mt-item-errors", ["line %d" % i for i in range(10)])
    assert _rows(page)[1] == "line 0"
    for _ in range(6):
        assert run(page.handle(Event(KEY, "DOWN", 0))) is page
    assert _rows(page)[1:7] == ["line %d" % i for i in range(4, 10)]  # no further than the end
    run(page.handle(Event(KEY, "UP", 0)))
    assert _rows(page)[1] == "line 3"
    back = run(page.handle(Event(KEY, "CANCEL", 0)))
    assert type(back).__name__ == "Maintenance" and back.items == maint.ITEMS
