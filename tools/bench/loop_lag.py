# Event-loop lag under load, run inside either runtime (CPython or micropython):
# a typist presses keys on the fake matrix; the real KeyMatrix scans and debounces them; the
# handler redraws the display through the SSD1306 driver. Meanwhile the printer streams a
# 40-line receipt over a line paced at 19200 baud and a task keeps writing files atomically.
# Prints one JSON line: lag = handler start - the key event's timestamp.
import gc
import json
import sys

from compat import Clock, asyncio, ticks_diff, ticks_ms
from drivers.display.canvas import Canvas
from drivers.display.sim import SSD1306Chip
from drivers.display.ssd1306 import SSD1306
from drivers.keypad.keys import PROFILES
from drivers.keypad.matrix import KeyMatrix
from drivers.keypad.sim import FakeMatrix
from drivers.printer.escpos import Receipt
from drivers.printer.printer import Printer
from drivers.printer.sim import SimPrinter
from drivers.sim_serial import sim_serial_pair
from firmware.events import EventQueue
from firmware.flash import Flash

PRESSES = 60


def receipt():
    r = Receipt()
    for i in range(40):
        r.pair("Item %02d" % i, "%d.%02d" % (i, i))
    r.cut()
    return r.bytes()


async def main(flash_dir):
    clock = Clock()
    queue = EventQueue()
    rows, cols, keymap = PROFILES["terminal"]
    matrix = FakeMatrix(rows, cols, keymap)
    keypad = KeyMatrix(matrix.row_pins, matrix.col_pins, keymap)
    canvas = Canvas(SSD1306(SSD1306Chip()))
    drv, dev = sim_serial_pair(19200)
    sim_printer = SimPrinter(dev, keep=0)
    printer = Printer(drv, clock)
    flash = Flash(flash_dir)
    job = receipt()
    done = []

    async def typist():
        for i in range(PRESSES):
            key = "0123456789"[i % 10]
            matrix.press(key)
            await clock.sleep_ms(40)
            matrix.release(key)
            await clock.sleep_ms(40)
        done.append(True)

    async def printing():
        while not done:
            await printer.print(job)

    async def writer():
        n = 0
        while not done:
            flash.write_atomic("bench.json", b'{"n": %d}' % n)
            n += 1
            await clock.sleep_ms(20)

    lags = []
    asyncio.create_task(keypad.run(queue, clock))
    asyncio.create_task(typist())
    asyncio.create_task(printing())
    asyncio.create_task(writer())
    while len(lags) < PRESSES:
        event = await queue.get()
        lags.append(ticks_diff(ticks_ms(), event.ticks))
        canvas.text(2, "Key %s #%d" % (event.value, len(lags)))
        canvas.show()
    lags.sort()
    gc.collect()
    return {
        "runtime": sys.implementation.name,
        "presses": len(lags),
        "lag_p50_ms": lags[len(lags) // 2],
        "lag_p99_ms": lags[min(len(lags) - 1, (len(lags) * 99) // 100)],
        "lag_max_ms": lags[-1],
        "receipts_cut": sim_printer.cuts,
        "heap_free": gc.mem_free() if hasattr(gc, "mem_free") else None,
    }


print(json.dumps(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pos-bench"))))
