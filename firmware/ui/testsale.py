# The last step of activation: a test sale of one minor unit, authorised online and reversed
# so nothing is charged (then firmware/ui/testslip.py prints the slip and the terminal turns
# ACTIVE). The record's "stage" is saved before each step leaves the terminal:
#   new   a fresh idempotency key, nothing sent for it;
#   sent  the auth may have reached the host (resumed without the card: reverse it, then see);
#   done  authorised and reversed; the slip is still to print.
import os

from compat import hexlify
from firmware.activation import get, move
from firmware.events import CARD, KEY
from firmware.net import NetError, call
from firmware.overlay import unload
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import reason, t

USES = "firmware.net firmware.activation"


class TestSale(Screen):
    def __init__(self, term, card=None):
        super().__init__(term)
        self.card = card  # this attempt's card, in memory only (PCI DSS: never on flash)
        self.msg = None  # catalogue text: a decline, an error

    def draw(self, canvas):
        term = self.term
        stage = get(term.store).get("stage")
        lines = [t("test-amount", "0.01 " + term.config.get("currency", "EUR"))]
        lines += wrap(self.msg) if self.msg else []
        hint = t("back-hint")
        if stage == "new" and not self.card:
            lines += wrap(t("card-prompt"))
        elif stage == "sent" and self.msg:
            hint = t("press-to-retry")
        elif not self.msg:
            lines.append(t("sending-now"))
        self.paint(canvas, t("test-sale-title"), lines, hint)

    async def handle(self, event):
        term = self.term
        stage = get(term.store).get("stage")
        card = event.value
        if event.kind == CARD and stage == "new" and getattr(card, "pan", ""):
            return TestSale(term, card)
        if event.kind != KEY:
            return None
        if event.value == "CANCEL":
            return term.home()
        if event.value == "ENTER" and stage == "sent":
            return TestSale(term, self.card)  # retry
        return None

    async def start(self):
        """Authorise (with the card in hand), then reverse; without the card — resumed after
        a power cut — only reverse whatever may have reached the host."""
        term = self.term
        rec = get(term.store)
        if not self.card and rec.get("stage") != "sent":
            return None  # wait for a card
        key = rec["key"]
        c = self.card
        auth = None
        try:
            if c:
                body = {"key": key, "amount": 1, "pan": c.pan, "exp": c.expiry, "kind": "test"}
                body["currency"] = term.config.get("currency", "EUR")
                body["method"] = c.method
                status, reply, signed = await call(term, "/v1/auth", body, stage="sent")
                if not signed or status != 200:
                    raise NetError("host-refused")
                if reply.get("status") != "approved":
                    move(term, "TEST_TXN", stage="new", key="test-" + hexlify(os.urandom(6)))
                    self.card = None
                    self.msg = t("test-declined", reason(reply.get("reason") or "declined"))
                    return self
                auth = reply.get("auth_code")
            status, reply, signed = await call(term, "/v1/reverse", {"key": key})
            if not signed or status != 200:
                raise NetError("host-refused")
        except NetError as e:
            if get(term.store)["state"] != "TEST_TXN":
                return term.home()  # revoked: home shows it
            self.msg = t("err-" + e.args[0])
            return self
        if reply.get("status") != "reversed":
            # The auth never arrived, or was declined: nothing was charged, nothing proven.
            move(term, "TEST_TXN", stage="new", key="test-" + hexlify(os.urandom(6)))
            self.card = None
            self.msg = t("test-sale-again")
            return self
        move(term, "TEST_TXN", stage="done", auth=auth, last4=c.last4 if c else None)
        # The slip needs no network: let the client go with this overlay, before the printer's
        # encoder comes in.
        unload("firmware.net")
        return ("firmware.ui.testslip", "TestSlip")
