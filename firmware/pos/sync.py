# Store-and-forward: the journal's records the host has not acknowledged go to /v1/batch,
# oldest first, until none is left. A record leaves the queue only when a verified reply gives
# it a result (every result is final, docs/host.md); anything less (no reply, a reply that does
# not verify, a signed error) changes nothing, and the same records go again later with the
# same keys, which the host dedupes. Resident (term.sync); what it uses only while forwarding
# (firmware.net, history, cardcrypt) is imported for a pass and dropped after it.
#
# Unload rule: a module this pass imported leaves sys.modules when the pass ends, unless it was
# loaded before the pass began (someone else holds it) or, for firmware.net, the sale screen
# (firmware.ui.pay) or any loaded screen listing it in USES uses it now: dropping a module a
# screen still holds would load a second copy, with another NetError, on the next import.
import gc
import json
import os
import sys

from compat import asyncio, ticks_add, unhexlify
from firmware.overlay import unload

_USED = "firmware.net firmware.journal.history firmware.journal.cardcrypt"


class Sync:
    """Sync(term, call=None): the forwarder task (`await run()`), started with the board's.
    `call` stands in for firmware.net.call (tests, the bench). wake(): forward now.
    state: "idle" | "sending" | "waiting" (backing off) | "off" (not ACTIVE, network down,
    no journal); last_error: NetError reason, host error or "card-unreadable", else None;
    next_ms: ticks of the next try while waiting, else None; sent: records the host has
    acknowledged since boot; unreadable: of them, sent without a card that would not decrypt.
    Config: sync_check_s (30), sync_base_ms (2000), sync_cap_ms (300000), sync_batch (50)."""

    def __init__(self, term, call=None):
        self.term = term
        self.call = call
        self.state = "idle"
        self.last_error = None
        self.next_ms = None
        self.sent = 0
        self.unreadable = 0
        self.fails = 0  # failed passes in a row: the backoff's exponent
        self.shrink = 0  # batches are cut to 1/2^shrink of _room() after a MemoryError
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
                ok = await self._pass(j)
            except Exception as e:  # no heap, a journal that cannot write: try again later
                if isinstance(e, MemoryError):
                    self.shrink = min(self.shrink + 1, 8)  # and with smaller batches
                if hasattr(sys, "print_exception"):
                    sys.print_exception(e)
                else:
                    print("sync error: %r" % e)
                self.last_error = "sync-failed"
                ok = False
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

    async def _pass(self, j):
        # Batches until nothing waits: True; False at the first batch without a verified
        # answer for every record (last_error says why).
        term = self.term
        had = [m for m in _USED.split() if m in sys.modules]
        from firmware.journal import history

        call = self.call
        if call is None:
            from firmware.net import call
        ok = True
        bad = None  # stays the last error of a pass that got through
        try:
            while ok:
                batch, ids, nocard = self._batch(j, history)
                if not ids:
                    break
                try:
                    # released between batches: a sale's authorisation waiting for the lock
                    # gets it before the next batch does
                    async with term.net_lock:
                        status, reply, signed = await call(term, "/v1/batch", {"records": batch})
                except Exception as e:
                    # No verified reply: nothing is marked, the same records go again later. A
                    # NetError says why; it is told by name, not imported: firmware.net may not
                    # be loaded (a stand-in call), and an import here could fail for the very
                    # lack of heap that raised this. Anything else is a bug: once() reports it.
                    if type(e).__name__ != "NetError":
                        raise
                    self.last_error = e.args[0]
                    return False
                results = reply.get("results") if signed and status == 200 else None
                acked = []
                for i in range(min(len(ids), len(results) if type(results) is list else 0)):
                    r = results[i]
                    if (
                        type(r) is dict
                        and " %s " % r.get("result")
                        in " stored duplicate rejected voided reversed declined not-found "
                        and r.get("key") in (None, batch[i]["key"])
                    ):
                        acked.append(ids[i])
                batch = results = None  # before mark_synced writes: the heap is small
                if acked:
                    history.mark_synced(j, acked)
                    self.sent += len(acked)
                    for rid in nocard:
                        if rid in acked:
                            self.unreadable += 1
                            bad = "card-unreadable"
                ok = len(acked) == len(ids)
                self.last_error = bad if ok else (signed and reply.get("error")) or "host-refused"
                reply = None
        finally:
            users = "firmware.ui.pay" in sys.modules
            for m in list(sys.modules.values()):
                users = users or "firmware.net" in getattr(m, "USES", "")
            for m in _USED.split():
                if m not in had and not (users and m == "firmware.net"):
                    unload(m)
        return ok

    def _room(self):
        # JSON characters a batch's records may take (config sync_bytes): the host takes a
        # body of up to 16 KiB, escaped inside the envelope. On MicroPython, also what the heap
        # has room for: while a batch is sent it holds the records (dicts: 3-5 bytes a
        # character on the 64-bit port, most for the smallest records) and firmware.net's
        # three copies of the text (body, envelope, its bytes: ~3.5), so a tenth of what is
        # free; less after a MemoryError, as free bytes are not one free block.
        room = self.term.config.get("sync_bytes", 12000)
        if hasattr(gc, "mem_free"):
            gc.collect()
            room = min(room, gc.mem_free() // 10)
        return room >> self.shrink

    def _batch(self, j, history):
        # The next records to forward (config sync_batch, at most 50, as many as _room() has
        # room for, at least one), as /v1/batch wants them; their journal ids; the ids of
        # those whose card would not decrypt (sent without it: the host rejects them, which is
        # final, so a damaged record cannot hold up the queue).
        cfg = self.term.config
        cur = cfg.get("currency", "EUR")
        size = min(50, cfg.get("sync_batch", 50))
        room = self._room()
        out = []
        ids = []
        nocard = []
        g = history.unsynced(j)
        try:
            for rec in g:
                t = rec["t"]
                r = {"type": "reverse", "key": rec.get("k")}
                if t == "V":
                    r["type"] = "void"
                elif t != "X":
                    r["type"] = "sale" if t == "A" else "refund"
                    r["amount"] = rec.get("amt")
                    r["currency"] = rec.get("cur") or cur
                if t == "R":
                    ref = rec.get("ref")
                    ref = None if ref is None else history.find(j, ref)
                    r["ref"] = ref and ref.get("k")
                elif t == "A":
                    if rec.get("m") in ("credit", "debit"):
                        r["account"] = rec["m"]
                    if "mb" in rec:
                        r["member"] = rec["mb"]
                pe = rec.get("pe")
                lost = pe is None and t == "A" and rec.get("m") != "cash"  # a card sale
                if pe is not None or lost:
                    r["method"] = rec.get("em", "manual")
                if pe is not None:
                    from firmware.journal import cardcrypt  # loaded only when a card is

                    try:
                        pan = cardcrypt.decrypt_pan(j.key, unhexlify(pe))
                        r["pan"], _, r["exp"] = pan.partition("=")
                    except ValueError:  # CardCryptError, or pe not hex
                        lost = True
                if t != "X":
                    r["time"] = rec["ts"]
                room -= len(json.dumps(r))
                if out and room < 0:
                    break
                out.append(r)
                ids.append(rec["id"])
                if lost:
                    nocard.append(rec["id"])
                if len(out) >= size:
                    break
        finally:
            g.close()  # MicroPython closes an abandoned generator's file only at GC
        return out, ids, nocard
