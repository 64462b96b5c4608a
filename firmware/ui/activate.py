# Activation's talks with the host: the typed code is sent, the host's review awaited (polled
# with backoff and full jitter), and on an active terminal the sale key asks first whether
# the terminal may still sell. What the host decides is shown by Setup's "outcome" step.
import os

from compat import asyncio, hexlify, sleep_ms, ticks_ms
from firmware.activation import get, move
from firmware.events import KEY, TICK, Event
from firmware.net import NetError, call
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t
from pbkdf2 import pbkdf2_sha256

USES = "firmware.net firmware.activation pbkdf2"


class Activate(Screen):
    """CODE_SUBMITTED: sends the code (again, after a failure: ENTER). PENDING_REVIEW: polls.
    APPROVED: on to the test sale. ACTIVE: the sale check."""

    def __init__(self, term, code=None):
        super().__init__(term)
        self.code = code  # the 12 digits typed: start() derives the secret and sends them
        self.error = None  # what went wrong in the last exchange ("err-" catalogue suffix)
        self.ok = False  # the sale check: the host answered, signed
        self.n = 0  # polls so far, for the backoff
        self.timer = None  # the task that wakes the next poll

    def state(self):
        return get(self.term.store)["state"]

    def draw(self, canvas):
        s = "CODE_SUBMITTED" if self.code else self.state()
        hint = t("back-hint")
        if s == "PENDING_REVIEW":
            lines = wrap(t("review-pending"))
        elif s == "ACTIVE":
            lines = wrap(t("host-allows-sale" if self.ok else "check-running"))
        elif s == "APPROVED":
            lines = wrap(t("i-" + s, "0.01 " + self.term.config.get("currency", "EUR")))
            hint = t("h-" + s)
        else:
            lines = [] if self.error else [t("sending-now")]
        if self.error:
            lines += wrap(t("err-" + self.error))
            if s != "PENDING_REVIEW":
                hint = t("press-to-retry")
        self.paint(canvas, t("sale-check-title" if s == "ACTIVE" else "st-" + s), lines, hint)

    async def start(self):
        """One exchange with the host, as the state calls for; the next screen."""
        term = self.term
        rec = get(term.store)
        s = rec["state"]
        if s == "APPROVED":
            return None  # ENTER goes on to the test sale
        fields = {}
        if s == "PASSWORD_SET":
            # The secret is derived once, when the code is typed (docs/host.md, "Secret"), and
            # kept on flash until the terminal is deactivated. (A later issue encrypts it at
            # rest.) The code itself is neither stored nor sent.
            salt = ("pos-host-v1/" + term.board.serial).encode()
            secret = hexlify(pbkdf2_sha256(self.code.encode(), salt, 1000))
            fields = {"state": "CODE_SUBMITTED", "secret": secret, "tid": 0, "hctr": 0}
            fields["reason"] = None
            self.code = None
        if s == "PASSWORD_SET" or s == "CODE_SUBMITTED":
            body = {"merchant": rec["merchant"], "serial": term.board.serial}
            body["terminal"] = rec["terminal"]
            path = "/v1/activate"
        else:
            body = {}
            path = "/v1/status" if s == "PENDING_REVIEW" else "/v1/ping"
        try:
            nxt = self.answer(s, path, *await call(term, path, body, **fields))
        except NetError as e:
            self.error = e.args[0]
            nxt = ("firmware.ui.setup", "Setup", "outcome") if self.error == "revoked" else self
        if nxt is self and self.state() == "PENDING_REVIEW":
            # Poll again after a random delay ("full jitter") of up to poll_ms, doubling with
            # each poll up to 8 times poll_ms, so that terminals waiting together spread out.
            span = term.config.get("poll_ms", 1000) << min(self.n, 3)
            self.n += 1
            self.timer = asyncio.create_task(
                self.wake(int.from_bytes(os.urandom(2), "big") * span >> 16)
            )
        return nxt

    def answer(self, s, path, status, reply, signed):
        """What the host's reply to a request made in state `s` leads to: the next screen."""
        term = self.term
        self.error = None if signed else "host-refused"
        self.ok = signed
        why = reply.get("error")
        st = {"pending": "PENDING_REVIEW", "approved": "APPROVED", "rejected": "REJECTED"}
        st = st.get(reply.get("status")) if signed and status == 200 else None
        if st and st != s and s != "ACTIVE":
            move(term, st, tid=reply["tid"], reason=reply.get("reason"), tries=None)
            return ("firmware.ui.setup", "Setup", "outcome") if st == "REJECTED" else self
        if signed or path != "/v1/activate":
            return self
        if why == "code-burned":
            move(term, "LOCKED", secret=None, why=why, tries=0)
            return ("firmware.ui.setup", "Setup", "outcome")
        if why in ("bad-code", "code-expired", "code-used", "unknown-terminal"):
            move(term, "PASSWORD_SET", secret=None, reason=why, tries=reply.get("tries_left"))
            return ("firmware.ui.setup", "Setup", "code")
        return self  # nothing to act on: stay, say so, let the technician retry

    async def handle(self, event):
        term = self.term
        nxt = None
        if event.kind == TICK and event.value == id(self):  # the next poll is due
            nxt = await self.start()
        elif event.kind == KEY and event.value == "CANCEL":
            nxt = term.home()
        elif event.kind == KEY and event.value == "ENTER" and self.state() == "APPROVED":
            # The test sale's idempotency key, made once and saved before its first send.
            move(term, "TEST_TXN", key="test-" + hexlify(os.urandom(6)), stage="new")
            nxt = ("firmware.ui.testsale", "TestSale")
        elif event.kind == KEY and event.value == "ENTER" and (self.error or self.ok):
            nxt = Activate(term)  # retry, or check again
        if nxt is not self and nxt is not None and self.timer:
            self.timer.cancel()  # it would keep this screen, and so its module, alive
        return nxt

    async def wake(self, ms):
        await sleep_ms(ms)
        self.timer = None
        # id(self), not self: the event outlives its handling, and must not keep this screen.
        self.term.queue.put(Event(TICK, id(self), ticks_ms()))
