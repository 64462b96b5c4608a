# The offline transaction journal: every sale is on flash before the customer sees APPROVED,
# and reaches the host exactly once. This module is all a terminal that sells keeps resident:
# appending (with its checks and offline limits), the RAM index, checkpoints and the flash
# budget. Boot recovery (upkeep.py) is loaded by open() and dropped after it; reading back and
# syncing (history.py) and retention (upkeep.compact) are imported by whoever needs them.
#
# Files under <flash>/journal/: NNNNNNNNNN.seg (segments, named by the seq of their first
# record; append-only, or zero-filled ahead when preallocated) and ckpt (the index at some
# record: one frame, replaced with flash.write_atomic). Write points: journal.append:start|torn|
# synced, journal.roll:synced|renamed (preallocated segments only), journal.checkpoint:torn|
# synced|renamed, journal.repair:synced|renamed (cutting a torn tail at boot),
# journal.compact:removed.
#
# Frame, big-endian, 11 bytes of overhead:
#     MAGIC (1, 0xD5) | LEN (2) | SEQ (4) | PAYLOAD (LEN bytes) | CRC32 (4)
# CRC32 is binascii.crc32 over MAGIC..PAYLOAD (the same value on CPython and MicroPython). SEQ
# rises by one per record over the journal's whole life, so a gap tells how many records a
# corrupt stretch swallowed. A record's PAYLOAD (at most 1024 bytes) is compact JSON of one
# object; every record has "t" (type), "ts" (epoch seconds, stamped by the journal) and, except
# SYNCED, "id" (a non-empty str or an int).
#
# Types ("t"):
#   P SALE_PENDING   before authorisation: id, amt (minor units), m (method), k (idempotency
#                    key, reused on every retry), cur, l4 (last 4 digits), and the card as
#                    pe (encrypted PAN, see cardcrypt) or tok (a host token) - never in clear.
#                    Optional: em (card entry), it (items), mb (member), tnd (cash tendered).
#   A SALE_APPROVED  id, auth (host code, "OFFLINE" or "CASH"), off (1: approved offline). The
#                    journal copies the P fields in, so an approved sale is whole in one record and
#                    survives the loss of its P record.
#   D SALE_DECLINED  id, why (host code or an offline-limit reason); P fields copied, no card.
#   X SALE_ABORTED   written by boot recovery for a sale a power cut left pending: it was never
#                    shown as approved; forwarded so the host can reverse it by its key.
#   V VOID           id (the void's own), ref (the sale voided), k, off.
#   R REFUND         id, ref (the original sale, optional) and rk (its k), amt, k, off, l4.
#   S SYNCED         ids (acknowledged by the host), q (the seqs of their records, same order),
#                    amt (the amounts of the offline sales among them, 0 for the others), old
#                    (ts of the oldest offline sale still unsynced after these, or null).
# Forwarded to the host, each until an S names its seq: A/V/R with off=1, and every X.
#
# The checkpoint's payload is the JSON list [next seq, pending sales as [id, [seq, P record]],
# offline count, offline total, oldest, the last segment, offset covered in it], a NUL, then
# the unsynced index as raw bytes (history.hits).
import struct
from binascii import crc32

from compat import compact_json, const, fsync

_CKPT_MAX = const(65535)  # what LEN holds: the bound of a checkpoint


class JournalError(Exception):
    pass


class JournalFull(JournalError):
    pass


class OfflineRefused(JournalError):
    # an offline approval the limits forbid; the sale has been journaled as declined.
    # `reason` is the limits.py key, str(e) the message for the screen.
    pass


def encode(seq, rec, limit=1024, raw=b""):
    # the frame of record `rec` (JSON), `raw` bytes after it (a checkpoint's index), as its
    # head, payload and CRC: written one after the other, never copied into one buffer
    payload = compact_json(rec).encode()
    if raw:
        payload += raw
    n = len(payload)
    if n > limit:
        raise ValueError("record over %d bytes" % limit)
    head = struct.pack(">BHI", 0xD5, n, seq)
    return head, payload, struct.pack(">I", crc32(payload, crc32(head)))


