# The preparation check: is every device there and answering, is the host reachable, will the
# power, flash and heap hold? Two ways in:
# - activation's first step, SelfCheck(term): the key that opened it (ENTER under "ENTER:
#   activate") counts for the display and keypad; passing moves FACTORY to PREPARED; a failure
#   prints what to fix when the printer can.
# - the technician menu, SelfCheck(term, "tech"): asks for a key press first (the keypad
#   test; no key in 20 s fails it), then checks and always prints its report.
# A scanner has no status query on its line (nor over USB HID): configured, it reads SET, and
# OK once a barcode arrives while this screen shows. Docs: docs/help.md, "Preparation check".
import gc

from compat import const
from firmware.activation import get, move
from firmware.events import KEY, SCAN, TICK
from firmware.ui.screen import Screen, wrap
from firmware.ui.screen import width as cells  # rows() has a `width`
from firmware.ui.text import t

USES = "firmware.net firmware.activation drivers.printer.escpos"

# Screen and slip order; activation's scenarios read the first six rows without scrolling.
ITEMS = "printer display keypad card scanner network power flash heap"
_KEY_WAIT = const(20)  # ticks (seconds) a technician has to press a key
_CARD_MS = const(600)  # the reader answers in ~10 ms at 9600 baud; the link adds its own
_LOW_BATTERY = const(20)  # percent, off mains
_MIN_FLASH = const(65536)  # bytes: room for the journal to go on taking sales
_MIN_HEAP = const(6144)  # bytes after a collection: below, the next screen may not load
_FAIL = "check-failed"


def _row(good, detail, fix):
    # One item's result: (status key, detail text or None, what to do if it failed).
    return ("ok" if good else _FAIL, detail, fix)


