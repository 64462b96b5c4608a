# The screen a terminal shows when nobody is using it: who it belongs to, the time, whether
# the host is reachable and anything the cashier must fix before the next sale.
import time

from firmware.events import KEY, NET, PRINTER, TICK
from firmware.overlay import load
from firmware.ui.screen import Screen
from firmware.ui.text import t


def clock_text(epoch):
    y, mo, d, h, mi = time.localtime(epoch)[:5]
    return "%04d-%02d-%02d %02d:%02d" % (y, mo, d, h, mi)


class IdleScreen(Screen):
    def draw(self, canvas):
        term = self.term
        canvas.clear()
        canvas.center(0, term.config.get("merchant", t("brand")), invert=True)
        canvas.text(1, clock_text(term.clock.time()))
        canvas.text(2, t("not-activated"))
        canvas.text(3, t("online") if term.board.net.is_up() else t("offline"))
        problem = term.printer_problem
        if problem:
            canvas.text(4, t(problem))
        canvas.text(7, t("menu-hint"))

    async def start(self):
        if self.term.printer_problem:
            self.term.poll_printer()

    async def handle(self, event):
        if event.kind == KEY and event.value == "MENU":
            return load("firmware.ui.menu", "MenuScreen")(self.term)
        if event.kind in (NET, PRINTER, TICK):
            return self  # redraw with the new status
        return None
