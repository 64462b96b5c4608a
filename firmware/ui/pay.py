# Paying by card: the card is read, a debit card's PIN typed (masked), the sale journaled as
# pending with its idempotency key, then authorised by the host — or, when the request
# provably never left (no network, nobody listening), approved offline under the journal's
# limits. When the request may have reached the host and no answer came, the sale is journaled
# as aborted: sync forwards it as a reversal, so a charge the cashier never saw can never
# stand, and the cashier tries again as a new sale. The card and PIN live only in this screen.
import os

from aescbc import aes_cbc
from compat import hexlify, hmac_sha256, unhexlify
from drivers.card.reader import CardReadError
from firmware.events import CARD, KEY
from firmware.journal.journal import JournalError, OfflineRefused

# Loaded with this screen, right after the Terminal collected the last one's garbage: a 4 KB
# module needs blocks a fragmented heap may no longer have later in the sale.
from firmware.net import NetError, call
from firmware.ui.sale import journal_refusal, new_key
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import reason, t

USES = "firmware.net firmware.activation firmware.journal.cardcrypt aescbc firmware.ui.sale"


def pin_block(secret, pan, pin):
    """ISO 9564 format 0 (PIN field XOR PAN field), 8 random bytes after it, under AES-128-CBC
    with a key only this terminal and the host derive (docs/selling.md)."""
    field = ("0%d%s" % (len(pin), pin) + "F" * 14)[:16]
    acct = "0000" + pan[-13:-1]
    block = bytes(int(field[i : i + 2], 16) ^ int(acct[i : i + 2], 16) for i in range(0, 16, 2))
    key = hmac_sha256(secret, b"pos1 pin key")[:16]
    return hexlify(aes_cbc(key, bytes(16), block + os.urandom(8), True))


class Pay(Screen):
    def __init__(self, term, amount, method, items, member, card=None, pin=None):
        super().__init__(term)
        self.sale = (amount, method, items, member)
        self.card = card
        self.pin = pin  # typed digits; kept until the request is built, then dropped
        self.digits = ""  # the PIN being typed
        self.msg = None  # catalogue text: a decline, a refusal, a read error
        self.done = False  # the outcome is on screen: ENTER/CANCEL go home

    def draw(self, canvas):
        # The amount is the title: the customer checks it whatever else the screen says.
        amount, method = self.sale[:2]
        lines = [t("pay-" + method)]
        field = None
        hint = t("back-hint")
        if self.msg:
            lines = wrap(self.msg) + ([] if self.done else lines)  # an outcome needs room
            hint = t("pay-done-hint") if self.done else hint
        elif self.card is None:
            lines = wrap(t("card-prompt")) + lines
        elif method == "debit" and self.pin is None:
            lines = [t("pay-enter-pin")]
            field = "*" * len(self.digits) or "_"
            hint = t("confirm-hint")
        else:
            lines = [self.card.masked()[-9:], t("pay-authorising")]
        self.paint(canvas, money(self.term, amount), lines, hint, field=field)

    async def handle(self, event):
        term = self.term
        if self.done:
            if event.kind == KEY and event.value in ("ENTER", "CANCEL"):
                return term.home()
            return None
        card = event.value
        if event.kind == CARD and self.card is None:
            if isinstance(card, CardReadError):
                self.msg = t("card-error")
                return self
            if not card.pan:  # a card taken out before it was read
                return None
            self.msg = None
            if self.sale[1] == "debit":
                self.card = card
                return self
            return Pay(term, *self.sale, card)
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return term.home()  # nothing journaled yet: nothing to undo
        if self.card is None or self.pin is not None:
            return None
        if key == "CLEAR":
            self.digits = self.digits[:-1]
        elif key == "ENTER" and 4 <= len(self.digits) <= 12:
            pin, self.digits = self.digits, ""
            return Pay(term, *self.sale, self.card, pin)
        elif len(key) == 1 and key.isdigit() and len(self.digits) < 12:
            self.digits += key
        return self

    async def start(self):
        if self.card is None or (self.sale[1] == "debit" and self.pin is None):
            return None
        term = self.term
        j = term.journal
        amount, method, items, member = self.sale
        c = self.card
        no = j._next
        key = new_key(no)
        cur = term.config.get("currency", "EUR")
        extra = {"em": c.method}
        if items:
            extra["it"] = items
        if member:
            extra["mb"] = member
        try:
            j.begin(no, amount, method, key, pan=c.pan + "=" + c.expiry, cur=cur, extra=extra)
        except JournalError as e:
            return self.finish(t(journal_refusal(e)))
        # from here the sale is pending on flash: every way out journals its outcome
        body = {"key": key, "amount": amount, "currency": cur, "pan": c.pan, "exp": c.expiry}
        body["method"] = c.method
        body["account"] = method
        if member:
            body["member"] = member
        if self.pin is not None:
            from firmware.activation import get

            body["pb"] = pin_block(unhexlify(get(term.store)["secret"]), c.pan, self.pin)
            self.pin = None
        self.card = c = None  # the card goes with the request; the journal has it encrypted
        try:
            async with term.net_lock:
                status, reply, signed = await call(term, "/v1/auth", body)
        except NetError as e:
            why = e.args[0]
            body = None
            if why == "revoked":  # the host deactivated this terminal: nothing was charged
                j.decline(no, why)
                from firmware.activation import get

                hotline = term.config.get("hotline", "400-800-1234")
                return self.finish(
                    t("i-DEACTIVATED", hotline) + " " + reason(get(term.store).get("reason") or "")
                )
            if why in ("network-down", "host-silent"):
                return self.offline(no, method)
            # The request may have reached the host: never keep the sale, reverse it.
            j.append({"t": "X", "id": no, "why": why})
            if term.sync:
                term.sync.wake()
            return self.finish(t("pay-no-answer", t("err-" + why)))
        body = None
        if not signed or status != 200:
            why = reply.get("error") or "host-refused"
            j.decline(no, why)
            return self.finish(t("pay-refused", reason(why)))
        if reply.get("status") == "approved" and reply.get("key") == key:
            j.approve(no, auth=reply.get("auth_code"))
            return ("firmware.ui.rcpt", "Print", no, "cm")
        why = reply.get("reason") or "declined"
        j.decline(no, why)
        return self.finish(t("pay-declined", reason(why)))

    def offline(self, no, method):
        j = self.term.journal
        if method == "debit":  # a PIN can only be checked by the issuer, online
            j.decline(no, "debit-offline")
            return self.finish(t("pay-debit-offline"))
        try:
            j.approve(no, offline=True)
        except OfflineRefused as e:  # journaled as declined with the reason
            return self.finish(t("off-" + e.reason))
        return ("firmware.ui.rcpt", "Print", no, "cm")

    def finish(self, msg):
        self.msg = msg
        self.done = True
        self.card = None
        return self
