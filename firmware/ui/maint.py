# Maintenance, for the technician (behind the settings gate): the software version and the
# update status (docs/update.md), installing an update (firmware/ui/update.py, an overlay of
# its own), the hardware's health (battery, free heap and flash, flash wear) and the error log.
import gc

from firmware.events import KEY
from firmware.ui.menu import MenuScreen
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

USES = "firmware.maint.errlog firmware.ui.menu"

ITEMS = (
    ("mt-item-status", "firmware.ui.maint", "status"),
    ("mt-item-media", "firmware.ui.update", "Update", "media"),
    ("mt-item-host", "firmware.ui.update", "Update", "host"),
    ("mt-item-health", "firmware.ui.maint", "health"),
    ("mt-item-errors", "firmware.ui.maint", "errors"),
)


class Maintenance(MenuScreen):
    def __init__(self, term):
        super().__init__(term, ITEMS, "m-maintenance")


class Lines(Screen):
    """A page of text lines that scrolls with UP/DOWN; CANCEL or ENTER goes back."""

    def __init__(self, term, title, lines):
        super().__init__(term)
        self.title = title
        self.lines = lines
        self.top = 0
        self.fit = 6  # lines shown at once, as last drawn

    def draw(self, canvas):
        self.fit = len(canvas.rows) - 2  # between the title and the hint
        self.paint(canvas, t(self.title), self.lines, t("mt-scroll-hint"), self.top)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key in ("UP", "DOWN"):
            top = self.top + (1 if key == "DOWN" else -1)
            self.top = max(0, min(top, len(self.lines) - self.fit))
            return self
        if key in ("CANCEL", "ENTER"):
            return Maintenance(self.term)
        return None


def status(term):
    fw = term.store.get("fw") or {}
    update = fw.get("current") == term.VERSION  # else the image deployed on the device runs
    lines = [t("version", term.VERSION), t("mt-st-update" if update else "mt-st-factory")]
    if update:
        if fw.get("trial"):
            lines.append(t("mt-st-trial", fw.get("boots", 0)))
        lines.append(t("mt-st-previous", fw.get("previous") or t("mt-factory-image")))
    if fw.get("failed"):
        lines += wrap(t("mt-st-failed", fw["failed"]))
    last = term.store.get("fw-last")
    if last:
        lines.append(t("mt-st-last-try", last[0] or "?"))
        lines += wrap(t(last[1]))
    return Lines(term, "mt-item-status", lines)


def health(term):
    gc.collect()
    percent, mains = term.board.power_status()
    lines = [
        t("mt-no-battery") if percent is None else t("mt-battery-pct", percent),
        t("mt-on-mains" if mains else "mt-on-battery"),
    ]
    if hasattr(gc, "mem_free"):
        lines.append(t("heap", gc.mem_free()))
    space = term.flash.statvfs()
    if space:
        lines.append(t("flash-free", space[1] // 1024))
    wear = getattr(term.flash, "wear", None)  # firmware/maint/wear.py
    if wear:
        lines += [t("mt-wear-syncs", wear[0]), t("mt-wear-renames", wear[1])]
        lines.append(t("mt-wear-rolls", wear[2]))
    return Lines(term, "mt-item-health", lines)


def errors(term):
    import time

    from firmware.maint.errlog import tail

    lines = []
    for ts, text in tail(term.flash):
        lines.append("%02d-%02d %02d:%02d" % time.localtime(ts)[1:5])
        lines += wrap(text)
    return Lines(term, "mt-item-errors", lines or [t("mt-no-errors")])
