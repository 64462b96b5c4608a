# The screen a terminal shows when nobody is using it: who it belongs to, the time, whether
# the host is reachable, how far activation has got and anything the cashier must fix before
# the next sale.
import time

from firmware.events import KEY, NET, PRINTER, TICK
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t


def clock_text(epoch):
    y, mo, d, h, mi = time.localtime(epoch)[:5]
    return "%04d-%02d-%02d %02d:%02d" % (y, mo, d, h, mi)


class IdleScreen(Screen):
    note = None  # why the last key was refused, until the next key

    def draw(self, canvas):
        term = self.term
        state = (term.store.get("activation") or {"state": "FACTORY"})["state"]
        canvas.clear()
        canvas.center(0, term.config.get("merchant", t("brand")), invert=True)
        canvas.text(1, clock_text(term.clock.time()))
        canvas.text(2, t("st-" + state))
        canvas.text(3, t("online") if term.board.net.is_up() else t("offline"))
        problem = term.printer_problem
        lines = [t(problem)] if problem else []
        if self.note:
            lines += wrap(self.note)
        elif state != "ACTIVE":
            lines.append(t("go-activate" if state == "FACTORY" else "go-continue"))
        for i, line in enumerate(lines[:3]):
            canvas.text(4 + i, line)
        canvas.text(7, t("menu-hint"))

    async def start(self):
        if self.term.printer_problem:
            self.term.poll_printer()

    async def handle(self, event):
        term = self.term
        if event.kind in (NET, PRINTER, TICK):
            return self  # redraw with the new status
        if event.kind != KEY:
            return None
        key = event.value
        rec = term.store.get("activation") or {"state": "FACTORY"}
        state = rec["state"]
        self.note = None
        if key == "MENU":
            return ("firmware.ui.menu", "MenuScreen")
        if key == "F1":  # a sale: only an active terminal may take one
            if state == "ACTIVE":
                return ("firmware.ui.activate", "Activate")
            if state == "DEACTIVATED":
                self.note = t("no-sale-off", term.config.get("hotline", "400-800-1234"))
            else:
                self.note = t("no-sale")
            return self
        if key == "ENTER" and state != "ACTIVE":  # start or carry on activating
            if "pw" in rec:
                return ("firmware.ui.setup", "Setup", "gate")
            if state == "FACTORY":
                return ("firmware.ui.selfcheck", "SelfCheck")
            return ("firmware.ui.setup", "Setup", "merchant" if state == "PREPARED" else "pw1")
        return self
