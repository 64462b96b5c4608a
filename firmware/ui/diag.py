# The diagnostic report (Troubleshoot, last item): what a support call needs in one place —
# version, serial, activation, journal and sync, printer, errors, heap and flash — printed and
# sent to the host (POST /v1/diag, docs/host.md), which keeps it for support. Never a PAN, a
# key or a PIN: only counts, amounts, states and catalogue keys.
import gc
import time

from firmware.activation import get
from firmware.events import KEY
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import reason, t

USES = "firmware.net firmware.activation drivers.printer.escpos"


def collect(term, printer):
    """The report as a dict (the body of /v1/diag). printer: use_printer()'s answer."""
    rec = get(term.store)
    j = term.journal
    sync = term.sync
    gc.collect()
    space = term.flash.statvfs()
    rep = {
        "version": term.VERSION,
        "serial": term.board.serial,
        "tid": rec.get("tid"),
        "state": rec["state"],
        "boots": term.boots,
        "time": term.clock.time(),
        "net": term.board.net.is_up(),
        "journal": j.summary() if j else None,
        "sync": [sync.state, sync.last_error] if sync else None,
        "printer": printer or "ok",
        "heap": gc.mem_free() if hasattr(gc, "mem_free") else None,
        "flash": space[1] if space else None,
    }
    errors = {}  # the last error each part of the terminal remembers
    for name, error in (
        ("printer", term.printer_problem),
        ("sync", sync and sync.last_error),
        ("journal", term.journal_error),
        ("activation", rec.get("reason")),
    ):
        if error:
            errors[name] = error
    rep["errors"] = errors
    return rep


def slip(term, rep):
    # In the catalogue's words: states and errors as the cashier's language names them (the
    # host gets the names), except a journal error, which is technical.
    from drivers.printer.escpos import Receipt
    from firmware.ui import text

    r = Receipt(gb=text.gb)
    r.center(t("diag-r-title"), bold=True)
    r.rule()
    j = rep["journal"]
    sync = rep["sync"]
    for key, value in (
        ("diag-r-version", rep["version"]),
        ("diag-r-serial", rep["serial"]),
        ("diag-r-term-id", rep["tid"]),
        ("diag-r-state", t("st-" + rep["state"])),
        ("diag-r-boots", rep["boots"]),
        ("diag-r-network", t("online" if rep["net"] else "offline")),
        ("diag-r-unsynced", j and j["unsynced"]),
        ("diag-r-offline", j and "%d / %s" % (j["count"], money(term, j["total"]))),
        ("diag-r-pending", j and j["pending"]),
        ("diag-r-sync", sync and t("sync-st-" + sync[0])),
        ("diag-r-printer", t(rep["printer"])),
        ("diag-r-heap", rep["heap"]),
        ("diag-r-flash", rep["flash"] is not None and "%dK" % (rep["flash"] // 1024)),
        ("diag-r-time", "%04d-%02d-%02d %02d:%02d" % time.localtime(rep["time"])[:5]),
    ):
        r.pair(t(key), "-" if value is None or value is False else str(value))
    r.rule()
    r.line(t("diag-r-errors"), bold=True)
    errors = rep["errors"]
    for name, label in (
        ("printer", "diag-r-printer"),
        ("sync", "diag-r-sync"),
        ("journal", "diag-r-journal"),
        ("activation", "diag-r-state"),
    ):
        why = errors.get(name)
        if why:
            if name == "printer":
                why = t(why)
            elif name != "journal":
                why = reason(why, "err-" if name == "sync" else "why-")
            for line in wrap(t(label) + ": " + str(why), r.width):
                r.line(line)
    if not errors:
        r.line(t("diag-r-none"))
    r.feed(3)
    r.cut()
    return r


class DiagReport(Screen):
    def __init__(self, term):
        super().__init__(term)
        self.lines = wrap(t("diag-working"))
        self.done = False
        self.top = 0
        self.fit = 6  # lines shown at once, as last drawn

    def draw(self, canvas):
        self.fit = len(canvas.rows) - 2
        hint = t("retry-hint") if self.done else None
        self.paint(canvas, t("diag-screen-title"), self.lines, hint, self.top)  # handle() scrolls

    async def start(self):
        term = self.term
        problem = await term.use_printer()
        rep = collect(term, problem)
        if problem in (None, "paper-low"):
            problem = await term.use_printer(slip(term, rep))
        lines = [t("diag-printed")] if not problem else [t("diag-not-printed"), t(problem)]
        if not get(term.store).get("secret"):
            lines += wrap(t("diag-no-secret"))
        else:
            from firmware.net import NetError, call

            error = None
            try:
                async with term.net_lock:
                    status, reply, signed = await call(term, "/v1/diag", rep)
                if not signed or status != 200:
                    error = reply.get("error") or "host-refused"
            except NetError as e:
                error = e.args[0]
            if error:
                lines += [t("diag-not-sent")] + wrap(reason(error, "err-"))
            else:
                lines += wrap(t("diag-sent-no", reply.get("report")))
        self.lines = lines
        self.done = True
        return self

    async def handle(self, event):
        if event.kind != KEY or not self.done:
            return None
        key = event.value
        if key == "CANCEL":
            return ("firmware.ui.care", "Topics", "trouble")
        if key == "ENTER":
            return DiagReport(self.term)
        if key in ("UP", "DOWN"):
            last = max(0, len(self.lines) - self.fit)
            self.top = max(0, min(last, self.top + (1 if key == "DOWN" else -1)))
            return self
        return None
