"""The console simulator behind `make sim`: the 128x64 display drawn with quadrant blocks, a
legend of keys, and the receipt paper below. Laptop keys press terminal keys. When stdin is
not a terminal, each input line is a script command instead (see tools/sim/script.py)."""

import os
import select
import sys
import termios
import threading
import tty

from tools.sim.harness import Sim, SimError
from tools.sim.runner import Runner
from tools.sim.script import ScriptError, parse_line

TEST_PAN = "4761739001010010"
TEST_EXP = "2812"
TEST_BARCODE = "4006381333931"

# bytes from the laptop keyboard → terminal key
KEYMAP = {
    b"\r": "ENTER",
    b"\n": "ENTER",
    b"\x7f": "CLEAR",
    b"\x08": "CLEAR",
    b"\x1b": "CANCEL",
    b"\x1bOP": "F1",
    b"\x1bOQ": "F2",
    b"\x1bOR": "F3",
    b"\x1bOS": "F4",
    b"\x1b[11~": "F1",
    b"\x1b[12~": "F2",
    b"\x1b[13~": "F3",
    b"\x1b[14~": "F4",
    b"\x1b[A": "UP",
    b"\x1b[B": "DOWN",
    b"m": "MENU",
    b"*": "00",
    b".": ".",
}
for _d in "0123456789":
    KEYMAP[_d.encode()] = _d
for _i, _k in enumerate("qwer"):
    KEYMAP[_k.encode()] = "F%d" % (_i + 1)

LEGEND = [
    "Terminal keys",
    "  0-9 .      digits, decimal",
    "  *          00",
    "  Enter      ENTER",
    "  Esc        CANCEL",
    "  Backspace  CLEAR",
    "  F1-F4/qwer F1-F4",
    "  Up/Down    UP/DOWN",
    "  m          MENU",
    "",
    "Devices",
    "  s i t      swipe/insert/tap card",
    "  R          remove card",
    "  b          scan a barcode",
    "  n          network up/down",
    "  p          paper in/out",
    "  o          cover open/closed",
    "  X          power cut + reboot",
    "  Ctrl-C     quit",
]


class Console:
    def __init__(self, sim, runner):
        self.sim = sim
        self.runner = runner
        self.net = True
        self.paper = True
        self.cover_open = False
        self.message = ""
        self._lock = threading.Lock()

    def render(self):
        from tools.sim.screen import frame_to_text

        sim = self.sim
        screen = frame_to_text(bytes(sim.frame))
        out = [
            "\x1b[H\x1b[2J",
            "+" + "-" * 64 + "+" + "  POS terminal simulator (%s)" % sim.runtime,
        ]
        side_text = LEGEND + ["", "Display text"] + ["  |%-16s|" % r for r in sim.rows]
        for i, line in enumerate(screen):
            side = side_text[i] if i < len(side_text) else ""
            out.append("|" + line + "|  " + side)
        out.append("+" + "-" * 64 + "+")
        state = "net %s | paper %s | cover %s" % (
            "up" if self.net else "DOWN",
            "in" if self.paper else "OUT",
            "OPEN" if self.cover_open else "closed",
        )
        out.append(state + ("   " + self.message if self.message else ""))
        out.append("---- paper " + "-" * 54)
        out.extend(sim.paper.text().splitlines()[-14:])
        with self._lock:
            sys.stdout.write("\r\n".join(out) + "\r\n")
            sys.stdout.flush()

    def device_key(self, ch):
        sim = self.sim
        if ch in (b"s", b"i", b"t"):
            method = {b"s": "swipe", b"i": "insert", b"t": "tap"}[ch]
            sim.device(getattr(sim.card, method)(TEST_PAN, TEST_EXP))
            self.message = "%s card ...%s" % (method, TEST_PAN[-4:])
        elif ch == b"R":
            sim.device(sim.card.remove())
        elif ch == b"b":
            sim.device(sim.scanner.scan(TEST_BARCODE))
            self.message = "scanned " + TEST_BARCODE
        elif ch == b"n":
            self.net = not self.net
            sim.send(c="net", up=self.net)
        elif ch == b"p":
            self.paper = not self.paper
            sim.printer.set_paper("ok" if self.paper else "out")
        elif ch == b"o":
            self.cover_open = not self.cover_open
            sim.printer.set_cover(self.cover_open)
        elif ch == b"X":
            sim.power_cut()
            sim.boot()
            self.message = "power cut, rebooted"
        else:
            return False
        return True


def _read_key(fd):
    data = os.read(fd, 1)
    if data == b"\x1b":
        # An escape sequence arrives at once; a lone Esc does not.
        while select.select([fd], [], [], 0.05)[0]:
            data += os.read(fd, 1)
            if data in KEYMAP and data != b"\x1b":
                break
    return data


def _tty_loop(console):
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        console.render()
        while True:
            ch = _read_key(fd)
            if ch in (b"\x03", b""):
                return 0
            try:
                if ch in KEYMAP:
                    console.sim.send(c="key", k=KEYMAP[ch])
                elif not console.device_key(ch):
                    continue
            except SimError as e:
                console.message = str(e).splitlines()[0]
            console.render()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _line_loop(console):
    """stdin is a pipe or file: run each line as a script command, print the screen after."""
    n = 0
    for line in sys.stdin:
        n += 1
        try:
            step = parse_line(line, "stdin:%d" % n)
            if step:
                console.runner.run([step])
        except ScriptError as e:
            print("FAIL %s" % e)
            return 1
        print("\n".join(console.sim.rows))
        print("-" * 16)
    return 0


def interactive(runtime="cpython", flash=None, png_dir=None, host="auto"):
    sim = Sim(runtime, flash)
    runner = Runner(sim, png_dir)
    console = Console(sim, runner)
    tty_mode = sys.stdin.isatty()
    try:
        if tty_mode:
            if host != "off":
                sim.start_host(host)
                console.message = "host %s, db %s" % (sim.host.url, sim.host.db)
            sim.boot()
            sim.on_change = console.render
            return _tty_loop(console)
        return _line_loop(console)  # a piped script boots when it says `boot`
    except SimError as e:
        print("simulator: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        sim.close()
