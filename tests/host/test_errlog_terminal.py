# The Terminal's run loop survives a screen that raises, prints it as before, and leaves one
# masked line in the error log (firmware/app.py → firmware/maint/errlog.py).
import asyncio
import sys

from compat import Clock
from drivers.display.canvas import Canvas
from firmware.app import Terminal
from firmware.events import KEY, Event, EventQueue
from firmware.maint import errlog
from firmware.maint.wear import WearFlash
from firmware.store import Store


class _Device:
    def init(self):
        pass

    def contrast(self, level):
        pass

    def show(self, buf, pages):
        pass


class _Printer:
    async def status(self):
        from drivers.printer.printer import PrinterOffline

        raise PrinterOffline()


class _Net:
    def is_up(self):
        return False


class _Board:
    def __init__(self):
        self.display = _Device()
        self.canvas = Canvas(self.display)
        self.printer = _Printer()
        self.net = _Net()
        self.serial = "T1"

    def tasks(self):
        return []

    def power_status(self):
        return None, True


class Bomb:
    raised = 0

    def __init__(self, term):
        self.term = term

    def draw(self, canvas):
        canvas.clear()
        canvas.text(0, "bomb")

    async def handle(self, event):
        Bomb.raised += 1
        raise ValueError("card 4111 1111 1111 1111 refused")


def test_a_screen_that_raises_is_logged_masked_and_the_terminal_goes_home(tmp_path, capsys):
    flash = WearFlash(str(tmp_path))
    queue = EventQueue()
    term = Terminal(_Board(), Store(flash), flash, Clock(), queue, {"board": "sim"})
    term.home = lambda: Bomb(term)

    async def scenario():
        task = asyncio.create_task(term.run())
        for _ in range(100):
            await asyncio.sleep(0.01)
            if term.screen is not None:
                break
        queue.put(Event(KEY, "1", 0))
        for _ in range(100):
            await asyncio.sleep(0.01)
            if Bomb.raised and flash.exists("errlog"):
                break
        task.cancel()

    asyncio.run(scenario())
    assert Bomb.raised == 1
    assert "card 4111 1111 1111 1111" in capsys.readouterr().out  # the printout is as before
    [(_, text)] = errlog.tail(flash)
    assert text == "Bomb ValueError: card **** **** **** **** refused"
    assert "firmware.maint.errlog" not in sys.modules  # it left the heap after the line