class SelfCheck(Screen):
    def __init__(self, term, mode=None, key=None):
        super().__init__(term)
        self.mode = mode  # None: activation's check; "tech": the technician menu's
        # The key pressed for the keypad test: None while waiting for it, False when none
        # came; "" in activation, where the key that opened the check counts.
        self.key = key if mode else ""
        self.res = None  # item → (status key, detail or None, fix key), once checked
        self.ok = None
        self.note = None  # catalogue key: whether the report printed
        self.lines = []
        self.top = 0
        self.fit = 6  # lines shown at once, as last drawn
        self.waited = 0

    def draw(self, canvas):
        # The list scrolls a line at a time with UP/DOWN (handle()); before it, any key is
        # the keypad test's: paint() is given the first line, so it never turns pages.
        hint = None
        top = 0
        if self.key is None:
            lines = wrap(t("prep-press-key"))  # it says CANCEL leaves: 4 rows need no hint
            hint = t("back-hint") if len(canvas.rows) > 4 else None
        elif self.res is None:
            lines = [t("check-running")]
        else:
            lines = self.lines
            top = self.top
            hint = t("next-step-hint" if self.ok and not self.mode else "press-to-retry")
            if self.note == "prep-printing":
                hint = None  # keys wait until the report is out
        self.fit = len(canvas.rows) - 2  # lines between the title and the hint
        title = t("m-prep-check" if self.mode else "check-title")
        self.paint(canvas, title, lines, hint, top)

    async def start(self):
        if self.key is None:
            return None  # the keypad test first: handle() starts the checks
        term = self.term
        res = self.res = {}
        # Three parts rather than one long function: on a fragmented heap a module loads
        # more easily as several small blocks of bytecode than as one large one.
        await self.devices(res)
        await self.host(res)
        self.room(res)
        self.ok = ok = _FAIL not in [r[0] for r in res.values()]
        if ok and get(term.store)["state"] == "FACTORY":
            move(term, "PREPARED")
        if self.mode or not ok:  # the technician's report; in activation, what to fix
            if res["printer"][0] == "ok":
                # The list on the display while it prints (the Terminal draws only between
                # events, and a report takes seconds).
                self.note = "prep-printing"
                self.build()
                self.draw(term.board.canvas)
                term.board.canvas.show()
                job = self.report()
                self.note = "prep-not-printed" if await term.use_printer(job) else "prep-printed"
            else:
                self.note = "prep-not-printed"
        self.build()
        return self

    async def devices(self, res):
        term = self.term
        board = term.board
        problem = await term.use_printer()
        good = problem in (None, "paper-low")  # near its end, a roll still prints
        res["printer"] = _row(good, t(problem) if problem else None, "fix-" + str(problem))
        try:
            term.apply_contrast()  # a command the controller must acknowledge on its bus
            good = True
        except OSError:
            good = False
        res["display"] = _row(good, None, "fix-display")
        key = self.key
        res["keypad"] = _row(key is not False, key and t("prep-key-name", key), "fix-keypad-dead")
        card = board.card
        good = False
        if card is not None and card.transport is not None:
            card.answer = None
            await card.transport.write(card.QUERY)  # the reader's task keeps the answer
            waited = 0
            while card.answer is None and waited < _CARD_MS:
                await term.clock.sleep_ms(20)
                waited += 20
            good = card.answer == b"OK"
        res["card"] = _row(good, None, "fix-card-reader")
        res["scanner"] = (
            "check-status-set" if board.scanner is not None else "check-status-none",
            None,
            "",
        )

    async def host(self, res):
        import firmware.net as net

        term = self.term
        clock = term.clock
        begin = clock.ticks_ms()
        try:
            if get(term.store).get("secret"):
                async with term.net_lock:  # replies must come back in counter order
                    reply = await net.call(term, "/v1/ping", {})
                if not reply[2]:  # unsigned: the host could not verify us, or it is not ours
                    error = reply[1].get("error")
                    raise net.NetError("bad-mac" if error == "bad-mac" else "host-refused")
            else:
                # No secret before activation: any HTTP answer shows the host is reachable.
                await net.post(term, "/v1/ping", b"{}")
            rtt = clock.ticks_diff(clock.ticks_ms(), begin)
            res["network"] = _row(True, t("prep-rtt-ms", rtt), "")
        except net.NetError as e:
            res["network"] = _row(False, None, "err-" + e.args[0])

    def room(self, res):
        term = self.term
        power = getattr(term.board, "power_status", None)
        percent, mains = power() if power else (None, True)
        if percent is None:
            res["power"] = _row(True, t("prep-on-mains"), "")
        else:
            good = mains or percent >= _LOW_BATTERY
            detail = t("prep-charging" if mains else "prep-battery", percent)
            res["power"] = _row(good, detail, "fix-battery-low")
        space = term.flash.statvfs()
        res["flash"] = ("check-status-none", None, "")
        if space:
            detail = t("prep-flash-kfree", space[1] // 1024)
            res["flash"] = _row(space[1] >= _MIN_FLASH, detail, "fix-flash-low")
        gc.collect()
        res["heap"] = ("check-status-none", None, "")
        if hasattr(gc, "mem_free"):  # MicroPython; CPython's heap is the OS's
            free = gc.mem_free()
            detail = t("prep-bytes-free", free)
            res["heap"] = _row(free >= _MIN_HEAP, detail, "fix-heap-low")

    def rows(self, width):
        """[(failed, lines, label, fix key)] in check order; lines: "label  STATUS" padded to
        `width`, and the item's detail (if any) below it."""
        out = []
        for item in ITEMS.split():
            status, detail, fix = self.res[item]
            label = t("chk-" + item)
            text = t(status)
            lines = [label + " " * (width - cells(label + text)) + text]
            if detail:
                lines.append(" " + detail)
            out.append((status == _FAIL, lines, label, fix))
        return out

    def build(self):
        # On screen, what failed comes first, each with what to do about it; then the rest.
        top = []
        rest = []
        for failed, lines, _, fix in self.rows(16):
            if failed:
                top += lines + wrap(t(fix))
            else:
                rest += lines
        if self.mode and self.res["scanner"][0] == "check-status-set":
            rest += wrap(t("prep-scan-hint"))
        if self.note:
            rest += wrap(t(self.note))
        self.lines = top + rest
        self.top = 0

    def report(self):
        # The slip: every item, then what to do about each failure; 32 columns (58 mm).
        import time

        from drivers.printer.escpos import Receipt
        from firmware.ui import text

        r = Receipt(gb=text.gb)
        r.center(t("prep-report-title"), bold=True)
        r.line(t("serial", self.term.board.serial))
        r.line("%04d-%02d-%02d %02d:%02d" % time.localtime(self.term.clock.time())[:5])
        r.rule()
        rows = self.rows(r.width)
        for row in rows:
            for line in row[1]:
                r.line(line)
        r.rule()
        r.pair(t("prep-result"), t("prep-result-pass" if self.ok else "check-failed"))
        if not self.ok:
            r.line(t("prep-to-fix") + ":", bold=True)
            for failed, _, label, fix in rows:
                if failed:
                    for line in wrap(label + ": " + t(fix), r.width):
                        r.line(line)
        r.feed(3)
        r.cut()
        return r

    async def handle(self, event):
        kind = event.kind
        term = self.term
        if self.key is None:  # waiting for the keypad test's key
            if kind == TICK:
                self.waited += 1
                return SelfCheck(term, "tech", False) if self.waited >= _KEY_WAIT else None
            if kind != KEY:
                return None
            if event.value == "CANCEL":
                return term.home()
            return SelfCheck(term, "tech", event.value)
        if self.res is None:
            return None
        if kind == SCAN and self.res["scanner"][0] != "ok":
            self.res["scanner"] = ("ok", None, "")  # a barcode arrived: the scanner answers
            self.build()
            return self
        if kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return term.home()
        if key in ("UP", "DOWN"):
            last = max(0, len(self.lines) - self.fit)
            self.top = max(0, min(last, self.top + (1 if key == "DOWN" else -1)))
            return self
        if key != "ENTER":
            return None
        if self.ok and not self.mode:
            return ("firmware.ui.setup", "Setup", "merchant")
        return SelfCheck(term, self.mode)
