# The function menu: a numbered list the cashier picks from with a digit, or UP/DOWN + ENTER.
from firmware.events import KEY
from firmware.ui.screen import Screen, heading, money, wrap
from firmware.ui.text import t

# (catalogue key, module, class, arguments…): screens are imported only when chosen, to spare
# the heap. Privileged ones open through the PIN gate (firmware/ui/gate.py, docs/selling.md).
ITEMS = (
    ("m-reprint", "firmware.ui.manage", "Lookup"),
    ("m-void", "firmware.ui.gate", "Gate", "void", ("firmware.ui.manage", "Void")),
    ("m-forward", "firmware.ui.menu", "Forward"),
    ("m-tech", "firmware.ui.gate", "Gate", "diagnostics", ("firmware.ui.menu", "Technician")),
    ("m-backup", "firmware.ui.gate", "Gate", "settings", ("firmware.ui.backup", "BackupMenu")),
    (
        "m-maintenance",
        "firmware.ui.gate",
        "Gate",
        "settings",
        ("firmware.ui.maint", "Maintenance"),
    ),
    ("m-help-topics", "firmware.ui.care", "Topics", "help"),
)
TECH = (
    ("m-keys", "firmware.ui.checks", "KeyTestScreen"),
    ("m-print", "firmware.ui.checks", "PrintTestScreen"),
    ("m-card", "firmware.ui.checks", "CardTestScreen"),
    ("m-scan", "firmware.ui.checks", "ScanTestScreen"),
    ("m-contrast", "firmware.ui.settings", "ContrastScreen"),
    ("m-about", "firmware.ui.settings", "AboutScreen"),
    ("m-pins", "firmware.ui.pins", "Pins"),
    ("m-prep-check", "firmware.ui.selfcheck", "SelfCheck", "tech"),
    ("m-troubleshoot", "firmware.ui.care", "Topics", "trouble"),
    ("m-set-language", "firmware.ui.lang", "Language"),
)


class MenuScreen(Screen):
    def __init__(self, term, items=ITEMS, title="menu"):
        super().__init__(term)
        self.items = items
        self.title = title
        self.cursor = 0

    def draw(self, canvas):
        canvas.clear()
        visible = len(canvas.rows) - 1  # 7 lines, or 3 with the 16 px CJK font
        count = len(self.items)
        # the list scrolls with the cursor; where it is shows right of the title
        mark = "%d/%d" % (self.cursor + 1, count) if count > visible else ""
        heading(canvas, t(self.title), mark)
        top = max(0, self.cursor - visible + 1)
        for i, item in enumerate(self.items[top : top + visible]):
            n = top + i
            label = "%d %s" % ((n + 1) % 10, t(item[0]))  # the key that picks it
            canvas.text(1 + i, label, invert=n == self.cursor)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return self.term.home()
        if key == "UP":
            self.cursor = (self.cursor - 1) % len(self.items)
            return self
        if key == "DOWN":
            self.cursor = (self.cursor + 1) % len(self.items)
            return self
        if key == "ENTER":
            return self.choose(self.cursor)
        if key.isdigit() and len(key) == 1 and (int(key) or 10) <= len(self.items):
            return self.choose((int(key) or 10) - 1)  # 0: the tenth
        return None

    def choose(self, index):
        return self.items[index][1:]  # loaded once this menu has gone


def Technician(term):
    return MenuScreen(term, TECH, "m-tech")


class Forward(Screen):
    """Forward now: wakes the sync task and shows what is still waiting for the host."""

    async def start(self):
        sync = self.term.sync
        if sync:
            sync.wake()
            from firmware.pos import audit

            audit.record(self.term, "sync-forced", self.term.role)

    def draw(self, canvas):
        term = self.term
        lines = []
        if term.journal:
            s = term.journal.summary()
            lines.append(t("sync-waiting", s["unsynced"]))
            lines.append(t("sync-offline-amt", money(term, s["total"])))
        sync = term.sync
        if sync:
            lines.append(t("sync-st-" + sync.state))
            if sync.last_error:
                lines += wrap(t("err-" + sync.last_error))
        self.paint(canvas, t("m-forward"), lines, t("back-hint"))

    async def handle(self, event):
        if event.kind == KEY and event.value in ("CANCEL", "ENTER"):
            return self.term.home()
        return self  # TICK: the count goes down as the host acknowledges
