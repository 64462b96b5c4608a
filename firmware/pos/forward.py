# One forwarding pass of the sync task (firmware/pos/sync.py): the unsynced records in batches
# to /v1/batch until none is left. Loaded for the pass and dropped after it, with what it
# imports (the unload rule is sync.py's), so a terminal that is not forwarding keeps only the
# task's loop resident. `self` is the Sync object.
import gc
import json
import sys
from struct import pack

from compat import unhexlify
from firmware.overlay import unload

_USED = "firmware.net firmware.journal.history firmware.journal.cardcrypt aescbc"


async def run(self, j):
    # Batches until nothing waits: True; False at the first batch without a verified
    # answer for every record (last_error says why).
    term = self.term
    had = [m for m in _USED.split() if m in sys.modules]
    if hasattr(gc, "mem_free"):  # MicroPython: the code about to load fills the holes
        gc.collect()  # garbage leaves, not fresh heap
    from firmware.journal import history

    call = self.call
    if call is None:
        from firmware.net import call
    ok = True
    bad = None  # stays the last error of a pass that got through
    try:
        while ok:
            try:
                # Released between batches: a sale's authorisation waiting for the lock
                # gets it before the next batch does. The batch is made under it, so no
                # batch sits in the heap while a sale or a settlement has the host.
                async with term.net_lock:
                    batch, keys, ids, nocard, known = make_batch(self, j, history)
                    if not ids:
                        break
                    status, reply, signed = await call(term, "/v1/batch", batch)
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
            seen = bytearray()  # known's entries of the acked
            for i in range(min(len(ids), len(results) if type(results) is list else 0)):
                r = results[i]
                if (
                    type(r) is dict
                    and " %s " % r.get("result")
                    in " stored duplicate rejected voided reversed declined not-found "
                    and r.get("key") in (None, keys[i])
                ):
                    acked.append(ids[i])
                    seen.extend(known[8 * i : 8 * i + 8])
            batch = results = keys = known = None  # before mark_synced writes: a small heap
            if acked:
                if history.mark_synced(j, acked, seen) is None:  # never loop on a batch
                    raise ValueError("journal kept %r" % acked)
                self.sent += len(acked)
                for rid in nocard:
                    if rid in acked:
                        self.unreadable += 1
                        bad = "card-unreadable"
            ok = len(acked) == len(ids)
            if status == 413:  # too large for the host after all: smaller batches
                self.shrink = min(self.shrink + 1, 8)
            self.last_error = bad if ok else (signed and reply.get("error")) or "host-refused"
            reply = None
    finally:
        # what the loaded screens use (USES), and the sale screen firmware.net
        uses = "firmware.net " if "firmware.ui.pay" in sys.modules else ""
        for m in sys.modules:  # (nothing imports in this loop: safe to iterate)
            if m[:12] == "firmware.ui.":
                uses += getattr(sys.modules[m], "USES", "") + " "
        uses = uses.split()
        for m in _USED.split():
            if m not in had and m not in uses:
                unload(m)
    return ok


def make_batch(self, j, history):
    # The next records to forward, as the pieces of the /v1/batch body's JSON text, one a
    # record (at most config sync_batch, 200 at most; at least one, as many as there is
    # room for): each record is encoded once, and the batch is never one block of heap, nor
    # dicts (firmware.net.call signs and sends it piece by piece); their keys; their
    # journal ids; the ids of
    # those whose card would not decrypt (sent without it: the host rejects them, which is
    # final, so a damaged record cannot hold up the queue); and, 8 bytes each, the seq and
    # the amount (of an offline sale, else 0) of each, so marking them synced needs not read
    # them again.
    cfg = self.term.config
    cur = cfg.get("currency", "EUR")
    size = min(200, cfg.get("sync_batch", 50))
    cc = None
    if j.key is not None and j._count:  # offline card sales wait: decryption ready first,
        from firmware.journal import cardcrypt as cc  # before the heap is measured and filled

        cc.ready(j.key)
    # Room, in JSON characters of records: config sync_bytes, as the host takes a body of
    # up to 64 KiB (escaped inside the envelope). On MicroPython also what the heap has
    # room for: while a batch is sent it holds the records' text, escaped and as bytes (~3
    # copies, in small pieces), and the reply (a result a record) needs room of its own, so
    # a tenth of the free heap; less after a MemoryError.
    room = cfg.get("sync_bytes", 12000)
    if hasattr(gc, "mem_free"):
        gc.collect()
        room = min(room, gc.mem_free() // 10)
    room >>= self.shrink
    out = []
    keys = []
    ids = []
    nocard = []
    known = bytearray()
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
                r["ref"] = rec.get("rk")  # the refunded sale's key, kept with the refund
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
                if cc is None:  # loaded only when a card is
                    from firmware.journal import cardcrypt as cc
                try:
                    pan = cc.decrypt_pan(j.key, unhexlify(pe))
                    r["pan"], _, r["exp"] = pan.partition("=")
                except ValueError:  # CardCryptError, or pe not hex
                    lost = True
            if t != "X":
                r["time"] = rec["ts"]
            r = json.dumps(r) if not out else ", " + json.dumps(r)
            room -= len(r)
            if out and room < 0:
                break
            out.append(r)
            keys.append(rec.get("k"))
            ids.append(rec["id"])
            known.extend(pack(">II", rec["seq"], rec.get("amt") or 0 if t == "A" else 0))
            if lost:
                nocard.append(rec["id"])
            if len(out) >= size:
                break
    finally:
        g.close()  # MicroPython closes an abandoned generator's file only at GC
    if out:
        out[0] = '{"records": [' + out[0]
        out.append("]}")
    return out, keys, ids, nocard, known
