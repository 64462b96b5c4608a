# Time to print a typical card sale receipt, inside either runtime (CPython in-process from
# tools.bench, or `micropython receipt_print.py FLASH_DIR`): the customer copy (~25 lines and
# the e-invoice QR) built by firmware.pos.receipt, sent by the Printer driver (its status
# checks included) over a SimSerialEnd line paced at 19200 baud to the SimPrinter model,
# against the line's own limit of 10 bits a byte. The Printer's wait for the mechanism
# (line_ms a line) is set to 0: this measures the firmware and the wire, not the print head.
import json
import sys

from compat import Clock, asyncio, ticks_diff, ticks_ms
from drivers.printer.printer import Printer
from drivers.printer.sim import SimPrinter
from drivers.sim_serial import sim_serial_pair
from firmware.pos.receipt import receipt_chunks

BAUD = 19200
RUNS = 3
ITEMS = (
    b"1001,Flat white,350\n1002,Croissant,280\n1003,Orange juice,390\n1004,Muffin,310\n"
    b"1005,Paper bag,40\n1006,Cookie,150\n"
)


class _Term:
    # what the receipt builder reads of the Terminal
    def __init__(self, root):
        self.root = root
        self.flash = self
        self.config = {"merchant": "CORNER CAFE", "address": ["12 Market Street", "Springfield"]}
        self.clock = Clock()
        self.store = self
        self.activation = {"terminal": "00012345", "tid": 17, "secret": "ab" * 32}

    def path(self, name):
        return self.root + "/" + name

    def get(self, key, default=None):
        return self.activation if key == "activation" else default


SALE = {"t": "A", "id": 1042, "ts": 1764100000, "amt": 2480, "m": "credit", "em": "tap",
        "k": "9f3a61c2-1042", "cur": "EUR", "l4": "1486", "auth": "A1B2C3", "off": 0,
        "it": [["1001", 2, 350], ["1002", 1, 280], ["1003", 1, 390], ["1004", 2, 310],
               ["1005", 1, 40], ["1006", 3, 150]],
        "mb": "M-778", "pe": "00" * 65}  # fmt: skip


async def run(flash_dir):
    import os

    try:
        os.mkdir(flash_dir)
    except OSError:
        pass
    term = _Term(flash_dir)
    with open(term.path("items.csv"), "wb") as f:
        f.write(ITEMS)
    drv, dev = sim_serial_pair(BAUD)
    got = [0]

    def sink(data):
        got[0] += len(data)

    sim = SimPrinter(dev, sink, keep=0)
    printer = Printer(drv, term.clock)
    printer.line_ms = 0
    times = []
    for _ in range(RUNS):
        start = ticks_ms()
        # Printer.print takes one job: the chunks are joined, as a printing screen does today
        job = b"".join(receipt_chunks(SALE, term, "customer"))
        await printer.print(job)
        times.append(ticks_diff(ticks_ms(), start))
    times.sort()
    ms = times[len(times) // 2]
    limit = len(job) * 10000 / BAUD
    if got[0] != RUNS * len(job) or sim.cuts != RUNS:
        raise RuntimeError("the printer did not get every receipt: %r" % ((got[0], sim.cuts),))
    return {
        "runtime": sys.implementation.name,
        "ms": ms,
        "bytes": len(job),
        "text_lines": job.count(b"\n"),  # besides the QR and the feed before the cut
        "line_limit_ms": round(limit, 1),
        "ratio": round(ms / limit, 3),
        "target_ratio": 1.2,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pos-bench-rp"))))
