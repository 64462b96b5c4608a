# The Raspberry Pi board (CPython): the same drivers as every board, on Linux buses.
#   keypad   gpiozero pins (lgpio or RPi.GPIO underneath)      drivers/keypad/pi_gpio.py
#   display  our SSD1306 driver over luma.core's I2C (smbus2), or a luma.oled device for
#            other controllers (sh1106, ...)                    drivers/display/pi_luma.py
#   printer, card reader: pyserial ports                        drivers/serial_pyserial.py
#   scanner  USB-HID through python-evdev, or a serial port     drivers/scanner/pi_evdev.py
# The wiring defaults live in pi_pins.json beside this file; config.json on the flash overrides
# any key of it. Each library is imported only when a device needs it, and a missing one stops
# the boot with an error naming the package to install.
import json
import os

from compat import asyncio
from drivers.card.reader import CardReader
from drivers.display.canvas import Canvas
from drivers.keypad.matrix import KeyMatrix
from drivers.printer.printer import Printer
from drivers.scanner.scanner import Scanner
from firmware.events import NET, Event

NET_POLL_S = 2


def wiring(config, board="pi"):
    """The board's pin map (<board>_pins.json here), with config's keys on top."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), board + "_pins.json")
    with open(path) as f:
        pins = json.load(f)
    for key in pins:
        if key in config:
            pins[key] = config[key]
    return pins


def keypad_profile(name):
    if name == "terminal":
        from drivers.keypad.keys import PROFILES

        return PROFILES["terminal"]
    __import__("drivers.keypad." + name)
    import sys

    return sys.modules["drivers.keypad." + name].PROFILE


def open_display(pins):
    """(device for the Canvas) from pins: display, i2c_port, display_addr."""
    kind = pins["display"]
    port = pins["i2c_port"]
    addr = pins["display_addr"]
    from drivers.display.pi_luma import LumaDevice, LumaI2C, require_luma

    require_luma("display")
    if kind == "ssd1306":
        from drivers.display.ssd1306 import SSD1306

        return SSD1306(LumaI2C(port), addr)
    if kind == "dummy":  # no panel: luma keeps the image (a bench, a headless test rig)
        from luma.core.device import dummy

        return LumaDevice(dummy(width=128, height=64, mode="1"))
    from luma.core.interface.serial import i2c
    from luma.oled import device as oled

    if not hasattr(oled, kind):
        raise ValueError("display %r: not a luma.oled device" % kind)
    return LumaDevice(getattr(oled, kind)(i2c(port=port, address=addr), width=128, height=64))


def open_line(url, baud):
    from drivers.serial_pyserial import SerialTransport, open_port

    return SerialTransport(open_port(url, baud), baud)


def open_scanner(pins):
    """A Scanner, or None when config says there is none ("none" or "")."""
    spec = pins["scanner"] or "none"
    if spec == "none":
        return None
    if spec == "hid" or spec.startswith("hid:"):
        from drivers.scanner.pi_evdev import HidLine

        return Scanner(HidLine(spec[4:] or None))
    return Scanner(open_line(spec, pins["scanner_baud"]))


def read_serial_number():
    """The SoC's serial number (what `cat /proc/cpuinfo` shows), or None off a Pi."""
    try:
        with open("/sys/firmware/devicetree/base/serial-number", "rb") as f:
            return f.read().strip(b"\0\n").decode().upper()
    except OSError:
        return None


def default_route(table="/proc/net/route"):
    """True when the kernel's routing table has a default route: a link that leads somewhere."""
    try:
        with open(table) as f:
            next(f)
            return any(line.split()[1] == "00000000" for line in f if line.strip())
    except (OSError, StopIteration, IndexError):
        return False


class PiBoard:
    # journal segments for an SD card under ext4: zero-filled ahead, so an append overwrites
    # allocated blocks and its fdatasync writes no metadata (tools/bench_journal.py)
    journal_layout = {"segment_bytes": 262144, "checkpoint_every": 1024, "preallocate": True}

    def __init__(self, config, flash, clock, queue):
        self.clock = clock
        self.queue = queue
        pins = self.pins = wiring(config)
        self.serial = config.get("serial") or "RPI" + (read_serial_number() or "0000000000")

        rows, cols, keymap = keypad_profile(pins["keypad"])
        if len(pins["rows"]) != rows or len(pins["cols"]) != cols:
            raise ValueError(
                "keypad %s is %dx%d but %d row and %d column pins are wired"
                % (pins["keypad"], rows, cols, len(pins["rows"]), len(pins["cols"]))
            )
        from drivers.keypad.pi_gpio import matrix_pins

        row_pins, col_pins = matrix_pins(pins["rows"], pins["cols"])
        self.keypad = KeyMatrix(row_pins, col_pins, keymap)
        self.display = open_display(pins)
        self.canvas = Canvas(self.display)
        self.printer = Printer(open_line(pins["printer"], pins["printer_baud"]), clock)
        self.card = CardReader(open_line(pins["card"], pins["card_baud"]))
        self.scanner = open_scanner(pins)
        self.net = self
        self.route_table = "/proc/net/route"
        self.up = self.is_up()

    def is_up(self):
        return default_route(self.route_table)

    def power_status(self):
        """(battery percent or None, on mains) from the kernel's power supply class, where a
        UPS HAT registers one; a Pi on its mains adapter has none."""
        base = "/sys/class/power_supply"
        percent = None
        mains = True
        try:
            names = os.listdir(base)
        except OSError:
            return None, True
        for name in names:
            try:
                with open(os.path.join(base, name, "type")) as f:
                    kind = f.read().strip()
                if kind == "Battery":
                    with open(os.path.join(base, name, "capacity")) as f:
                        percent = int(f.read())
                elif kind == "Mains":
                    with open(os.path.join(base, name, "online")) as f:
                        mains = f.read().strip() == "1"
            except (OSError, ValueError):
                continue
        return percent, mains

    async def _watch_net(self):
        while True:
            await asyncio.sleep(NET_POLL_S)
            up = self.is_up()
            if up != self.up:
                self.up = up
                self.queue.put(Event(NET, up, self.clock.ticks_ms()))

    def tasks(self):
        tasks = [
            self.keypad.run(self.queue, self.clock),
            self.card.run(self.queue, self.clock),
            self._watch_net(),
        ]
        if self.scanner is not None:
            tasks.append(self.scanner.run(self.queue, self.clock))
        return tasks


def build(config, flash, clock, queue):
    return PiBoard(config, flash, clock, queue)
