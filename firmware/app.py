# The terminal: one asyncio loop that starts the board's driver tasks, keeps the current
# screen, feeds it events from the queue and redraws the display after each one.
import gc
import sys

from compat import asyncio, const, sleep_ms, ticks_ms, wait_for_ms
from firmware.events import KEY, NET, PRINTER, TICK, Event
from firmware.overlay import load, module_of, unload

_TICK_MS = const(1000)
_POLL_EVERY = const(5)  # ticks between printer status checks


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
        self.journal = None  # the sale journal, opened at boot (firmware/pos/till.py)
        self.journal_error = None
        self.sync = None  # the store-and-forward task (firmware/pos/sync.py)
        self.net_lock = asyncio.Lock()  # one host exchange at a time (docs/selling.md)
        self.role = None  # the role whose PIN opened the screen on show; home() forgets it
        self._print_lock = asyncio.Lock()
        self._poll_now = asyncio.Event()

    def home(self):
        self.role = None
        return ("firmware.ui.idle", "IdleScreen")

    def apply_contrast(self, level=None):
        if level is None:
            level = self.store.get("contrast", 7)
        self.board.display.contrast(level * 255 // 9)

    def poll_printer(self):
        """Check the printer now, e.g. when the idle screen shows a problem the cashier may
        just have fixed."""
        self._poll_now.set()

    async def use_printer(self, data=None):
        """Print `data` — or, given nothing, only check the printer — and return None, or the
        catalogue key of what the cashier must fix. A job is only reported printed when the
        printer confirms it still has paper afterwards."""
        from drivers.printer.printer import PrinterError, PrinterOffline

        async with self._print_lock:
            try:
                if data is None:
                    status = await self.board.printer.status()
                    problem = status.problem()
                    if problem is None and status.paper == "near-end":
                        problem = "paper-low"
                else:
                    await self.board.printer.print(data)
                    problem = None
            except PrinterOffline:
                problem = "printer-offline"
            except PrinterError as e:
                problem = e.reason
        if problem != self.printer_problem:
            self.printer_problem = problem
            self.queue.put(Event(PRINTER, problem, ticks_ms()))
        return problem

    async def _housekeeping(self):
        # One task for the clock on the idle screen and the printer's status: fewer tasks,
        # less heap. A clock tick never crowds out a key press: it is skipped when busy.
        n = 0
        while True:
            try:
                await wait_for_ms(self._poll_now.wait(), _TICK_MS)
                n = _POLL_EVERY  # asked for: poll now
            except asyncio.TimeoutError:
                n += 1
            self._poll_now.clear()
            if not len(self.queue):
                self.queue.put(Event(TICK, None, ticks_ms()))
            if n >= _POLL_EVERY and not self._print_lock.locked():
                n = 0
                await self.use_printer()

    async def _enter(self, screen):
        """Make `screen` current, drawn and started; returns what its start() returned (the
        next screen, itself to be drawn again, or None). `screen` is a Screen, or (module,
        class, arguments…) to load only once the current overlay has gone, so that two
        overlays never share the heap."""
        old = self.screen
        name = screen[0] if type(screen) is tuple else module_of(screen)
        uses = ""
        if old is not None and module_of(old) != name:
            uses = getattr(sys.modules.get(module_of(old)), "USES", "")
            unload(module_of(old))
        old = self.screen = None  # let the old screen and its module go first
        gc.collect()  # and be free before the next one loads into the holes they leave
        if type(screen) is tuple:
            screen = load(screen[0], screen[1])(self, *screen[2:])
        # Helpers an overlay lists in USES (names, children before their package) go with
        # it, unless the next one uses them too: then they stay where they are.
        keep = getattr(sys.modules.get(module_of(screen)), "USES", "").split()
        for dep in uses.split():
            if dep not in keep:
                unload(dep)
        self.screen = screen
        self._draw()
        start = getattr(screen, "start", None)
        return await start() if start else None

    def _draw(self):
        self.screen.draw(self.board.canvas)
        self.board.canvas.show()

    async def run(self):
        start = getattr(self.board, "start", None)
        if start:
            await start()
        self.board.display.init()
        self.boots = self.store.get("boots", 0) + 1
        self.store.put("boots", self.boots)
        self.apply_contrast()
        from firmware.ui.text import use

        use(self.store.get("lang", "en"), self.board.canvas)  # the language and its font
        report = getattr(self.board, "state", None)  # the activation state, for the simulator
        if report:
            report((self.store.get("activation") or {"state": "FACTORY"})["state"])
        from firmware.pos import till

        till.open_journal(self)
        unload("firmware.pos.till")
        for task in self.board.tasks():
            asyncio.create_task(task)
        if self.journal is not None:
            from firmware.pos.sync import Sync

            self.sync = Sync(self)
            asyncio.create_task(self.sync.run())
        asyncio.create_task(self._housekeeping())
        nxt = self.home()
        while True:
            # One reference to the screen on its way in (nxt) and none to those gone by, so
            # that an overlay's module is freed as soon as the terminal leaves it.
            try:
                if nxt is None or nxt is self.screen:
                    if nxt is not None:
                        self._draw()
                    event = await self.queue.get()
                    if event.kind == NET and event.value and self.sync:
                        self.sync.wake()  # the network is back: forward what waits now
                    key = event.value if event.kind == KEY else None
                    if key in ("UP", "DOWN") and getattr(self.screen, "pages", 1) > 1:
                        nxt = self.screen.scroll(key)  # paint() showed a page of several
                    else:
                        nxt = await self.screen.handle(event)
                else:
                    nxt = await self._enter(nxt)
            except Exception as e:  # a screen's bug, or no heap to load it, must not take the
                if hasattr(sys, "print_exception"):  # terminal down
                    sys.print_exception(e)
                else:
                    print("screen error: %r" % e)
                try:  # one line for the technician's error log (it masks card numbers)
                    from firmware.maint import errlog

                    where = type(self.screen).__name__
                    errlog.record(self, "%s %s: %s" % (where, type(e).__name__, e))
                    unload("firmware.maint.errlog")
                except Exception:
                    pass  # no heap or no flash left: the print above has to do
                nxt = self.home()
                if self.screen is not None:  # let the failed screen go, and the other
                    unload(module_of(self.screen))  # tasks run: a home screen that cannot
                self.screen = None  # load either must not spin the loop
                gc.collect()
                await sleep_ms(200)
