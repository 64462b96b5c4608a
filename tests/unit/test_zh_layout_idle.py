# Issue 9, the first screens in Chinese: the idle screen's 4 rows, and the language, chosen
# from the technician menu or with F4 on a new terminal's idle screen, stored and applied.
from tests.unit.zh_fixtures import BOARD, check, drop, english, key, terminal  # isort: skip
from firmware.ui.screen import wrap
from firmware.ui.text import t


class _Journal:
    def summary(self):
        return {"unsynced": 2, "total": 1250}


def test_idle_shows_what_matters_in_four_rows():
    term = terminal()
    try:
        from firmware.ui.idle import IdleScreen

        idle = IdleScreen(term)
        rows = check(idle)[0]
        assert rows[0].strip().startswith(t("st-FACTORY"))  # before activation: the state
        assert rows[0][-3] == ":"  # the time beside it: "HH:MM"
        assert rows[1:] == [t("go-activate"), t("idle-f4-language"), t("menu-hint")]
        # a refused key's reason takes the two middle rows, in full
        assert key(idle, "F1") is idle
        note = wrap(t("no-sale"))
        assert len(note) <= 2 and check(idle)[0][1 : 1 + len(note)] == note
        # F4 before activation: the language, on the first screen a new terminal shows
        assert key(idle, "F4") == ("firmware.ui.lang", "Language")
        term.put("activation", {"state": "ACTIVE"})
        idle.note = None
        term.journal = _Journal()
        term.printer_problem = "paper-out"
        rows = check(idle)[0]
        assert rows[1] == t("paper-out") and rows[2].startswith(t("online") + " 2/")
        term.printer_problem = None
        rows = check(idle)[0]
        assert rows[0].strip().startswith(t("brand"))  # the merchant, once active
        # below the link state, what to do next in turn, a line every 2 s
        seen = []
        for _ in range(3):
            rows = check(idle)[0]
            assert rows[1].startswith(t("online"))
            seen.append(rows[2])
            term.clock.advance(2000)
        assert sorted(seen) == sorted([t("idle-backup-due"), t("idle-f1-sale"), t("idle-f2-f3")])
        assert key(idle, "F4") is idle  # an active terminal's language is the technician's
    finally:
        english()
        drop("firmware.ui.idle")


def test_language_is_in_the_technician_menu_stored_and_switches_4_and_8_rows():
    import os

    from firmware.flash import Flash
    from firmware.store import Store
    from firmware.ui.menu import TECH, MenuScreen

    term = terminal("en")
    root = "/tmp/pos-unit-zhl-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)
    term.flash = Flash(root)
    if term.flash.exists("store/lang.json"):
        term.flash.remove("store/lang.json")
    term.store = Store(term.flash)
    try:
        i = [item[0] for item in TECH].index("m-set-language")
        menu = MenuScreen(term, TECH, "m-tech")
        assert menu.choose(i) == ("firmware.ui.lang", "Language")
        assert key(menu, str((i + 1) % 10)) == ("firmware.ui.lang", "Language")  # 0: tenth
        TECH = MenuScreen = menu = None  # the module goes with them
        drop("firmware.ui.menu")
        from firmware.ui.lang import Language

        canvas = BOARD.canvas
        assert len(canvas.rows) == 8
        assert key(Language(term), "2") == term.home()
        assert Store(Flash(root)).get("lang") == "zh"  # on flash: read again at boot
        assert len(canvas.rows) == 4 and t("m-set-language") != "Language"
        screen = Language(term)
        check(screen)
        assert key(screen, "1") == term.home()
        assert Store(Flash(root)).get("lang") == "en" and len(canvas.rows) == 8
        assert t("m-set-language") == "Language"
    finally:
        english()
        drop("firmware.ui.lang", "firmware.pos.audit", "firmware.store", "firmware.flash")
