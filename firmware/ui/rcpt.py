# Printing a receipt from the journal: the sale is approved (or the void or refund done) before
# this screen opens, so a printer problem never undoes it. Paper out, cover open or an unplugged
# printer stop the copy; the screen says what to fix and ENTER prints that copy again in full.
# Copies: "c" customer, "cm" customer then merchant (ENTER between them), "r" a reprint.
from firmware.events import KEY, PRINTER
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import t

USES = (
    "firmware.pos.receipt drivers.printer.escpos firmware.pos.items firmware.journal.history"
    " firmware.journal.lookup"
)


class Print(Screen):
    def __init__(self, term, no, copies, rec=None):
        super().__init__(term)
        self.no = no
        self.copies = copies  # what is still to print, the current copy first
        self.rec = rec
        self.problem = None  # catalogue key of what stopped the printer
        self.printing = True

    def draw(self, canvas):
        term = self.term
        rec = self.rec
        lines = []
        title = t("rcpt-title")
        short = len(canvas.rows) < 8  # 4 rows (Chinese): 2 lines a page between title and hint
        if rec is None:
            lines = [] if self.printing else wrap(t("rcpt-unknown", self.no))
        else:
            kind = rec["t"]
            if kind == "A":
                lines.append(t("rcpt-approved") if rec.get("auth") != "CASH" else t("rcpt-paid"))
            else:
                lines.append(t("rcpt-kind-" + kind))
            if short:  # the amount is the title, so the change is on the first page
                title = money(term, rec.get("amt", 0))
            else:
                lines.append(money(term, rec.get("amt", 0)))
            if rec.get("auth") == "OFFLINE":
                lines.append(t("rcpt-offline"))
            if "tnd" in rec:
                lines.append(t("sale-change", money(term, rec["tnd"] - rec.get("amt", 0))))
            lines.append(t("rcpt-number", self.no))
        hint = None
        if self.problem:  # the sale stands: say so, then what to fix
            if short and lines:  # in 4 rows the title says it, so what to fix comes first
                title = lines[0]
                lines = [t(self.problem)] + wrap(t("fix-" + self.problem))
            else:
                lines = lines[:1] + [t(self.problem)] + wrap(t("fix-" + self.problem))
            hint = t("rcpt-retry-hint")
        elif self.printing:
            lines.append(t("printing"))
        elif self.copies[1:]:
            hint = t("rcpt-next-hint")
        else:
            hint = t("pay-done-hint")
        self.paint(canvas, title, lines, hint)

    async def start(self):
        term = self.term
        if self.rec is None:
            from firmware.journal import lookup

            self.rec = lookup.find(term.journal, self.no)
            if self.rec is None or self.rec.get("t") not in "ADVR":
                self.rec = None
                self.printing = False
                return self
        from firmware.pos.receipt import receipt_chunks

        copy = {"c": "customer", "m": "merchant", "r": "reprint"}[self.copies[0]]
        data = b"".join(receipt_chunks(self.rec, term, copy))
        self.problem = await term.use_printer(data)
        self.printing = False
        return self

    async def handle(self, event):
        if self.printing:
            return None
        term = self.term
        if event.kind == PRINTER:
            return self
        if event.kind != KEY:
            return None
        key = event.value
        if key == "ENTER":
            if self.problem:  # fixed: print this copy again, from the start
                return Print(term, self.no, self.copies, self.rec)
            if self.copies[1:]:
                return Print(term, self.no, self.copies[1:], self.rec)
            return term.home()
        if key == "CANCEL":
            return term.home()  # the reprint menu has every receipt still in the journal
        return None
