# Settings a technician changes on the terminal itself, persisted in the store.
import gc

from firmware.events import KEY
from firmware.ui.screen import Screen
from firmware.ui.text import t

USES = "firmware.pos.audit"


class ContrastScreen(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.level = term.store.get("contrast", 7)
        self.saved = False

    def draw(self, canvas):
        lines = [t("saved") if self.saved else t("contrast-hint")]
        field = t("contrast", self.level)
        self.paint(canvas, t("m-contrast"), lines, t("back-hint"), field=field)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            self.term.apply_contrast()  # undo an unsaved preview
            return self.term.home()
        if len(key) == 1 and key.isdigit():
            self.level = int(key)
            self.saved = False
            self.term.apply_contrast(self.level)
            return self
        if key == "ENTER":
            self.term.store.put("contrast", self.level)
            from firmware.pos import audit

            audit.record(self.term, "settings", self.term.role, contrast=self.level)
            self.saved = True
            return self
        return None


class AboutScreen(Screen):
    def draw(self, canvas):
        term = self.term
        gc.collect()
        lines = [
            t("version", term.VERSION),
            t("serial", term.board.serial),
            t("boots", term.boots),
        ]
        if hasattr(gc, "mem_free"):
            lines.append(t("heap", gc.mem_free()))
        space = term.flash.statvfs()
        if space:
            lines.append(t("flash-free", space[1] // 1024))
        self.paint(canvas, t("m-about"), lines, t("back-hint"))

    async def handle(self, event):
        if event.kind == KEY and event.value == "CANCEL":
            return self.term.home()
        return None
