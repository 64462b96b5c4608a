# The technician sets the cashier's and the supervisor's PINs (docs/selling.md, Roles): pick
# the role with 1 or 2, type the new PIN twice. The digits are shown as "*", kept only in this
# screen until saved, and the audit trail says whose PIN was set, never the PIN.
from firmware.events import KEY
from firmware.pos.roles import has_pin, problem, set_pin
from firmware.ui.screen import Screen, width, wrap
from firmware.ui.text import t

# Helpers that leave with this overlay (firmware/app.py) unless the next screen uses them.
USES = (
    "firmware.pos.audit firmware.pos.roles firmware.activation.password pbkdf2 firmware.activation"
)


def _name(role):
    return t("pin-cashier" if role == "cashier" else "pin-supervisor")


class Pins(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.role = None  # whose PIN is being typed; None: choosing
        self.text = ""
        self.first = None  # the new PIN until it has been typed again
        self.msg = None  # catalogue text: what went wrong, or that it was saved

    def draw(self, canvas):
        term = self.term
        role = self.role
        if role is None:
            lines = wrap(self.msg or t("pin-choose")) + [""]  # the news first
            for n, r in ((1, "cashier"), (2, "supervisor")):
                name = _name(r)
                state = t("pin-is-set" if has_pin(term, r) else "pin-not-set")
                # "1 Cashier    set": the state at the right, columns counted as drawn
                pad = " " * max(1, 14 - width(name + state))
                lines.append("%d %s%s%s" % (n, name, pad, state))
            self.paint(canvas, t("pin-title"), lines, t("back-hint"))
            return
        lines = wrap(self.msg or t("pin-type-again" if self.first else "pin-type-new"))
        field = "> " + "*" * len(self.text) + "_"
        self.paint(canvas, _name(role), lines, t("confirm-hint"), field=field)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if self.role is None:
            if key == "CANCEL":
                return self.term.home()
            if key in ("1", "2"):
                self.role = "cashier" if key == "1" else "supervisor"
                self.msg = None
                return self
            return None
        if key == "CANCEL":  # back to choosing, nothing kept
            self.role = self.first = self.msg = None
            self.text = ""
            return self
        if self.type_key(key, 8):
            return self
        if key != "ENTER" or not self.text:
            return None
        return self.typed()

    def typed(self):
        pin = self.text
        self.text = ""
        if self.first is None:
            why = problem(pin)
            if why:
                self.msg = t(why)
            else:
                self.first = pin
            return self
        first = self.first
        self.first = None
        if pin != first:
            self.msg = t("pin-differ")
            return self
        term = self.term
        role = self.role
        try:
            set_pin(term, role, pin)
        except ValueError as e:
            self.msg = t(e.args[0])
            return self
        from firmware.pos.audit import record

        record(term, "pin-set", getattr(term, "role", None), of=role)
        self.role = None
        self.msg = t("pin-saved")
        return self
