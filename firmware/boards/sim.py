# The simulator board: the real drivers, wired to the simulator harness (tools/sim) over a
# loopback link of JSON lines. Like a real board, the firmware process holds only the MCU
# side: serial lines and the I2C bus carry bytes to device models that live in the harness
# (printer, card reader, scanner, SSD1306). Only the key matrix is here, because pin reads
# are synchronous. docs/architecture.md lists the link messages.
import json
import sys

from compat import asyncio, const, hexlify, unhexlify
from drivers.card.reader import CardReader
from drivers.display.canvas import Canvas
from drivers.display.ssd1306 import SSD1306
from drivers.keypad.keys import PROFILES
from drivers.keypad.matrix import KeyMatrix
from drivers.keypad.sim import FakeMatrix
from drivers.printer.printer import Printer
from drivers.scanner.scanner import Scanner
from drivers.sim_serial import SimSerialEnd
from firmware.events import NET, Event

_HOLD_MS = const(70)  # a finger on a membrane key: long enough to pass the 20 ms debounce
_GAP_MS = const(50)


class _Wire:
    """What leaves the MCU on one wire, sent to the harness: a serial line's far end
    (deliver) or the I2C bus (writeto)."""

    def __init__(self, board, name):
        self.board = board
        self.name = name

    def deliver(self, data):
        self.board.send({"t": "tx", "ch": self.name, "d": hexlify(data)})

    def writeto(self, addr, buf, stop=True):
        self.board.send({"t": "i2c", "a": addr, "d": hexlify(buf)})
        return len(buf)


class SimBoard:
    def __init__(self, config, flash, clock, queue):
        self.clock = clock
        self.queue = queue
        self.serial = config.get("serial", "SIM0000001")
        self.link = config.get("link", "127.0.0.1:0")
        self._writer = None
        self._pending = asyncio.Event()
        self._taps = []
        self._tapped = asyncio.Event()
        self.armed = None  # write point where the power is to be cut, and after how many hits
        self.hits = 0
        self.trace = False
        flash.cut = self._cut

        rows, cols, keymap = PROFILES["terminal"]
        self.matrix = FakeMatrix(rows, cols, keymap)
        self.keypad = KeyMatrix(self.matrix.row_pins, self.matrix.col_pins, keymap)
        self.display = SSD1306(_Wire(self, "i2c"))
        self.canvas = Canvas(self.display, on_show=self._on_show)
        self.lines = {}
        self.printer = Printer(self._line("prn", config.get("printer_baud", 19200)), clock)
        self.card = CardReader(self._line("card", 9600))
        self.scanner = Scanner(self._line("scan", 9600))
        self.net = self  # the harness says whether the host is reachable
        self.up = config.get("net", True)
        self.battery = config.get("battery")

    def _line(self, name, baud):
        end = SimSerialEnd(baud)
        end.peer = _Wire(self, name)
        self.lines[name] = end
        return end

    def is_up(self):
        return self.up

    def power_status(self):
        return self.battery, self.battery is None

    def send(self, message):
        if self._writer is not None:
            self._writer.write(json.dumps(message).encode() + b"\n")
            self._pending.set()

    def state(self, name):
        # The activation state, for the harness's `expect-state`.
        self.send({"t": "state", "name": name})

    def _on_show(self, canvas, pages):
        # ms: when it was drawn, against the "pressed" ms, for the key-to-screen bench
        self.send({"t": "rows", "rows": canvas.rows, "ms": self.clock.ticks_ms()})

    def _cut(self, name):
        # Freeze at an armed write point so the harness can kill the process exactly there:
        # from then on nothing runs, as when the power is pulled.
        if self.trace:
            self.send({"t": "point", "name": name})
        if name != self.armed:
            return
        self.hits -= 1
        if self.hits > 0:
            return
        sys.stdout.write("CUT %s\n" % name)
        if hasattr(sys.stdout, "flush"):
            sys.stdout.flush()
        sys.stdin.read(1)  # blocks until the harness kills us; it never writes to stdin
        sys.exit(3)

    def _command(self, m):
        c = m["c"]
        if c == "key":
            self._taps.append(m["k"])
            self._tapped.set()
        elif c == "rx":
            self.lines[m["ch"]].deliver(unhexlify(m["d"]))
        elif c == "net":
            self.up = m["up"]
            self.queue.put(Event(NET, self.up, self.clock.ticks_ms()))
        elif c == "cut":
            self.armed = m["point"]
            self.hits = m.get("hit", 1)
        elif c == "trace":
            self.trace = m["on"]
        else:
            self.send({"t": "error", "msg": "unknown command " + c})

    async def _serve(self, reader):
        while True:
            line = await reader.readline()
            if not line:
                sys.exit(0)  # the harness went away: nothing left to simulate
            try:
                self._command(json.loads(line))
            except (ValueError, KeyError) as e:
                self.send({"t": "error", "msg": "bad command %r: %s" % (line, e)})

    async def _drain(self):
        while True:
            await self._pending.wait()
            self._pending.clear()
            await self._writer.drain()

    async def _typist(self):
        # Presses arrive faster than fingers; play them one after another so repeated keys
        # ("type 11") give two real press/release cycles on the matrix.
        while True:
            while not self._taps:
                self._tapped.clear()
                await self._tapped.wait()
            key = self._taps.pop(0)
            self.matrix.press(key)
            # when the finger went down (not which key: PIN digits stay off the link)
            self.send({"t": "pressed", "ms": self.clock.ticks_ms()})
            await self.clock.sleep_ms(_HOLD_MS)
            self.matrix.release(key)
            await self.clock.sleep_ms(_GAP_MS)

    async def start(self):
        host, port = self.link.split(":")
        self._reader, self._writer = await asyncio.open_connection(host, int(port))
        self.send({"t": "ready", "serial": self.serial})

    def tasks(self):
        return (
            self.keypad.run(self.queue, self.clock),
            self.card.run(self.queue, self.clock),
            self.scanner.run(self.queue, self.clock),
            self._typist(),
            self._serve(self._reader),
            self._drain(),
        )


def build(config, flash, clock, queue):
    return SimBoard(config, flash, clock, queue)
