# The first boots of an update (docs/update.md), started by main.py beside the Terminal: a
# version on trial is kept once the idle screen has shown, and a version main.py has just
# rolled back goes on the error log. Loaded only on those boots.
from compat import asyncio, sleep_ms


async def run(term, trial, failed):
    asyncio.create_task(_settle(term, trial, failed))
    await term.run()


async def _settle(term, trial, failed):
    if failed:
        from firmware.maint import errlog

        errlog.record(term, "update %s did not start: rolled back" % failed)
    # The first screen the Terminal enters is home(), the idle screen, so any current screen
    # means it got there: a poll cannot miss it, however fast the technician moves on.
    while trial:
        if term.screen is not None:
            term.store.put("fw", dict(term.store.get("fw") or {}, trial=False))
            return
        await sleep_ms(50)
