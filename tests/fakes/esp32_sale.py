# A cashier at the ESP32 board (esp32_run.py's "sale" scenario): from the idle screen of an
# ACTIVE terminal, a cash sale and then a credit card sale approved offline (the Wi-Fi is
# down), each with its receipt printed over the printer's UART, back to the idle screen after
# each. esp32_run.py imports this before it measures the fakes, so its code is counted with
# theirs and added to the heap, not taken from the firmware's share.
import gc
import json
import sys

import machine
from sim_card import encode, track2  # drivers/card/sim.py

CASH = "1250"  # typed in minor units: 12.50
CARD = "2000"
PAN = "4111111111111111"


async def run(io):
    """`io`: the terminal, the fakes and esp32_run.py's helpers, as a dict (term, press,
    until, has, snap, mark, out, printer, card_uart)."""
    from compat import asyncio
    from firmware.ui.text import t

    press = io["press"]
    until = io["until"]
    has = io["has"]
    snap = io["snap"]
    mark = io["mark"]
    out = io["out"]
    printer = io["printer"]
    seen = out["seen"] = {}
    terminal = asyncio.create_task(io["term"].run())
    # t() below answers in the terminal's language once its boot has set it: at its first draw
    await until(lambda: any(io["term"].board.canvas.rows) or terminal.done())

    async def step(name, cond, ms=3000):
        # A step that never comes (the terminal's task died of a MemoryError, say) ends the
        # session there, with what was seen so far, rather than waiting out every later step.
        seen[name] = await until(lambda: cond() or terminal.done(), ms) and not terminal.done()
        if not seen[name]:
            out["rows"] = list(io["term"].board.canvas.rows)  # what the screen showed instead
            print(json.dumps(out))
            sys.exit(1)

    await step("idle", has(t("idle-f1-sale")))
    snap("idle")
    mark("idle")

    async def sale(name, amount, method, card):
        await press("F1")
        await step(name + "_screen", has(t("sale-title")))
        for key in amount:
            await press(key)
        await step(name + "_amount", has(amount[:-2] + "." + amount[-2:]))
        snap(name + "_amount")
        mark(name + "_amount")
        await press("ENTER")
        await step(name + "_method", has(t("sale-pick-cash")))
        await press(method)
        if card:
            picking = has(t("sale-pick-cash"))
            # the prompt's first word: in Chinese the method's name is on the prompt's 2nd page
            paying = has(t("card-prompt")[:3])
            await step(name + "_prompt", lambda: paying() and not picking())
            machine.uarts[io["card_uart"]].inject(encode("S", track2(PAN, "3012")))
        else:
            await step(name + "_tender", has(t("sale-tender-hint")))
            await press("ENTER")  # nothing typed: the exact amount
        jobs = printer.jobs
        copies = 2 if card else 1
        for copy in range(copies):
            hint = t("rcpt-next-hint") if copy + 1 < copies else t("pay-done-hint")
            await step(name + "_printed%d" % copy, has(hint), 8000)
            if not copy:
                snap(name + "_receipt")
                mark(name + "_receipt")
            await press("ENTER")
        seen[name + "_jobs"] = printer.jobs - jobs
        await step(name + "_home", has(t("idle-f1-sale")), 5000)
        snap(name + "_done")
        mark(name + "_done")

    await sale("cash", CASH, "1", False)
    await sale("card", CARD, "2", True)
    gc.collect()  # the report is the harness's: from what the firmware left, not on top of it
    print(json.dumps(out))
    sys.exit(0)
