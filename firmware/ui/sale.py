# Ringing up a sale: the amount typed in minor units (and/or items scanned from the item file),
# an optional member number, then the payment method. Cash is settled here (tendered, change);
# a card goes on to firmware/ui/pay.py. Nothing is journaled until the cashier commits.
import os

from compat import const, hexlify
from firmware.events import KEY, SCAN
from firmware.journal.journal import JournalError, JournalFull
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import t

_MAX_ITEMS = const(12)  # a record stays well under the journal's 1 KiB


def new_key(no):
    """A sale's idempotency key: random, so a replacement terminal restored from a backup
    never repeats one, and carrying the receipt number for whoever reads the host's log."""
    return hexlify(os.urandom(4)) + "-" + str(no)


def digit_entry(value, key, limit):
    """`value` after one keypad key in an amount or number field, or None if it is not a
    digit key; CLEAR drops the last digit."""
    if key == "CLEAR":
        return value // 10
    if key == "00":
        n = value * 100
    elif len(key) == 1 and key.isdigit():
        n = value * 10 + int(key)
    else:
        return None
    return n if n <= limit else value


class Sale(Screen):
    # stage: "amount" (typing / scanning), "member" (typing a member number), "method"
    # (1 cash, 2 credit, 3 debit), "tender" (cash handed over)
    def __init__(self, term):
        super().__init__(term)
        self.stage = "amount"
        self.typed = 0  # minor units typed on top of the items
        self.items = []  # [code, qty, unit amount]
        self.names = []  # the items' names, for the screen only
        self.member = None
        self.number = 0  # the member number or the tendered amount being typed
        self.note = None

    def total(self):
        n = self.typed
        for it in self.items:
            n += it[1] * it[2]
        return n

    def draw(self, canvas):
        # The total is always on show: as the field while it is typed, then as the title.
        term = self.term
        stage = self.stage
        total = t("sale-total", money(term, self.total()))
        lines = wrap(self.note) if self.note else []  # why the last key did nothing: first
        title, field, hint = total, None, t("confirm-hint")
        if stage == "amount":
            title, field, hint = t("sale-title"), total, t("sale-amount-hint")
            for i in range(max(0, len(self.items) - 2), len(self.items)):
                lines.append("%dx %s" % (self.items[i][1], self.names[i]))
            if self.member:
                lines.append(t("sale-member", self.member))
        elif stage == "member":
            lines.append(t("sale-member-prompt"))
            field = str(self.number) if self.number else "_"
        elif stage == "method":
            lines += [t("sale-pick-cash"), t("sale-pick-credit"), t("sale-pick-debit")]
            hint = t("back-hint") if len(canvas.rows) > 4 else None  # 4 rows: the choices
        else:  # tender
            field = t("sale-tendered", money(term, self.number))
            if self.number >= self.total():
                lines.append(t("sale-change", money(term, self.number - self.total())))
            hint = t("sale-tender-hint")
        self.paint(canvas, title, lines, hint, field=field)

    async def handle(self, event):
        term = self.term
        self.note = None
        if event.kind == SCAN:
            return self.scanned(event.value)
        if event.kind != KEY:
            return None
        key = event.value
        stage = self.stage
        if key == "CANCEL":
            if stage == "amount":
                return term.home()
            self.stage = "amount"  # one step back, nothing lost
            self.number = 0
            return self
        limit = term.config.get("max_amount", 9999999)
        if stage == "amount":
            if key == "F2":
                self.stage = "member"
                return self
            if key == "ENTER":
                if not self.total():
                    self.note = t("sale-need-amount")
                elif self.total() > limit:
                    self.note = t("sale-over-max", money(term, limit))
                else:
                    self.stage = "method"
                return self
            if key == "CLEAR" and not self.typed and self.items:
                self.items.pop()  # the last scan was a mistake
                self.names.pop()
                return self
            n = digit_entry(self.typed, key, limit)
            if n is not None:
                self.typed = n
            return self
        if stage == "member":
            if key == "ENTER":
                self.member = str(self.number) if self.number else None
                self.stage = "amount"
                self.number = 0
                return self
            n = digit_entry(self.number, key, 10**12 - 1)
            if n is not None:
                self.number = n
            return self
        if stage == "method":
            m = {"1": "cash", "2": "credit", "3": "debit", "F1": "cash"}.get(key)
            if m == "cash":
                self.stage = "tender"
                self.number = 0
                return self
            if m:
                it = self.items or None
                return ("firmware.ui.pay", "Pay", self.total(), m, it, self.member)
            return None
        # tender: ENTER with nothing typed means the exact amount
        if key == "ENTER":
            tendered = self.number or self.total()
            if tendered < self.total():
                self.note = t("sale-short")
                return self
            return self.commit_cash(tendered)
        n = digit_entry(self.number, key, 10 * limit)
        if n is not None:
            self.number = n
        return self

    def scanned(self, code):
        term = self.term
        prefix = term.config.get("member_prefix", "MB")
        if code.startswith(prefix) and code[len(prefix) :].isdigit():
            self.member = code[len(prefix) :]
            return self
        if self.stage != "amount":
            return None
        from firmware.pos import items

        found = items.lookup(term.flash, code)
        if found is None:
            self.note = t("sale-unknown-item", code[:16])
            return self
        for i in range(len(self.items)):
            if self.items[i][0] == code:
                self.items[i][1] += 1
                return self
        if len(self.items) >= _MAX_ITEMS:
            self.note = t("sale-too-many")
            return self
        self.items.append([code, 1, found[1]])
        self.names.append(found[0])
        return self

    def commit_cash(self, tendered):
        """A cash sale is approved by the cash in the drawer: P then A, both on flash before
        the receipt prints or the screen says how much change to give."""
        term = self.term
        j = term.journal
        no = j._next
        extra = {"tnd": tendered}
        if self.items:
            extra["it"] = self.items
        if self.member:
            extra["mb"] = self.member
        cur = term.config.get("currency", "EUR")
        try:
            j.begin(no, self.total(), "cash", new_key(no), cur=cur, extra=extra)
            j.approve(no, auth="CASH")
        except JournalError as e:
            self.note = t(journal_refusal(e))
            return self
        return ("firmware.ui.rcpt", "Print", no, "c")


def journal_refusal(e):
    """The catalogue key that tells the cashier why the journal took no sale."""
    return "sale-flash-full" if isinstance(e, JournalFull) else "sale-journal-error"
