# After the sale: reprint any receipt still in the journal, void the last sale, refund an
# earlier one found by its receipt number. Void and refund sit behind the supervisor's PIN
# (firmware/ui/gate.py opens them) and go on the audit trail; each is journaled before its
# receipt prints, and sync forwards it to the host.
import json

from firmware.events import KEY
from firmware.journal.journal import JournalError
from firmware.ui.sale import digit_entry, journal_refusal, new_key
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import t

USES = "firmware.journal.history firmware.journal.lookup firmware.pos.audit firmware.ui.sale"


def last_sale(j, any_receipt=False):
    """(receipt number, record) of the newest approved sale — unless a void followed it: then
    (None, None) — among the last 64 records; with `any_receipt`, of the newest receipt of
    any kind (sale, decline, void, refund)."""
    from firmware.journal import history

    found = None
    for _, payload in history.frames(j, max(j._next - 64, 0)):
        rec = json.loads(payload) if b'"t":"S"' not in payload else None
        if rec is None or rec["t"] not in "ADVR" or ("oq" in rec and not any_receipt):
            continue  # a sale restored from a backup ("oq") was another terminal's to void
        if any_receipt or rec["t"] == "A":
            found = rec
        elif rec["t"] == "V" and found is not None and rec.get("ref") == found["id"]:
            found = None
    return (found["id"], found) if found else (None, None)


def refunded(j, no):
    """Amount already refunded against sale `no`: read from the sale on (refunds follow it)."""
    from firmware.journal import history

    total = 0
    for _, payload in history.frames(j, no):
        if b'"t":"R"' in payload:
            rec = json.loads(payload)
            if rec.get("ref") == no:
                total += rec.get("amt", 0)
    return total


class Lookup(Screen):
    """Type a receipt number; the subclass says what to do with the record found."""

    title = "m-reprint"

    def __init__(self, term):
        super().__init__(term)
        self.number = 0
        self.rec = None
        self.msg = None

    def draw(self, canvas):
        lines = (wrap(self.msg) if self.msg else []) + [t("rcpt-which")]
        field = str(self.number) if self.number else "_"
        self.paint(canvas, t(self.title), lines, t("rcpt-last-hint"), field=field)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return self.term.home()
        if key == "ENTER":
            return self.chosen(self.number)
        n = digit_entry(self.number, key, 9999999999)
        if n is None:
            return None
        self.number = n
        self.msg = None
        return self

    def chosen(self, no):
        # reprint: any receipt (sale, void, refund, decline) still in the journal
        j = self.term.journal
        if not no:
            no = last_sale(j, True)[0]
        if no:
            from firmware.journal import lookup

            rec = lookup.find(j, no)
            if rec is not None and rec["t"] in "ADVR":
                from firmware.pos import audit

                audit.record(self.term, "reprint", self.term.role, no=no)
                return ("firmware.ui.rcpt", "Print", no, "r")
        self.msg = t("rcpt-unknown", no or "-")
        return self


class Void(Screen):
    """Voids the newest sale of the batch (a supervisor's decision: the gate let us in)."""

    def __init__(self, term):
        super().__init__(term)
        self.no, self.rec = last_sale(term.journal)
        self.msg = None

    def draw(self, canvas):
        rec = self.rec
        if rec is None:
            lines = wrap(self.msg or t("void-nothing"))
            hint = t("back-hint")
        else:
            lines = [t("rcpt-number", self.no), money(self.term, rec["amt"])]
            lines.append(t("pay-" + rec["m"]) + (" " + rec["l4"] if "l4" in rec else ""))
            lines += wrap(self.msg or t("void-confirm"))
            hint = t("confirm-hint")
        self.paint(canvas, t("m-void"), lines, hint)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        term = self.term
        if event.value == "CANCEL":
            return term.home()
        if event.value != "ENTER" or self.rec is None:
            return None
        rec = self.rec
        j = term.journal
        vno = j._next
        cash = rec["m"] == "cash"
        v = {"t": "V", "id": vno, "ref": self.no, "k": rec["k"], "off": 0 if cash else 1}
        for k in ("amt", "m", "cur", "l4"):
            if k in rec:
                v[k] = rec[k]
        try:
            j.append(v)
        except JournalError as e:
            self.msg = t(journal_refusal(e))
            return self
        from firmware.pos import audit

        audit.record(term, "void", term.role, no=vno, ref=self.no, amt=rec["amt"])
        if term.sync and not cash:
            term.sync.wake()
        return ("firmware.ui.rcpt", "Print", vno, "cm")


class Refund(Lookup):
    """A refund of an earlier sale, to the card it was paid with (or in cash), up to what is
    left of it after earlier refunds."""

    title = "m-refund"

    def draw(self, canvas):
        rec = self.rec
        if rec is None:
            return super().draw(canvas)
        term = self.term
        lines = wrap(self.msg) if self.msg else []
        lines += [t("rcpt-number", rec["id"]), t("refund-sold", money(term, rec["amt"]))]
        field = t("refund-amount", money(term, self.number or self.left))
        self.paint(canvas, t(self.title), lines, t("confirm-hint"), field=field)

    def chosen(self, no):
        term = self.term
        if self.rec is not None:
            return self.commit(self.number or self.left)
        from firmware.journal import lookup

        rec = lookup.find(term.journal, no) if no else None
        if rec is None or rec["t"] != "A" or rec.get("voided") or "oq" in rec:
            # (restored from a backup: the host knows it under the old terminal's ID)
            self.msg = t("refund-no-sale", no or "-")
            return self
        self.left = rec["amt"] - refunded(term.journal, no)
        if self.left <= 0:
            self.msg = t("refund-none-left")
            return self
        self.rec = rec
        self.number = 0
        return self

    def commit(self, amount):
        term = self.term
        if amount > self.left:
            self.msg = t("refund-too-much", money(term, self.left))
            self.number = 0
            return self
        rec = self.rec
        j = term.journal
        rno = j._next
        cash = rec["m"] == "cash"
        r = {"t": "R", "id": rno, "ref": rec["id"], "amt": amount, "k": new_key(rno)}
        r["rk"] = rec.get("k")  # how the host knows the sale: sync needs not look it up
        r["off"] = 0 if cash else 1
        for k in ("m", "em", "cur", "l4", "pe"):
            if k in rec:
                r[k] = rec[k]
        try:
            j.append(r)
        except JournalError as e:
            self.msg = t(journal_refusal(e))
            return self
        from firmware.pos import audit

        audit.record(term, "refund", term.role, no=rno, ref=rec["id"], amt=amount)
        if term.sync and not cash:
            term.sync.wake()
        return ("firmware.ui.rcpt", "Print", rno, "cm")
