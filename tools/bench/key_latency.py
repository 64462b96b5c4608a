"""Keypress to screen during a sale (issue 6), on either runtime: a simulator session (the
firmware in its own process, CPython or MicroPython from the .mpy build at SIM_HEAP), ACTIVE
with a host that approves, a debit sale rung up: 20 keys of amount entry, the card swiped, 20
keys of PIN entry, the sale authorised and printed.

Each key is pressed alone (PACE_S apart: the sim board's typist holds a key _HOLD_MS and waits
_GAP_MS, and a key sent sooner would queue behind it) and timed two ways, with nothing
subtracted:
- key_to_screen: the harness's clock, from sending the key on the link to the first display
  rows that differ, as a screen user's eye would see it;
- firmware: the firmware's own ticks, from the typist closing the switch on the key matrix
  ("pressed") to the show that drew the change ("rows" ms), so without the link.
Both include the key matrix's debounce: a press is only a press once the switch has read
closed for debounce_ms, on a scan every period_ms, so no keypad answers sooner than that
floor (reported apart, as "floor")."""

import time

from compat import ticks_diff
from tools.sim.harness import Sim, SimError

NOTICEABLE_MS = 50  # a cashier starts to notice a key that lags this much
PACE_S = 0.25  # between two key presses: longer than the typist's hold + gap
WAIT_S = 10  # for one key's screen change; an overlay loading on MicroPython takes ~1 s
AMOUNT_KEYS = "1 2 3 4 CLEAR CLEAR CLEAR CLEAR " * 2 + "1 2 5 0"  # 12.50 at the end
PIN_KEYS = "1 2 3 4 5 6 7 8 " + "CLEAR " * 8 + "4 3 2 1"
DEBIT = ("5555555555554444", "3012")


class _TimedSim(Sim):
    """The harness, noting when each "rows" and "pressed" message arrived (its clock) with
    the firmware ticks it carries."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeline = []  # (arrival s, kind, firmware ms, rows)

    def _handle(self, msg):
        kind = msg.get("t")
        if kind in ("rows", "pressed"):
            self.timeline.append((time.monotonic(), kind, msg.get("ms"), msg.get("rows")))
        super()._handle(msg)


def _key(sim, key):
    """Press `key` and wait for the screen to change: (harness ms, firmware ms)."""
    start = len(sim.timeline)
    before = list(sim.rows)
    sent = time.monotonic()
    sim.send(c="key", k=key)

    def shown():
        pressed = None
        for event in sim.timeline[start:]:
            if event[1] == "pressed":
                pressed = pressed or event
            elif pressed and event[3] != before:
                return pressed, event
        return None

    if not sim.wait_for(lambda: shown() is not None, WAIT_S):
        raise SimError("key %s did not change the screen %r:\n%s" % (key, sim.rows, sim.tail()))
    pressed, rows = shown()
    time.sleep(max(0.0, PACE_S - (time.monotonic() - sent)))
    return (rows[0] - sent) * 1000, ticks_diff(rows[2], pressed[2])


def _expect(sim, text, timeout_s=WAIT_S):
    if not sim.wait_for(lambda: sim.on_screen(text), timeout_s):
        raise SimError("no %r on screen: %r\n%s" % (text, sim.rows, sim.tail()))


def _step(sim, key, text):
    # A key that is not timed (it loads a screen), then time for the typist to let it go, so
    # that the next, timed key does not wait behind it.
    sim.send(c="key", k=key)
    _expect(sim, text)
    time.sleep(PACE_S)


def _stats(values):
    values = sorted(values)
    n = len(values)
    p50 = values[n // 2]
    p99 = values[min(n - 1, (n * 99) // 100)]
    return {
        "min_ms": round(values[0], 1),
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(values[-1], 1),
        "p50_vs_noticeable": round(p50 / NOTICEABLE_MS, 3),
        "p99_vs_noticeable": round(p99 / NOTICEABLE_MS, 3),
    }


def floor():
    """What the keypad itself takes before any firmware can know of a press, and the
    typist's pace (which bounds how fast keys come, not how late they are seen)."""
    from drivers.keypad.matrix import KeyMatrix
    from firmware.boards import sim

    debounce = KeyMatrix.__init__.__defaults__[0]
    period = KeyMatrix.run.__defaults__[0]
    return {
        "debounce_ms": debounce,
        "scan_period_ms": period,
        "min_ms": debounce,
        "max_ms": debounce + period,
        "typist_hold_ms": sim._HOLD_MS,
        "typist_gap_ms": sim._GAP_MS,
    }


def key_to_screen(runtime):
    """The figures for one runtime ("cpython" or "micropython"): key_to_screen and firmware
    p50/p99/max in ms and as ratios to NOTICEABLE_MS, over all keys and per field."""
    sim = _TimedSim(runtime)
    try:
        sim.start_host("auto")
        sim.provision()
        sim.boot()
        _expect(sim, "F1 Sale")
        _step(sim, "F1", "SALE")
        amount = [_key(sim, k) for k in AMOUNT_KEYS.split()]
        _expect(sim, "Total 12.50")
        _step(sim, "ENTER", "1 Cash")
        _step(sim, "3", "tap a card")
        sim.device(sim.card.swipe(*DEBIT))
        _expect(sim, "Customer PIN:")
        pin = [_key(sim, k) for k in PIN_KEYS.split()]
        sim.send(c="key", k="ENTER")
        completed = sim.wait_for(lambda: sim.on_screen("ENTER: next copy"), 20)
    finally:
        sim.close()
    keys = amount + pin
    return {
        "runtime": runtime,
        "keys": len(keys),
        "key_to_screen": _stats([h for h, _ in keys]),
        "firmware": _stats([f for _, f in keys]),
        "amount_entry": _stats([h for h, _ in amount]),
        "pin_entry": _stats([h for h, _ in pin]),
        "floor": floor(),
        "sale_approved": completed,
    }


if __name__ == "__main__":
    import json
    import sys

    for rt in sys.argv[1:] or ("cpython", "micropython"):
        print(json.dumps(key_to_screen(rt), indent=2))
