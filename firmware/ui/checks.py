# Function tests a technician runs from the menu: every key, the printer, the card reader and
# the scanner, each showing exactly what the device reported.
from firmware.events import CARD, KEY, SCAN
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

# The encoder the print test loads goes with this overlay (firmware/app.py).
USES = "drivers.printer.escpos"


class KeyTestScreen(Screen):
    """Marks every key seen; CANCEL twice in a row leaves (CANCEL itself is a key to test)."""

    def __init__(self, term):
        super().__init__(term)
        self.seen = set()
        self.last = None

    def draw(self, canvas):
        # UP and DOWN are keys to test here, so the lines always fit: never pages to turn
        from drivers.keypad.keys import KEYS

        rows = len(canvas.rows)
        title = t("m-keys")
        lines = wrap(t("keys-seen", len(self.seen), len(KEYS)))
        if rows < 8:  # 4 rows: the count is the title
            title, lines = lines[0], []
        if self.last:
            lines += wrap(t("last-key", self.last))
        missing = " ".join(k for k in KEYS if k not in self.seen)  # as many as fit
        self.paint(canvas, title, (lines + wrap(missing))[: rows - 2], t("keys-hint"))

    async def handle(self, event):
        if event.kind != KEY:
            return None
        if event.value == "CANCEL" and self.last == "CANCEL":
            return self.term.home()
        self.seen.add(event.value)
        self.last = event.value
        return self


def test_slip():
    from drivers.printer.escpos import Receipt
    from firmware.ui import text

    r = Receipt(gb=text.gb)
    r.center(t("slip-title"), bold=True)
    r.rule()
    r.line(t("slip-normal"))
    r.line(t("slip-bold"), bold=True)
    r.big(t("slip-big"))
    r.barcode("0123456789")
    r.qr("POS TEST")
    r.cut()
    return r


class PrintTestScreen(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.result = "printing"

    def draw(self, canvas):
        if self.result == "printing":
            self.paint(canvas, t("m-print"), [t("printing")])
        elif self.result is None:
            self.paint(canvas, t("m-print"), [t("printed")], t("back-hint"))
        else:
            lines = [t(self.result)] + wrap(t("fix-" + self.result))
            self.paint(canvas, t("m-print"), lines, t("retry-hint"))

    async def start(self):
        self.result = await self.term.use_printer(test_slip())
        return self

    async def handle(self, event):
        if event.kind != KEY:
            return None
        if event.value == "CANCEL":
            return self.term.home()
        if event.value == "ENTER" and self.result != "printing":
            return PrintTestScreen(self.term)
        return None


class CardTestScreen(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.lines = wrap(t("card-prompt"))

    def draw(self, canvas):
        self.paint(canvas, t("m-card"), self.lines, t("back-hint"))

    async def handle(self, event):
        if event.kind == KEY and event.value == "CANCEL":
            return self.term.home()
        if event.kind != CARD:
            return None
        card = event.value
        if not hasattr(card, "pan"):
            self.lines = wrap(t("card-error"))
        elif card.method == "removed":
            self.lines = [t("card-removed")]
        else:
            self.lines = [
                t("r-entry-" + card.method),
                card.masked()[5:],
                t("card-expiry", card.expiry[2:], card.expiry[:2]),
            ]
        return self


class ScanTestScreen(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.lines = wrap(t("scan-prompt"))

    def draw(self, canvas):
        self.paint(canvas, t("m-scan"), self.lines, t("back-hint"))

    async def handle(self, event):
        if event.kind == KEY and event.value == "CANCEL":
            return self.term.home()
        if event.kind == SCAN:
            self.lines = wrap(event.value)
            return self
        return None
