# The ESP32 board (MicroPython): the same drivers as every board, on the chip's own buses.
#   keypad   machine.Pin: rows open-drain (a released row floats, so two keys held in one
#            column never short a high row to a low one), columns pulled up
#   display  machine.I2C + our SSD1306 driver
#   printer, card reader (and a scanner, given a free UART): machine.UART through
#            drivers/serial_uart.py
#   network  network.WLAN station; net.is_up() is wlan.isconnected()
# The pin map is <pins>_pins.json beside this module (pins defaults to the board's name,
# "esp32"); any of its keys in config.json overrides it.
# Wi-Fi: config.json "wifi": {"ssid": ..., "password": ...}.
import json

from machine import I2C, UART, Pin, unique_id

from compat import const, hexlify, ticks_diff
from drivers.card.reader import CardReader
from drivers.display.canvas import Canvas
from drivers.display.ssd1306 import SSD1306
from drivers.keypad.matrix import KeyMatrix
from drivers.printer.printer import Printer
from drivers.scanner.scanner import Scanner
from drivers.serial_uart import UartTransport
from firmware.events import NET, Event

_NET_POLL_MS = const(1000)
_RETRY_MS = const(15000)  # between connect attempts while the Wi-Fi is down
_EMPTY_UV = const(3300000)  # Li-ion cell at 0 % and 100 %, in microvolts
_FULL_UV = const(4200000)


class Esp32Board:
    def __init__(self, config, flash, clock, queue):
        self.clock = clock
        self.queue = queue
        name = config.get("pins", config.get("board", "esp32"))
        with open(__file__.rpartition("/")[0] + "/" + name + "_pins.json") as f:
            pins = json.load(f)
        for key in pins:
            if key in config:
                pins[key] = config[key]

        kind = pins["keypad"]
        if kind == "terminal":
            from drivers.keypad.keys import PROFILES

            rows, cols, keymap = PROFILES[kind]
        else:
            import sys

            from firmware.overlay import unload

            module = "drivers.keypad." + kind
            __import__(module)
            rows, cols, keymap = sys.modules[module].PROFILE
            unload(module)  # the keymap lives on in the KeyMatrix; the module need not
        if len(pins["rows"]) != rows or len(pins["cols"]) != cols:
            raise ValueError(
                "keypad %s is %dx%d: wire that many rows and columns" % (kind, rows, cols)
            )
        self.keypad = KeyMatrix(
            [Pin(n, Pin.OPEN_DRAIN, value=1) for n in pins["rows"]],
            [Pin(n, Pin.IN, Pin.PULL_UP) for n in pins["cols"]],
            keymap,
        )
        i2c = I2C(pins["i2c"], scl=Pin(pins["scl"]), sda=Pin(pins["sda"]), freq=pins["i2c_freq"])
        self.display = SSD1306(i2c, pins["display_addr"])
        self.canvas = Canvas(self.display)

        lines = []
        for dev in ("printer", "card", "scanner"):
            uart = pins[dev + "_uart"]
            baud = pins[dev + "_baud"]
            if uart is None:
                lines.append(None)
                continue
            uart = UART(uart, baudrate=baud, tx=pins[dev + "_tx"], rx=pins[dev + "_rx"], timeout=0)
            lines.append(UartTransport(uart, baud))
        self.printer = Printer(lines[0], clock)
        self.card = CardReader(lines[1])
        self.scanner = Scanner(lines[2]) if lines[2] else None

        self.serial = config.get("serial") or "ESP" + hexlify(unique_id()).upper()
        import network

        self.wlan = network.WLAN(network.STA_IF)
        self.wifi = config.get("wifi") or {}
        self.net = self

        # The SD card (config "sd": {"slot": 2, "mount": "/sd"}) is where backups go
        # (config "backup_dir"). Without a card the terminal still runs: the backup screen
        # says the media is missing (sd_error keeps why).
        self.sd_error = None
        sd = config.get("sd")
        if sd:
            import os

            from machine import SDCard

            try:
                os.mount(SDCard(slot=sd.get("slot", 2)), sd.get("mount", "/sd"))
            except OSError as e:
                self.sd_error = e

        self.adc = self.mains = None
        if pins["battery_adc"] is not None:
            from machine import ADC

            self.adc = ADC(Pin(pins["battery_adc"]), atten=ADC.ATTN_11DB)
            self.divider = pins["battery_divider"]
        if pins["mains_pin"] is not None:
            self.mains = Pin(pins["mains_pin"], Pin.IN)

    def is_up(self):
        return self.wlan.isconnected()

    def power_status(self):
        """(battery percent or None, on mains): the cell through a divider on an ADC pin, the
        adapter on a sense pin that reads high while it feeds the board."""
        percent = None
        if self.adc is not None:
            uv = self.adc.read_uv() * self.divider
            percent = max(0, min(100, (uv - _EMPTY_UV) * 100 // (_FULL_UV - _EMPTY_UV)))
        if self.mains is not None:
            return percent, self.mains.value() == 1
        return percent, percent is None

    async def _watch_net(self):
        # Connects, reports each change of the link as a NET event, and reconnects.
        wlan = self.wlan
        wlan.active(True)
        up = False
        tried = None
        while True:
            now = self.clock.ticks_ms()
            if wlan.isconnected() != up:
                up = not up
                self.queue.put(Event(NET, up, now))
            ssid = self.wifi.get("ssid")
            if not up and ssid and (tried is None or ticks_diff(now, tried) >= _RETRY_MS):
                tried = now
                try:
                    wlan.connect(ssid, self.wifi.get("password", ""))
                except OSError:
                    pass  # the radio is busy with an attempt of its own: retry later
            await self.clock.sleep_ms(_NET_POLL_MS)

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
    return Esp32Board(config, flash, clock, queue)
