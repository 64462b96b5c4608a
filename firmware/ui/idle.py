# The screen a terminal shows when nobody is using it: who it belongs to, the time, whether
# the host is reachable, how far activation has got and anything the cashier must fix before
# the next sale.
import time

from firmware.events import KEY, NET, PRINTER, TICK
from firmware.ui.screen import Screen, heading, money, wrap
from firmware.ui.text import t


def clock_text(epoch):
    y, mo, d, h, mi = time.localtime(epoch)[:5]
    return "%04d-%02d-%02d %02d:%02d" % (y, mo, d, h, mi)


class IdleScreen(Screen):
    note = None  # why the last key was refused, until the next key

    def draw(self, canvas):
        term = self.term
        state = (term.store.get("activation") or {"state": "FACTORY"})["state"]
        rows = len(canvas.rows)
        canvas.clear()
        merchant = term.config.get("merchant", t("brand"))
        now = clock_text(term.clock.time())
        online = t("online") if term.board.net.is_up() else t("offline")
        j = term.journal
        waiting = j.summary()["unsynced"] if j else 0
        if waiting:  # what the host has not got yet: the count and the offline amount
            online += " " + t("idle-waiting", waiting, money(term, j.summary()["total"], False))
        online = online[:16]
        problem = term.printer_problem
        lines = [t(problem)] if problem else []  # what to fix or why a key was refused
        if j is None and state == "ACTIVE":
            lines.append(t("idle-journal-error"))
        if self.note:
            lines += wrap(self.note)
        rest = []  # what to do next
        if state != "ACTIVE":
            rest = [t("go-activate" if state == "FACTORY" else "go-continue")]
            rest.append(t("idle-f4-language"))
        elif not lines:
            # the weekly backup reminder (docs/backup.md): never backed up counts as due
            last = (term.store.get("backup") or {"ts": 0})["ts"]
            due = term.clock.time() - last > term.config.get("backup_days", 7) * 86400
            rest = [t("idle-backup-due") if due else "", t("idle-f1-sale"), t("idle-f2-f3")]
        if rows < 8:
            # 4 rows: the time beside the merchant (or, before activation, the state); what
            # to fix takes both lines; else the link state, and below it what to do next,
            # in turn every 2 s when there is more than one thing (the screen redraws on
            # the second's tick)
            active = state == "ACTIVE"
            heading(canvas, merchant if active else t("st-" + state), now[-5:])
            rest = [line for line in rest if line]
            if active:
                lines.append(online)  # after what to fix
            elif not lines:
                lines.append(rest.pop(0))
            if len(lines) < 2 and rest:
                lines.append(rest[term.clock.time() // 2 % len(rest)])
            lines = lines[: rows - 2]
            first = 1
        else:
            canvas.center(0, merchant, invert=True)
            canvas.text(1, now)
            canvas.text(2, t("st-" + state))
            canvas.text(3, online)
            lines = (lines + rest)[:3]
            first = 4
        for i, line in enumerate(lines):
            canvas.text(first + i, line)
        canvas.text(rows - 1, t("menu-hint"))

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
        if key == "F4" and state != "ACTIVE":  # the language, before anything else is set up
            return ("firmware.ui.lang", "Language")
        if key in ("F1", "F2", "F3"):  # selling: only an active terminal with its journal
            if state == "ACTIVE" and term.journal is not None:
                if key == "F3":
                    return ("firmware.ui.reports", "Reports")
                if key == "F2":
                    return ("firmware.ui.gate", "Gate", "refund", ("firmware.ui.manage", "Refund"))
                return ("firmware.ui.gate", "Gate", "sale", ("firmware.ui.sale", "Sale"))
            if state == "ACTIVE":
                self.note = t("idle-journal-error")
            elif state == "DEACTIVATED":
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
