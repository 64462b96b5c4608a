# The terminal's language: English or Simplified Chinese, chosen by a technician (technician
# menu, or F4 on the idle screen before activation: the first screen a new terminal shows),
# kept in store key "lang" (read at boot) and applied at once: the catalogue and the display
# font change together, no reboot. Each name is written in its own language, so this screen
# is drawn in the 16 px font whichever is current, and puts the current language's font back
# on its way out.
from firmware.events import KEY
from firmware.ui.screen import Screen
from firmware.ui.text import path, t, use

USES = "firmware.pos.audit"

_CODES = "en zh"  # choice i + 1 is word i


class Language(Screen):
    """1 English, 2 简体中文: a digit, or UP/DOWN then ENTER. `back`: where to go after, as a
    (module, class, …) tuple; home by default."""

    def __init__(self, term, back=None):
        super().__init__(term)
        self.back = back
        self.cursor = 1 if term.store.get("lang", "en") == "zh" else 0

    def draw(self, canvas):
        if canvas.font is None:
            canvas.use_font(path("cjk16.bin"))
        canvas.clear()
        canvas.center(0, t("m-set-language"), invert=True)
        canvas.text(1, "1 " + t("lang-name-en"), invert=self.cursor == 0)
        canvas.text(2, "2 " + t("lang-name-zh"), invert=self.cursor == 1)
        canvas.text(3, t("back-hint"))

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        term = self.term
        if key == "CANCEL":
            use(term.store.get("lang", "en"), term.board.canvas)  # its font back
            return self.back or term.home()
        if key in ("UP", "DOWN"):
            self.cursor = 1 - self.cursor
            return self
        if key == "ENTER":
            key = str(self.cursor + 1)
        if key not in ("1", "2"):
            return None
        code = _CODES.split()[int(key) - 1]
        if code != term.store.get("lang", "en"):
            term.store.put("lang", code)
            from firmware.pos import audit

            audit.record(term, "settings", term.role, lang=code)
        use(code, term.board.canvas)
        return self.back or term.home()
