# The simulator board: the real drivers, wired to the simulator harness (tools/sim) over a
# loopback link. Like a real board, the firmware process holds only the MCU side: serial lines
# and the I2C bus carry bytes to device models that live in the harness (printer, card reader,
# scanner, SSD1306). Only the key matrix is here, because pin reads are synchronous.
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
from firmware.boards.sim_link import CutPoints, SimLink
from firmware.events import NET, Event

_HOLD_MS = const(70)  # a finger on a membrane key: long enough to pass the 20 ms debounce
_GAP_MS = const(50)


class LinkPort:
    """The far end of a serial line, across the link: what the MCU transmits goes to the
    harness's device model, tagged with the line's name."""

    def __init__(self, link, name):
        self.link = link
        self.name = name

    def deliver(self, data):
        self.link.send({"t": "tx", "ch": self.name, "d": hexlify(data)})


class LinkI2C:
    """An I2C bus whose writes reach the harness's SSD1306 model byte for byte."""

    def __init__(self, link):
        self.link = link

    def writeto(self, addr, buf, stop=True):
        self.link.send({"t": "i2c", "a": addr, "d": hexlify(buf)})
        return len(buf)


class SimNet:
    def __init__(self, up=True):
        self.up = up

    def is_up(self):
        return self.up


class SimBoard:
    def __init__(self, config, flash, clock, queue):
        self.clock = clock
        self.queue = queue
        self.serial = config.get("serial", "SIM0000001")
        host, port = config.get("link", "127.0.0.1:0").split(":")
        link = self.link = SimLink(host, int(port))
        self.cut = CutPoints(link)
        flash.cut = self.cut

        rows, cols, keymap = PROFILES["terminal"]
        self.matrix = FakeMatrix(rows, cols, keymap)
        self.keypad = KeyMatrix(self.matrix.row_pins, self.matrix.col_pins, keymap)
        self._taps = []
        self._tapped = asyncio.Event()

        self.display = SSD1306(LinkI2C(link))
        self.canvas = Canvas(self.display, on_show=self._on_show)
        self.lines = {}
        self.printer = Printer(self._line("prn", config.get("printer_baud", 19200)), clock)
        self.card = CardReader(self._line("card", 9600))
        self.scanner = Scanner(self._line("scan", 9600))
        self.net = SimNet(config.get("net", True))
        self.battery = config.get("battery")
        link.handlers = {
            "key": self._key,
            "rx": self._rx,
            "net": self._net,
            "cut": lambda m: self.cut.arm(m["point"], m.get("hit", 1)),
            "trace": self._trace,
        }

    def _line(self, name, baud):
        end = SimSerialEnd(baud)
        end.peer = LinkPort(self.link, name)
        self.lines[name] = end
        return end

    def power_status(self):
        return self.battery, self.battery is None

    def _on_show(self, canvas, pages):
        self.link.send({"t": "rows", "rows": canvas.rows})

    def _rx(self, message):
        self.lines[message["ch"]].deliver(unhexlify(message["d"]))

    def _key(self, message):
        self._taps.append(message["k"])
        self._tapped.set()

    def _net(self, message):
        self.net.up = message["up"]
        self.queue.put(Event(NET, self.net.up, self.clock.ticks_ms()))

    def _trace(self, message):
        self.cut.trace = message["on"]

    async def _typist(self):
        # Presses arrive faster than fingers; play them one after another so repeated keys
        # ("type 11") give two real press/release cycles on the matrix.
        while True:
            while not self._taps:
                self._tapped.clear()
                await self._tapped.wait()
            key = self._taps.pop(0)
            self.matrix.press(key)
            await self.clock.sleep_ms(_HOLD_MS)
            self.matrix.release(key)
            await self.clock.sleep_ms(_GAP_MS)

    async def start(self):
        await self.link.connect()
        self.link.send({"t": "ready", "serial": self.serial})

    def tasks(self):
        return (
            self.keypad.run(self.queue, self.clock),
            self.card.run(self.queue, self.clock),
            self.scanner.run(self.queue, self.clock),
            self._typist(),
            self.link.run(),
        )


def build(config, flash, clock, queue):
    return SimBoard(config, flash, clock, queue)
