# The PIN gate in front of a privileged screen (docs/selling.md, Roles): asks for the PIN of the
# role the action needs, lets a higher role's PIN through too, and goes on to the next screen.
# The digits live only in this screen object and are shown as "*"; they are dropped as soon as
# they have been checked. Wrong PINs and lockouts go on the audit trail.
from firmware.events import KEY, TICK
from firmware.pos.roles import asks, check, lock_state, needs
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

# Helpers that leave with this overlay (firmware/app.py) unless the next screen uses them.
USES = (
    "firmware.pos.audit firmware.pos.roles firmware.activation.password pbkdf2 firmware.activation"
)


class Gate(Screen):
    def __init__(self, term, action, then):
        super().__init__(term)
        self.action = action
        self.then = then  # the next screen: (module, class, arguments…)
        self.need = needs(action)
        self.asks = asks(term, self.need)  # whose PIN; None: no PIN set that guards it
        self.text = ""
        self.msg = None  # what went wrong with the last PIN
        self.locked = False  # as last drawn

    async def start(self):
        if self.asks is None:
            self.term.role = self.need
            return self.then
        return None

    def draw(self, canvas):
        if self.asks is None:
            return  # on its way through: nothing to show
        term = self.term
        secs = lock_state(term, self.asks)[0]
        self.locked = secs > 0
        field = None
        if secs:
            hotline = term.config.get("hotline", "400-800-1234")
            lines = wrap(t("g-locked-out", (secs + 59) // 60, hotline))
            hint = t("back-hint")
        else:
            key = "g-ask-" + self.asks  # g-ask-cashier, -supervisor, -technician
            lines = wrap(self.msg or t(key))
            field = "> " + "*" * len(self.text) + "_"
            hint = t("confirm-hint")
        key = "g-title-" + self.action  # every action of roles.needs has one
        self.paint(canvas, t(key), lines, hint, field=field)

    async def handle(self, event):
        term = self.term
        if event.kind == TICK:  # a lockout's minutes count down on screen, and it ends there
            return self if self.locked else None
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return term.home()
        if lock_state(term, self.asks)[0]:
            return self if key == "ENTER" else None
        if self.type_key(key, 12):
            return self
        if key != "ENTER" or not self.text:
            return None
        pin = self.text
        self.text = ""
        role = check(term, self.asks, pin)
        pin = None
        if role:
            term.role = role
            return self.then
        from firmware.pos.audit import record

        record(term, "pin-wrong", self.asks, gate=self.action)
        secs, left = lock_state(term, self.asks)
        if secs:
            record(term, "lockout", self.asks, gate=self.action)
            self.msg = None
        else:
            self.msg = t("g-wrong-tries", left)
        return self
