# Activation on the terminal itself, with no network: what the technician types — the merchant
# ID and terminal number, the technician password (new, then at the gate in front of every
# later step), the activation code — and what the host decided, with what to do next. One
# screen class walks the steps: on this heap a class per step costs more than the steps.
from firmware.activation import get, move
from firmware.activation.password import keep, lockout, problem
from firmware.events import KEY
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import reason, t

# Helpers that leave with this overlay (firmware/app.py) unless the next screen uses them.
USES = "firmware.activation.password pbkdf2 firmware.activation"


class Setup(Screen):
    """Steps: merchant, terminal, pw1 (new password), pw2 (again), gate (the password before
    going on), locked (too many wrong passwords), code (the activation code), outcome (what
    the host decided against: REJECTED, LOCKED for a burned code, DEACTIVATED)."""

    def __init__(self, term, step):
        super().__init__(term)
        rec = get(term.store)
        if step == "gate" and lockout(term)[0]:
            step = "locked"
        self.step = step
        self.text = rec.get(step, "")  # what is typed; details typed before come back to edit
        self.msg = None  # catalogue text: what went wrong
        self.saved = ""  # the merchant ID until the terminal number, or the new password

    def draw(self, canvas):
        term = self.term
        step = self.step
        rec = get(term.store)
        if step in ("locked", "outcome"):
            self.paint(canvas, *self.notice(rec["state"], rec.get("reason")))
            return
        lines = wrap(self.msg or t("p-" + step))
        e = self.text
        if step == "code":
            why = rec.get("reason")
            if why:  # what the host said of the last code, and what to do
                arg = term.config.get("hotline", "400-800-1234")
                lines = wrap(t("c-" + why, rec.get("tries", 0) if why == "bad-code" else arg))
            else:
                lines = [t("serial", term.board.serial), t("merchant", rec.get("merchant"))]
                lines.append(t("terminal", rec.get("terminal")))
            lines.insert(0, t("f2-edit-hint"))  # on the first page, however long the rest
            e += "_" * (12 - len(e))
            field = "%s-%s-%s" % (e[:4], e[4:8], e[8:])
        else:
            if step == "terminal" and not self.msg:
                lines.append(t("serial", term.board.serial))
            if step in ("pw1", "pw2", "gate"):
                e = "*" * len(e)
            field = "> " + e + "_"
        hint = t("send-code-hint" if step == "code" else "confirm-hint")
        self.paint(canvas, t("t-" + step), lines, hint, field=field)

    def notice(self, s, why):
        """(title, lines, hint) of the locked and outcome steps."""
        term = self.term
        if self.step == "locked":
            text = t("pw-locked-out", (lockout(term)[0] + 59) // 60)
            return t("locked-title"), wrap(text), t("back-hint")
        text = t("i-" + s, term.config.get("hotline", "400-800-1234")) + " " + (reason(why) or "")
        return t("st-" + s), wrap(text), t("h-" + s)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        term = self.term
        key = event.value
        step = self.step
        if key == "CANCEL":
            return term.home()
        if step in ("locked", "outcome"):
            if key != "ENTER":
                return None
            s = get(term.store)["state"]
            if step == "locked":
                return Setup(term, "gate")
            if s == "LOCKED":  # the code was burned: on to a new one
                move(term, "PASSWORD_SET", why=None, tries=None, reason=None)
                return Setup(term, "code")
            return Setup(term, "merchant")  # REJECTED, DEACTIVATED: new details, new code
        if self.type_key(key, 12):
            return self
        if key == "F2" and step == "code":
            return Setup(term, "merchant")
        if key != "ENTER" or not self.text:
            return None
        return self.typed()

    def typed(self):
        """ENTER on what was typed: the next step, or this one with what went wrong."""
        term = self.term
        step = self.step
        entry = self.text
        self.text = ""
        rec = get(term.store)
        if step == "merchant":
            self.saved = entry
            self.step = "terminal"
            self.text = rec.get("terminal", "")
        elif step == "terminal":
            move(term, "CREDENTIALS", merchant=self.saved, terminal=entry, reason=None)
            return self.onward()
        elif step == "pw1":
            self.msg = problem(entry) and t(problem(entry))
            if not self.msg:
                self.saved = entry
                self.step = "pw2"
        elif step == "pw2":
            if entry != self.saved:
                self.step = "pw1"
                self.msg = t("pw-differ-again")
            else:
                move(term, "PASSWORD_SET", pw=keep(entry))
                return self.onward()
        elif step == "code":
            if len(entry) < 12:
                self.text = entry
                return None
            return ("firmware.ui.activate", "Activate", entry)
        elif keep(entry, rec["pw"]) == rec["pw"]:  # the gate
            lockout(term, True)
            return self.onward()
        else:
            left = lockout(term, False)[1]
            if not left:
                if rec["state"] != "LOCKED":
                    move(term, "LOCKED", back=rec["state"], why="password")
                return Setup(term, "locked")
            self.msg = t("pw-wrong-tries", left)
        return self

    def onward(self):
        """After the password: the screen for the step the saved state stands at."""
        term = self.term
        rec = get(term.store)
        if rec["state"] == "LOCKED" and rec.get("why") == "password":
            rec = move(term, rec["back"], back=None, why=None)
        s = rec["state"]
        if s == "CREDENTIALS":
            if "pw" not in rec:
                return Setup(term, "pw1")
            s = move(term, "PASSWORD_SET")["state"]
        if s == "PASSWORD_SET":
            return Setup(term, "code")
        if s == "TEST_TXN":
            if rec.get("stage") == "done":
                return ("firmware.ui.testslip", "TestSlip")
            return ("firmware.ui.testsale", "TestSale")
        if s in ("CODE_SUBMITTED", "PENDING_REVIEW", "APPROVED"):
            return ("firmware.ui.activate", "Activate")
        return Setup(term, "outcome")
