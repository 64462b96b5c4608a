# The test slip that closes activation: printed after the test sale was authorised and
# reversed; only once it is out does the terminal turn ACTIVE. Without paper it says so and
# the technician reprints with ENTER. The encoder is loaded with this overlay, right after the
# last one has gone, and goes with it (USES).
from drivers.printer.escpos import Receipt
from firmware.activation import get, move
from firmware.events import KEY
from firmware.ui import text
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

USES = "drivers.printer.escpos firmware.activation"


class TestSlip(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.problem = None  # catalogue key of what stopped the printer

    def draw(self, canvas):
        lines = [t("slip-printing")]
        if self.problem:
            lines = [t(self.problem)] + wrap(t("slip-not-printed"))
        self.paint(
            canvas, t("test-sale-title"), lines, t("reprint-hint") if self.problem else None
        )

    async def start(self):
        term = self.term
        rec = get(term.store)
        r = Receipt(gb=text.gb)
        r.center(t("slip-heading"), bold=True)
        r.line(t("slip-merchant", rec["merchant"]))
        r.line(t("slip-terminal", rec["terminal"], rec["tid"]))
        r.line(t("slip-serial", term.board.serial))
        r.line(t("slip-amount", "0.01 " + term.config.get("currency", "EUR")))
        if rec.get("last4"):
            r.line(t("slip-card-auth", rec["last4"], rec.get("auth") or "-"))
        r.line(t("slip-reversed"), bold=True)
        r.center(t("slip-activated"))
        r.feed(2)
        r.cut()
        self.problem = await term.use_printer(r)
        if self.problem:
            return self
        move(term, "ACTIVE", key=None, stage=None, auth=None, last4=None)
        return term.home()

    async def handle(self, event):
        if event.kind != KEY or not self.problem:
            return None
        if event.value == "CANCEL":
            return self.term.home()
        if event.value == "ENTER":
            return TestSlip(self.term)
        return None
