# The terminal: one asyncio loop that starts the board's driver tasks, keeps the current
# screen, feeds it events from the queue and redraws the display after each one.
import sys

from compat import asyncio, const, ticks_diff, ticks_ms, wait_for_ms
from firmware.events import PRINTER, TICK, Event
from firmware.overlay import load, module_of, unload

_TICK_MS = const(1000)
_PRINTER_POLL_MS = const(5000)
_LAG_SAMPLES = const(64)


def _report(exc):
    if hasattr(sys, "print_exception"):
        sys.print_exception(exc)
    else:
        import traceback

        traceback.print_exception(exc)


class Terminal:
    VERSION = "0.1.0"

    def __init__(self, board, store, flash, clock, queue, config):
        self.board = board
        self.store = store
        self.flash = flash
        self.clock = clock
        self.queue = queue
        self.config = config
        self.boots = 0
        self.printer_problem = None  # catalogue key of what the cashier must fix, or None
        self.screen = None
        self.lag_ms = []  # event timestamp → handler start, for `make bench`
        self._print_lock = asyncio.Lock()
        self._poll_now = asyncio.Event()

    def home(self):
        return load("firmware.ui.idle", "IdleScreen")(self)

    def apply_contrast(self, level=None):
        if level is None:
            level = self.store.get("contrast", 7)
        self.board.display.contrast(level * 255 // 9)

    async def print_job(self, data):
        """Print and return None, or the catalogue key of what stopped the printer. The job
        is only reported printed when the printer confirms it still has paper afterwards."""
        from drivers.printer.printer import PrinterError, PrinterOffline

        async with self._print_lock:
            try:
                await self.board.printer.print(data)
                problem = None
            except PrinterOffline:
                problem = "printer-offline"
            except PrinterError as e:
                problem = e.reason
        self._set_printer_problem(problem)
        return problem

    def _set_printer_problem(self, problem):
        if problem != self.printer_problem:
            self.printer_problem = problem
            self.queue.put(Event(PRINTER, problem, ticks_ms()))

    def poll_printer(self):
        """Ask for a status check now, e.g. when the idle screen shows a printer problem
        the cashier may just have fixed."""
        self._poll_now.set()

    async def _watch_printer(self):
        from drivers.printer.printer import PrinterError, PrinterOffline

        while True:
            try:
                await wait_for_ms(self._poll_now.wait(), _PRINTER_POLL_MS)
            except asyncio.TimeoutError:
                pass
            self._poll_now.clear()
            if self._print_lock.locked():
                continue
            async with self._print_lock:
                try:
                    status = await self.board.printer.status()
                    problem = status.problem()
                    if problem is None and status.paper == "near-end":
                        problem = "paper-low"
                except PrinterOffline:
                    problem = "printer-offline"
                except PrinterError as e:
                    problem = e.reason
            self._set_printer_problem(problem)

    async def _tick(self):
        while True:
            await self.clock.sleep_ms(_TICK_MS)
            if not len(self.queue):  # a clock refresh must never crowd out a key press
                self.queue.put(Event(TICK, None, ticks_ms()))

    async def _enter(self, screen):
        while screen is not None:
            old = self.screen
            self.screen = screen
            if old is not None and module_of(old) != module_of(screen):
                unload(module_of(old))
            self._draw()
            start = getattr(screen, "start", None)
            screen = await start() if start else None
            if screen is self.screen:
                self._draw()
                screen = None

    def _draw(self):
        canvas = self.board.canvas
        self.screen.draw(canvas)
        canvas.show()

    def _record_lag(self, event):
        if len(self.lag_ms) >= _LAG_SAMPLES:
            self.lag_ms.pop(0)
        self.lag_ms.append(ticks_diff(ticks_ms(), event.ticks))

    def boot(self):
        self.boots = self.store.get("boots", 0) + 1
        self.store.put("boots", self.boots)
        self.apply_contrast()

    async def run(self):
        start = getattr(self.board, "start", None)
        if start:
            await start()
        self.board.display.init()
        self.boot()
        for task in self.board.tasks():
            asyncio.create_task(task)
        asyncio.create_task(self._tick())
        asyncio.create_task(self._watch_printer())
        await self._enter(self.home())
        while True:
            event = await self.queue.get()
            if event.kind == "key":
                self._record_lag(event)
            try:
                nxt = await self.screen.handle(event)
            except Exception as e:  # a screen's bug must not take the terminal down
                _report(e)
                nxt = self.home()
            if nxt is self.screen:
                self._draw()
            elif nxt is not None:
                await self._enter(nxt)
