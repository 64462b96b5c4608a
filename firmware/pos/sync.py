# Store-and-forward: the journal's records the host has not acknowledged go to /v1/batch,
# oldest first, until none is left. A record leaves the queue only when a verified reply gives
# it a result (every result is final, docs/host.md); anything less (no reply, a reply that does
# not verify, a signed error) changes nothing, and the same records go again later with the
# same keys, which the host dedupes. Resident (term.sync): the loop, the backoff and the
# state; the pass itself (firmware/pos/forward.py) and what it uses (firmware.net, history,
# cardcrypt) are imported for a pass and dropped after it.
#
# Unload rule: a module this pass imported leaves sys.modules when the pass ends, unless it was
# loaded before the pass began (someone else holds it) or a screen loaded now uses it: one
# that lists it in USES, or, for firmware.net, the sale screen (firmware.ui.pay) whatever it
# lists. Dropping a module a screen still holds would load a second copy on the next import
# (for firmware.net, with another NetError class than the screen catches).
import gc
import os
import sys

from compat import asyncio, ticks_add
from firmware.overlay import unload


class Sync:
    """Sync(term, call=None): the forwarder task (`await run()`), started with the board's.
    `call` stands in for firmware.net.call (tests, the bench). wake(): forward now.
    state: "idle" | "sending" | "waiting" (backing off) | "off" (not ACTIVE, network down,
    no journal); last_error: a catalogue key after "err-" (NetError reason, the host's error,
    "host-refused", "card-unreadable", "sync-failed") or None;
    next_ms: ticks of the next try while waiting, else None; sent: records the host has
    acknowledged since boot; unreadable: of them, sent without a card that would not decrypt.
    Config: sync_check_s (30), sync_base_ms (2000), sync_cap_ms (300000), sync_batch (50),
    sync_bytes (12000, see forward.make_batch), currency (EUR, for records without one)."""

    def __init__(self, term, call=None):
        self.term = term
        self.call = call
        self.state = "idle"
        self.last_error = None
        self.next_ms = None
        self.sent = 0
        self.unreadable = 0
        self.fails = 0  # failed passes in a row: the backoff's exponent
        self.shrink = 0  # after a MemoryError, batches take 1/2^shrink of the room
        self._wake = asyncio.Event()

    def wake(self):
        self._wake.set()

    async def run(self):
        ev = self._wake
        while True:
            ms = await self.once()
            if not ev.is_set():
                alarm = asyncio.create_task(self._alarm(ms))
                try:
                    await ev.wait()
                finally:
                    alarm.cancel()
            ev.clear()

    async def _alarm(self, ms):
        await self.term.clock.sleep_ms(ms)
        self._wake.set()

    async def once(self):
        """One look at the queue, forwarding all of it when the terminal may; returns the ms
        until the next look."""
        term = self.term
        cfg = term.config
        self.next_ms = None
        j = getattr(term, "journal", None)
        rec = term.store.get("activation") or {}
        if j is None or rec.get("state") != "ACTIVE" or not term.board.net.is_up():
            self.state = "off"
        elif j.summary()["unsynced"]:
            self.state = "sending"
            try:
                if hasattr(gc, "mem_free"):  # MicroPython: the pass's code goes into the
                    gc.collect()  # holes garbage leaves, not new heap (CPython has no holes)
                __import__("firmware.pos.forward")  # no name for it here: it is dropped below
                ok = await sys.modules["firmware.pos.forward"].run(self, j)
            except Exception as e:  # no heap, a journal that cannot write: try again later
                if isinstance(e, MemoryError):
                    self.shrink = min(self.shrink + 1, 8)  # and with smaller batches
                if hasattr(sys, "print_exception"):
                    sys.print_exception(e)
                else:
                    print("sync error: %r" % e)
                self.last_error = "sync-failed"
                ok = False
            unload("firmware.pos.forward")
            if not ok:
                # full jitter: anywhere in [0, min(cap, base * 2^n)), so that terminals that
                # lost the host together do not all come back at the same moment
                span = cfg.get("sync_base_ms", 2000) << self.fails
                span = min(cfg.get("sync_cap_ms", 300000), span)
                self.fails = min(self.fails + 1, 24)
                ms = int.from_bytes(os.urandom(3), "big") * span >> 24
                self.state = "waiting"
                self.next_ms = ticks_add(term.clock.ticks_ms(), ms)
                return ms
            self.fails = 0
            self.shrink = max(0, self.shrink - 1)  # and, pass by pass, back to full size
            self.state = "idle"
        else:
            self.state = "idle"
        return cfg.get("sync_check_s", 30) * 1000