class Journal:
    """Durable sale records and what the host still lacks: everything a sale needs.

    Journal(flash, clock=None, segment_bytes=16384, keep_days=30, key=None, limits=None,
            reserve_bytes=None, capacity=None, checkpoint_every=64, preallocate=False)
    open(replay=False) -> recovery report (also kept as .recovery_report)     close()
    begin(sale_id, amount, method, idem_key, pan=None, token=None, last4=None, cur=None,
          extra=None) -> seq
    approve(sale_id, auth=None, offline=False) -> seq   (OfflineRefused past the limits)
    decline(sale_id, why)    void(void_id, sale_id, idem_key, offline=False)
    refund(refund_id, amount, idem_key, offline=False, sale_id=None, last4=None, sale_key=None)
    append(rec, durable=True) -> seq    summary() -> dict    offline_refusal(amount, now=None)
    checkpoint()             free_bytes(need=0, new_sale=False) -> int or None

    Not resident, so not methods: history.unsynced(j), history.mark_synced(j, ids, known),
    lookup.read(j, seq), lookup.find(j, id), lookup.verify(j); upkeep.compact(j, now=None);
    a record's PAN for the host: cardcrypt.decrypt_pan(j.key, unhexlify(rec["pe"])).

    capacity: bytes the journal may use (the simulator's budget), else flash.statvfs() says.
    reserve_bytes (default two segments) stays for sales under way and sync markers: a new
    sale (or refund) whose record would leave less is refused. preallocate zero-fills new
    segments so appends do not grow the file (fast on Linux filesystems; leave it off on
    littlefs, where a rewrite copies)."""

    def __init__(self, flash, clock=None, segment_bytes=16384, keep_days=30, key=None,
                 limits=None, reserve_bytes=None, capacity=None, checkpoint_every=64,
                 preallocate=False):  # fmt: skip
        if clock is None:
            from compat import Clock

            clock = Clock()
        self.flash = flash
        self.clock = clock
        self.segment_bytes = segment_bytes
        self.keep_days = keep_days
        self.key = key
        self.limits = limits
        self.reserve_bytes = 2 * segment_bytes if reserve_bytes is None else reserve_bytes
        self.capacity = capacity
        self.checkpoint_every = checkpoint_every
        self.preallocate = preallocate
        self.recovery_report = None
        self._f = None  # the last segment, open for appending
        self._at = None  # where history last read a frame: (seq, segment, offset)
        self._broken = True  # not open, or a write failed: open() recovers
        # The rest is set by upkeep.run: _next (seq of the next record), _pending (sale id ->
        # [seq, P record]), _u (the unsynced index, see history.hits), _count, _total,
        # _oldest (the offline sales in it: how many, their amount, the ts of the oldest; a
        # void frees nothing until the host knows), _firsts (the first seq of each segment,
        # oldest first), _off (where the next frame goes in the last segment), _since (records
        # since the checkpoint), _ckpt_bytes, _free0 and _spent (bytes free at boot, None if
        # unknown; bytes taken since).

    def open(self, replay=False):
        """Recover (checkpoint + tail, or everything if `replay`); returns recovery_report."""
        self.close()
        self._broken = True
        self._at = None
        from firmware.journal import upkeep

        return upkeep.run(self, replay)

    def close(self):
        if self._f is not None:
            self._f.close()
            self._f = None

    def append(self, rec, durable=True):
        """Durably add one record; returns its seq once it is on flash. Stamps "ts"; an
        outcome gets its pending sale's fields; offline approvals meet the limits.
        durable=False leaves the sync to the next append (SYNCED records written together:
        one lost to a power cut only means its records are sent again)."""
        t = rec.get("t")
        rid = rec.get("id")
        for k in rec:  # (len first: a short key costs no slice, and a sale waits for this)
            if len(k) > 2 and k[:3] in ("pan", "tra", "cvv", "cvc", "pin"):  # track2, pinblock
                raise ValueError("never journaled: %r" % k)
        if t == "S":
            ok = isinstance(rec.get("ids"), list)
        else:
            ok = t in ("P", "A", "D", "X", "V", "R") and isinstance(rid, (str, int)) and rid != ""
            l4 = rec.get("l4", "0")
            amt = rec.get("amt", -1 if ok and t in "PR" else 0)  # P and R need an amount
            ok = ok and isinstance(l4, str) and l4.isdigit() and len(l4) < 5
            ok = ok and isinstance(amt, int) and amt >= 0
        if not ok:
            # needs: t, id, amt in minor units (P, R), l4 of 1-4 digits
            raise ValueError("bad record %r" % rec)
        if self._broken:
            raise JournalError("not open (or a write failed)")
        ts = rec.setdefault("ts", self.clock.time())
        if t == "P":
            # ids in RAM only: pending, or unsynced (a hash: if it matches, flash tells)
            taken = rid in self._pending
            if not taken and self._u.find(struct.pack(">I", crc32(str(rid).encode()))) >= 0:
                from firmware.journal import history as h

                taken = [rid] in dict(h.records(self, h.hits(self, rid), ("id",))).values()
            if taken:
                raise JournalError("id %r taken" % (rid,))
        if t in "ADX":
            p = self._pending.get(rid)
            if p is None:
                raise JournalError("no pending sale %r" % (rid,))
            # the outcome carries the sale's fields; only an approval keeps the card (pe, tok)
            p = p[1]
            for k in p:  # all but t, id and ts: those the outcome has
                if k not in rec and (t == "A" or k not in ("pe", "tok")):
                    rec[k] = p[k]
            if t == "A" and rec.get("off") and self.limits is not None:
                why = self.limits.check(self.summary(), rec.get("amt", 0), ts)
                if why is not None:
                    self.append({"t": "D", "id": rid, "why": why, "ts": ts})
                    from firmware.journal import limits

                    e = OfflineRefused(limits.MESSAGES[why])
                    e.reason = why
                    raise e
        # the frame goes at the end of the last segment, or starts a new one
        seq = self._next
        head, payload, crc = encode(seq, rec)
        n = len(payload) + 11
        pre = self.preallocate
        roll = not self._firsts or (self._off and self._off + n > self.segment_bytes)
        # a new sale or refund also leaves the reserve, for the outcomes of those under way
        sale = t in "PR"
        self.free_bytes(
            n + (self.segment_bytes if roll and pre else 0) + (self.reserve_bytes if sale else 0),
            sale,
        )
        flash = self.flash
        if roll:
            self.close()
            if pre:
                from firmware.journal import upkeep

                upkeep.copy(flash, seq, 0, self.segment_bytes, "journal.roll")
                self._spent += self.segment_bytes
            self._firsts.append(seq)
            self._off = 0
            self._since = self.checkpoint_every  # so boot starts in the new segment
        f = self._f
        if f is None:
            name = flash.path("journal/%010d.seg" % self._firsts[-1])
            # unbuffered: CPython's buffer would only add a copy and a flush() before each sync
            f = self._f = open(name, "r+b" if pre else "ab", buffering=0)
            if pre:
                f.seek(self._off)
        cut = flash.cut
        if cut is not None:
            cut("journal.append:start")
        self._broken = True  # until the frame is whole and synced
        if cut is None:
            # one call, one system call on an unbuffered file, which may write only part: that
            # is a failed write (the journal stays broken until open() recovers)
            if f.write(head + payload + crc) != n:
                raise OSError(28, "short write")  # ENOSPC, the usual reason
        else:
            f.write(head)  # a cut hook may stop the power here: half the frame reaches the file
            f.write(payload[: n // 2 - 7])
            f.flush()
            flash.point("journal.append:torn")
            f.write(payload[n // 2 - 7 :])
            f.write(crc)
        if durable or self._since + 1 >= self.checkpoint_every:  # no checkpoint past it
            fsync(f)
        self._broken = False
        if cut is not None:
            cut("journal.append:synced")
        self._off += n
        if not pre:
            self._spent += n
        self._apply(seq, rec)
        self._since += 1
        if self._since >= self.checkpoint_every:
            try:
                self.checkpoint()
            except (OSError, ValueError):
                pass  # the record is durable; boot just scans a longer tail
        return seq

    def _apply(self, seq, rec):
        # what RAM keeps of a record just written, or replayed by boot recovery
        self._next = seq + 1
        t = rec["t"]
        if t == "S":
            from firmware.journal import history

            return history.forget(self, rec)
        rid = rec["id"]
        if t == "P":
            self._pending[rid] = [seq, rec]
            return
        self._pending.pop(rid, None)
        if t == "X" or (t in "AVR" and rec.get("off")):
            self._u.extend(struct.pack(">II", crc32(str(rid).encode()), seq * 2 + (t == "A")))
            if t == "A":
                self._count += 1
                self._total += rec.get("amt", 0)
                ts = rec.get("ts", 0)
                if self._oldest is None or ts < self._oldest:
                    self._oldest = ts

    def checkpoint(self):
        """Save the index and the position it covers, so boot scans only what follows."""
        if not self._firsts:
            return
        ck = [self._next, list(self._pending.items()), self._count, self._total, self._oldest,
              self._firsts[-1], self._off]  # fmt: skip
        data = b"".join(encode(self._next, ck, _CKPT_MAX, b"\0" + self._u))
        self.flash.write_atomic("journal/ckpt", data, "journal.checkpoint")
        self._ckpt_bytes = len(data)
        self._since = 0

    def free_bytes(self, need=0, new_sale=False):
        """Bytes the journal may still write, or None when nobody knows; JournalFull if fewer
        than `need`."""
        free = self._free0
        if free is not None:
            # under a capacity, count the checkpoint twice: while it is replaced, two exist
            free -= self._spent + (0 if self.capacity is None else 2 * self._ckpt_bytes)
            if free < need:
                why = "nearly full, no new sales" if new_sale else "full"
                raise JournalFull("flash %s: %d free, %d needed" % (why, free, need))
        return free

    def begin(self, sale_id, amount, method, idem_key, pan=None, token=None, last4=None, cur=None,
              extra=None):  # fmt: skip
        """SALE_PENDING, before authorisation. A PAN is kept only encrypted (needs `key`);
        or pass the host's token and the last 4 digits. `extra`: the sale's other fields
        (em, it, mb, tnd: docs/selling.md), copied into its outcome like the rest."""
        rec = dict(extra) if extra else {}
        rec.update({"t": "P", "id": sale_id, "amt": amount, "m": method, "k": idem_key})
        if cur:
            rec["cur"] = cur
        if pan is not None:
            if self.key is None:
                raise JournalError("no card key: no PAN in clear")
            from compat import hexlify
            from firmware.journal import cardcrypt

            rec["pe"] = hexlify(cardcrypt.encrypt_pan(self.key, pan))
            last4 = pan.split("=")[0][-4:]
        if token is not None:
            rec["tok"] = token
        if last4:
            rec["l4"] = last4
        return self.append(rec)

    def approve(self, sale_id, auth=None, offline=False):
        """SALE_APPROVED; offline, the limits are checked first (a refusal journals the sale
        as declined and raises OfflineRefused)."""
        auth = auth or ("OFFLINE" if offline else "")
        return self.append({"t": "A", "id": sale_id, "auth": auth, "off": 1 if offline else 0})

    def decline(self, sale_id, why):
        return self.append({"t": "D", "id": sale_id, "why": why})

    def void(self, void_id, sale_id, idem_key, offline=False):
        return self.append({"t": "V", "id": void_id, "ref": sale_id, "k": idem_key,
                            "off": 1 if offline else 0})  # fmt: skip

    def refund(self, refund_id, amount, idem_key, offline=False, sale_id=None, last4=None,
               sale_key=None):  # fmt: skip
        rec = {"t": "R", "id": refund_id, "amt": amount, "k": idem_key, "off": 1 if offline else 0}
        if sale_id is not None:
            rec["ref"] = sale_id
            rec["rk"] = sale_key
        if last4:
            rec["l4"] = last4
        return self.append(rec)

    def summary(self):
        """Offline exposure: sales approved offline the host has not acknowledged yet."""
        return {"count": self._count, "total": self._total, "oldest": self._oldest,
                "unsynced": len(self._u) // 8, "pending": len(self._pending)}  # fmt: skip

    def offline_refusal(self, amount, now=None):
        """Why an offline sale of `amount` would be refused now (a limits.py key), or None."""
        if self.limits is None:
            return None
        return self.limits.check(self.summary(), amount, now or self.clock.time())
