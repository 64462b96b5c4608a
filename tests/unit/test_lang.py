# The language setting: stored, applied at once (catalogue and display font together), read
# back at boot, and a zh catalogue that lacks a key reads it in English.
from drivers.display.canvas import Canvas
from firmware.events import KEY, Event
from firmware.pos import audit
from firmware.ui import text
from firmware.ui.lang import Language
from firmware.ui.text import t
from tests.unit.helpers import run
from tests.unit.roles_fixtures import Term

ZH_NAME = "\u7b80\u4f53\u4e2d\u6587"  # 简体中文
ZH_LANGUAGE = "\u8bed\u8a00"  # 语言


class _Log:
    def show(self, buf, pages):
        pass


class _Board:
    def __init__(self):
        self.canvas = Canvas(_Log())


def _term(name):
    term = Term(name)
    term.board = _Board()
    return term


def _key(screen, k):
    return run(screen.handle(Event(KEY, k, 0)))


def _reset(term):
    text.use("en", term.board.canvas)  # leave the module as every other test expects it


def test_the_screen_shows_both_names_in_the_16px_font_whatever_the_language():
    term = _term("lang-draw")
    try:
        canvas = term.board.canvas
        text.use("en", canvas)
        Language(term).draw(canvas)
        assert canvas.font is not None
        assert canvas.rows == ["    Language", "1 English", "2 " + ZH_NAME, "CANCEL: back"]
    finally:
        _reset(term)


def test_choosing_chinese_stores_it_and_switches_text_and_font_at_once():
    term = _term("lang-zh")
    try:
        canvas = term.board.canvas
        text.use("en", canvas)
        nxt = _key(Language(term), "2")
        assert nxt == term.home()
        assert term.store.get("lang") == "zh"
        assert t("m-set-language") == ZH_LANGUAGE
        assert t("m-reprint") == "\u91cd\u6253\u5370"  # 重打印
        assert t("no-such-key-anywhere") == "no-such-key-anywhere"
        assert canvas.font is not None and len(canvas.rows) == 4
        assert text.cjk
        assert audit.read(term, 1)[0]["lang"] == "zh"
        # at boot the Terminal applies what is stored: firmware/app.py
        again = term.reboot()
        again.board = term.board
        text.use("en", canvas)
        text.use(again.store.get("lang", "en"), canvas)
        assert t("m-set-language") == ZH_LANGUAGE and len(canvas.rows) == 4
        # and back, with UP/DOWN and ENTER this time
        screen = Language(term)
        assert screen.cursor == 1
        assert _key(screen, "UP") is screen
        assert _key(screen, "ENTER") == term.home()
        assert term.store.get("lang") == "en"
        assert t("m-set-language") == "Language"
        assert canvas.font is None and len(canvas.rows) == 8
        assert not text.cjk
    finally:
        _reset(term)


def test_cancel_puts_the_current_languages_font_back():
    term = _term("lang-cancel")
    try:
        canvas = term.board.canvas
        text.use("en", canvas)
        back = ("firmware.ui.selfcheck", "SelfCheck")
        screen = Language(term, back)
        screen.draw(canvas)
        assert _key(screen, "7") is None  # not a choice
        assert _key(screen, "CANCEL") == back
        assert canvas.font is None and len(canvas.rows) == 8
        assert term.store.get("lang") is None  # nothing chosen, nothing stored or audited
    finally:
        _reset(term)


def test_a_stored_language_without_a_catalogue_falls_back_to_english():
    term = _term("lang-gone")
    try:
        text.use("xx", term.board.canvas)
        assert t("m-set-language") == "Language"
        assert not text.cjk and term.board.canvas.font is None
    finally:
        _reset(term)
