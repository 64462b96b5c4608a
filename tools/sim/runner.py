"""Executes a parsed script against a Sim and reports the first failing line."""

import json
import os
import time

from tools.sim.harness import Sim, SimError
from tools.sim.script import ScriptError, parse

EXPECT_TIMEOUT_S = 2.0
# The real MicroPython binary is slower to start and to draw than CPython on this machine;
# a cashier-visible deadline still applies, just measured from a slower start.
RUNTIME_SLACK = {"cpython": 1.0, "micropython": 2.0}

PAPER = {"in": "ok", "out": "out", "low": "near-end"}


class Runner:
    def __init__(self, sim, png_dir=None):
        self.sim = sim
        self.png_dir = png_dir
        self.timeout = EXPECT_TIMEOUT_S * RUNTIME_SLACK.get(sim.runtime, 1.0)

    def run(self, steps):
        for step in steps:
            try:
                self.do(step)
            except SimError as e:
                raise ScriptError(step.where, "%s\n  %s" % (step.text, e))

    def _expect(self, step, ok, what, seconds=None):
        # SECONDS: for what takes longer than a cashier-visible step (an update's download)
        if not self.sim.wait_for(ok, max(self.timeout, float(seconds or 0))):
            raise ScriptError(step.where, "%s\n  %s" % (step.text, what()))

    def do(self, step):
        sim, name, args = self.sim, step.name, step.args
        if name == "boot":
            sim.boot_fails() if args else sim.boot()
        elif name == "power-cut":
            sim.power_cut()
        elif name == "cut-at":
            sim.arm_cut(args[0], int(args[1]) if len(args) > 1 else 1)
        elif name == "wait":
            time.sleep(int(args[0]) / 1000)
        elif name == "press":
            from drivers.keypad.keys import KEYS

            if args[0] not in KEYS:
                raise ScriptError(step.where, "no key %r; keys: %s" % (args[0], " ".join(KEYS)))
            sim.send(c="key", k=args[0])
        elif name == "type":
            for digit in args[0]:
                sim.send(c="key", k=digit)
        elif name in ("swipe", "insert", "tap"):
            sim.device(getattr(sim.card, name)(args[0], args[1]))
        elif name == "remove":
            sim.device(sim.card.remove())
        elif name == "scan":
            sim.device(sim.scanner.scan(args[0]))
        elif name == "net":
            sim.send(c="net", up=args[0] == "up")
        elif name == "paper":
            sim.printer.set_paper(PAPER[args[0]])
        elif name == "cover":
            sim.printer.set_cover(args[0] == "open")
        elif name == "printer" and args[0] in ("hot", "cool"):
            sim.printer.set_overheated(args[0] == "hot")
        elif name == "printer":
            sim.printer.set_connected(args[0] == "plugged")
        elif name == "expect-screen":
            self._expect(
                step,
                lambda: sim.on_screen(args[0]),
                lambda: "screen shows: %r\n%s" % (sim.rows, sim.tail(8)),
                args[1] if len(args) > 1 else None,
            )
        elif name == "expect-no-screen":
            self._expect(
                step,
                lambda: not sim.on_screen(args[0]),
                lambda: "screen still shows: %r" % sim.rows,
            )
        elif name == "expect-receipt":
            self._expect(
                step,
                lambda: sim.on_paper(args[0]),
                lambda: "paper since boot:\n%s" % sim.paper.text(),
            )
        elif name == "expect-no-receipt":
            time.sleep(0.2)
            if sim.on_paper(args[0]):
                raise ScriptError(step.where, "%s\n  paper: %s" % (step.text, sim.paper.text()))
        elif name == "expect-state":
            self._expect(
                step,
                lambda: sim.state == args[0],
                lambda: "state is %r" % sim.state,
            )
        elif name == "screenshot":
            self.screenshot(*args)
        elif name == "type-code":
            if not sim.code:
                raise ScriptError(step.where, "no code issued yet (host issue-code ...)")
            for digit in sim.code:
                sim.send(c="key", k=digit)
        elif name == "host":
            self.host(args[0], args[1:])
        elif name == "update-package":
            sim.update_package(*args)
        elif name == "item":
            sim.add_item(args[0], args[1], int(args[2]))
        elif name == "wipe-flash":
            sim.wipe_flash()
        elif name == "corrupt-file":
            sim.corrupt_file(args[0], int(args[1]))
        elif name == "config":
            try:
                value = json.loads(args[1])
            except ValueError:
                value = args[1]  # a bare word is a string
            sim.set_config(args[0], value)

    def host(self, sub, args):
        sim = self.sim
        if sub == "start":
            sim.start_host(args[0] if args else "manual")
        elif sub == "stop":
            sim.stop_host()
        elif sub in ("issue-code", "web-code"):
            sim.issue_code(args[0], args[1], "cli" if sub == "issue-code" else "web")
        elif sub == "approve":
            sim.host_cli("approve", sim.terminal_id())
        elif sub == "reject":
            sim.host_cli("reject", sim.terminal_id(), "--reason", args[0])
        elif sub == "replay":
            sim.replay()
        elif sub == "drop-reply":
            if not sim.proxy:
                raise SimError("no host: `host start` first")
            sim.proxy.drop_replies(int(args[0]) if args else 1)
        elif sub == "activated":
            sim.provision(*args)
        elif sub == "expect":  # rows the host holds for this terminal, once sync is done
            want = int(args[1])
            if not sim.wait_for(lambda: sim.host_rows(args[0]) == want, self.timeout * 5):
                raise SimError(
                    "host %s: %d rows, not %d" % (args[0], sim.host_rows(args[0]), want)
                )
        elif sub == "revoke":
            sim.host_cli("revoke", sim.terminal_id(), *(["--reason", args[0]] if args else []))

    def screenshot(self, name, which=None):
        """NAME-screen.png (the display) and NAME-receipt.png (the paper since boot) into the
        png dir; `which` ("screen" or "receipt"): only that one."""
        if not self.png_dir:
            return
        from tools.sim.screen import frame_to_png

        os.makedirs(self.png_dir, exist_ok=True)
        if which != "receipt":
            path = os.path.join(self.png_dir, name + "-screen.png")
            frame_to_png(bytes(self.sim.frame), path)
        if which != "screen":
            self.sim.paper.save_png(os.path.join(self.png_dir, name + "-receipt.png"))


def run_file(path, runtime="cpython", flash=None, png_dir=None):
    """Run one .sim file; raises ScriptError naming the failing line."""
    with open(path, encoding="utf-8") as f:
        steps = parse(f.read(), os.path.basename(path))
    sim = Sim(runtime, flash)
    try:
        Runner(sim, png_dir).run(steps)
    finally:
        sim.close()
