# Activation's first step: the preparation self-check. The printer must answer its status with
# paper, the host must answer over the network, the power must hold; the display and keypad
# are checked by the technician reading this and pressing ENTER. Passing moves FACTORY to
# PREPARED.
from firmware.activation import get, move
from firmware.events import KEY
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

USES = "firmware.net firmware.activation"


class SelfCheck(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.lines = [t("check-running")]
        self.ok = None  # None while checking, then True or False

    def draw(self, canvas):
        hint = None if self.ok is None else t("next-step-hint" if self.ok else "press-to-retry")
        self.paint(canvas, t("check-title"), self.lines, hint)

    async def start(self):
        from firmware.net import NetError, post

        term = self.term
        bad = {}  # item → catalogue key of what to do about it
        problem = await term.use_printer()
        if problem and problem != "paper-low":  # near its end, a roll still prints
            bad["printer"] = "fix-" + problem
        try:
            await post(term, "/v1/ping", b"{}")  # any HTTP answer shows the host is reachable
        except NetError as e:
            bad["network"] = "err-" + e.args[0]
        power = getattr(term.board, "power_status", None)
        if power:
            percent, mains = power()
            if not mains and percent is not None and percent < 20:
                bad["power"] = "fix-battery-low"
        self.lines = []
        fix = None
        for item in "printer display keypad network power".split():
            if item in bad:
                fix = fix or bad[item]
                self.lines.append("%-12s%4s" % (t("chk-" + item), t("check-failed")))
            elif not bad:
                self.lines.append("%-12s%4s" % (t("chk-" + item), t("ok")))
        if fix:
            self.lines += wrap(t(fix))
        elif get(term.store)["state"] == "FACTORY":
            move(term, "PREPARED")
        self.ok = not bad
        return self

    async def handle(self, event):
        if event.kind != KEY or self.ok is None:
            return None
        if event.value == "CANCEL":
            return self.term.home()
        if event.value != "ENTER":
            return None
        if self.ok:
            return ("firmware.ui.setup", "Setup", "merchant")
        return SelfCheck(self.term)
