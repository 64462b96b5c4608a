# Reports: X (running totals of the open batch, any time) and Z (end of day: totals printed,
# then the batch closed and settled with the host). The batch (store key "batch": number and
# the first journal seq in it) moves on only once the Z report is on paper, so a paper-out
# Z report is printed again, never lost; the host's settle is idempotent by batch number.
import gc

from firmware.events import KEY
from firmware.overlay import unload
from firmware.ui.screen import Screen, money, wrap
from firmware.ui.text import t

USES = (
    "firmware.pos.receipt drivers.printer.escpos firmware.pos.items firmware.pos.totals "
    "firmware.journal.history firmware.journal.upkeep firmware.pos.audit firmware.net "
    "firmware.activation"
)


class Reports(Screen):
    def draw(self, canvas):
        self.paint(canvas, t("m-reports"), [t("rep-pick-x"), t("rep-pick-z")], t("back-hint"))

    async def handle(self, event):
        if event.kind != KEY:
            return None
        if event.value == "CANCEL":
            return self.term.home()
        if event.value == "1":
            return Report(self.term, "X")
        if event.value == "2":
            return ("firmware.ui.gate", "Gate", "z-report", ("firmware.ui.reports", "Report", "Z"))
        return None


class Report(Screen):
    def __init__(self, term, kind):
        super().__init__(term)
        self.kind = kind
        self.problem = None
        self.lines = [t("printing")]
        self.busy = True

    def draw(self, canvas):
        lines = self.lines
        hint = None
        if self.problem:
            lines = [t(self.problem)] + wrap(t("fix-" + self.problem))
            hint = t("rcpt-retry-hint")
        elif not self.busy:
            hint = t("pay-done-hint")
        self.paint(canvas, t("rep-title-" + self.kind), lines, hint)

    async def start(self):
        term = self.term
        j = term.journal
        batch = term.store.get("batch") or {"no": 1, "from": 0}
        from firmware.pos import totals

        sums = totals.since(j, batch["from"])
        totals = None
        sums["batch"] = batch["no"]
        from firmware.pos.receipt import report_chunks

        self.problem = await term.use_printer(b"".join(report_chunks(sums, term, self.kind)))
        report_chunks = None
        # printed: the encoder and the journal readers make room for the host's client
        for m in USES.split()[:5]:
            unload(m)
        gc.collect()
        self.busy = False
        if self.problem:
            return self
        self.lines = [t("rep-net", money(term, sums["net"]))]
        if self.kind == "Z":
            # on paper: now close the batch, then tell the host (which may be unreachable: the
            # batch is closed here either way; the host learns at the next settle)
            term.store.put("batch", {"no": batch["no"] + 1, "from": j._next})
            from firmware.pos import audit

            audit.record(term, "z-report", term.role, batch=batch["no"], net=sums["net"])
            self.lines = [t("rep-closed", batch["no"])]
            self.lines += wrap(await self.settle(sums))
            from firmware.journal import upkeep

            try:
                upkeep.compact(j)  # synced records past keep_days make room
            except OSError:
                pass
        return self

    async def settle(self, sums):
        term = self.term
        # the host compares card figures only (docs/host.md, /v1/settle)
        body = {"batch": sums["batch"], "cash": sums["cash"]}
        body["refunds"] = sums["card_refunds"]
        body["voids"] = sums["card_voids"]
        body["sales"] = [
            sums["credit"][0] + sums["debit"][0],
            sums["credit"][1] + sums["debit"][1],
        ]
        from firmware.net import NetError, call

        try:
            async with term.net_lock:
                status, reply, signed = await call(term, "/v1/settle", body)
        except NetError as e:
            return t("rep-settle-later", t("err-" + e.args[0]))
        if not signed or status != 200:
            return t("rep-settle-later", reply.get("error", "?"))
        return t("rep-settle-" + reply.get("status", "out-of-balance"))

    async def handle(self, event):
        if event.kind != KEY or self.busy:
            return None
        if event.value == "ENTER" and self.problem:
            return Report(self.term, self.kind)
        if event.value in ("ENTER", "CANCEL"):
            return self.term.home()
        return None
