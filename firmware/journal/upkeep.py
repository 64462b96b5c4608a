# The journal's upkeep, none of it on a sale's path: boot recovery (run by Journal.open(),
# which drops this module after it), retention (compact) and the segment copies behind both
# and behind preallocation. At boot the checkpoint plus the records after it rebuild the RAM
# index; a torn last record is cut off, corrupt stretches are skipped and reported, and a sale
# a power cut left pending is journaled as aborted.
#   compact(j, now=None) -> names of the segments removed: the oldest ones with nothing
#   unsynced, older than keep_days (any age when flash is short: reprints give way to sales)
# Import it inside the function that compacts, not at a module's top: open() drops it, and a
# module still holding it would keep a second copy alive after the next boot.
import json
import os
import struct

from compat import const, fsync
from firmware.overlay import unload

_CHUNK = const(256)
# Zeros go out a page at a time into big segments: the Pi's 256 KiB written 256 B a call took
# a thousand system calls while a sale waited. A board with small segments (or a small heap)
# pads them 256 B at a time.
_ZEROS = const(4096)


def run(j, replay):
    import sys

    # boot code, dropped once the journal is open: this module, and history.py unless the
    # terminal had it loaded already (it may hold it: a second copy would come in later).
    # Small functions: each is loaded at every boot, into whatever gaps the heap has.
    mine = "firmware.journal.history" not in sys.modules
    try:
        rep, firsts, start = _start(j, replay)
        for k in range(len(firsts)):
            _segment(j, firsts[k], start if k == 0 else 0, k == len(firsts) - 1, rep)
        _finish(j, rep)
        return rep
    finally:
        unload("firmware.journal.upkeep")
        if mine:
            unload("firmware.journal.history")


def _start(j, replay):
    # the report, the segments on flash, and the index as the checkpoint has it
    flash = j.flash
    flash.makedirs("journal")
    rep = {
        "checkpoint": "ignored" if replay else "none",
        "scanned": 0,
        "corrupt": [],  # {"seg", "off", "len"}: bytes skipped, records after them kept
        "lost": [],  # [first, last] seqs missing around corrupt stretches
        "torn": None,  # {"seg", "off", "len"}: the unfinished last record, cut off
        "aborted": [],  # sale ids a power cut left pending: not approved
        "discarded": [],  # temp files of a cut write
        "anomalies": [],  # seqs of outcomes whose pending record is gone
    }
    firsts = []
    for n in flash.listdir("journal"):
        if n.endswith(".tmp"):
            flash.remove("journal/" + n)
            rep["discarded"].append(n)
        elif n.endswith(".seg"):
            firsts.append(int(n[:-4]))
    firsts.sort()
    j._next = firsts[0] if firsts else 1  # compaction removed the records before it
    j._pending = {}
    j._u = bytearray()
    j._count = j._total = j._off = j._ckpt_bytes = 0
    j._oldest = None
    j._firsts = []
    start = 0
    ck = None if replay else _checkpoint(j, firsts, rep)
    if ck:
        j._next, p, j._count, j._total, j._oldest, cur, start = ck
        for rid, v in p:
            j._pending[rid] = v
        while firsts[0] < cur:  # segments before the checkpoint's last: nothing to read
            j._firsts.append(firsts.pop(0))
    return rep, firsts, start


def _segment(j, first, start, last, rep):
    # the records of one segment from `start` into the index; a torn tail of the last is cut
    from firmware.journal.history import decode, scan

    bad = rep["corrupt"]
    st = [0, None, 0]
    for off, seq, payload in scan(j.flash, first, start, j._next - 1, bad, st):
        rec = decode(payload)
        if rec is None:  # right CRC, not a record: a writer bug, not the flash
            bad.append({"seg": first, "off": off, "len": len(payload)})
            continue
        if seq != j._next:
            rep["lost"].append([j._next, seq - 1])
        if rec["t"] in "AX" and rec.get("id") not in j._pending:
            rep["anomalies"].append(seq)
        j._apply(seq, rec)
        rep["scanned"] += 1
    end, tail, size = st
    # zeros after the data are the padding of a preallocated segment, junk otherwise
    if last and (tail is not None or (not j.preallocate and end < size)):
        off = end if tail is None else tail
        rep["torn"] = {"seg": first, "off": off, "len": size - off}
        copy(j.flash, first, end, size if j.preallocate else end, "journal.repair")
    elif tail is not None:
        bad.append({"seg": first, "off": tail, "len": size - tail})
    j._firsts.append(first)
    j._off = end


def _finish(j, rep):
    # the flash budget, then what boot writes: sales left pending aborted, a checkpoint
    if j.capacity is None:
        st = j.flash.statvfs()
        j._free0 = st and st[1]
    else:
        j._free0 = j.capacity
        for first in j._firsts:
            j._free0 -= j.flash.size("journal/%010d.seg" % first)
    j._spent = 0
    j._since = rep["scanned"]
    j._broken = False
    j.recovery_report = rep
    for rid in list(j._pending):
        # a power cut before its outcome: never shown as approved, and the host is told
        j.append({"t": "X", "id": rid, "why": "power-cut"})
        rep["aborted"].append(rid)
    if rep["corrupt"] or rep["torn"] or j._since >= j.checkpoint_every:
        j.checkpoint()


def _checkpoint(j, firsts, rep):
    # the checkpoint's list + the index (journal.py) if it is whole and fits the segments found
    path = j.flash.path("journal/ckpt")
    try:
        f = open(path, "rb")
    except OSError:
        return None
    with f:
        size = j._ckpt_bytes = f.seek(0, 2)
        from firmware.journal.history import read_frame

        got = read_frame(f, 0, size, -1, 65535)
    rep["checkpoint"] = "invalid"
    if not got or size != len(got[1]) + 11:
        return None
    payload = got[1]
    cut = payload.find(b"\0")
    try:
        ck = json.loads(payload[:cut])
        ok = len(ck) == 7 and ck[0] == got[0] and ck[5] in firsts
        ok = ok and (len(payload) - cut - 1) % 8 == 0
        ok = ok and ck[6] <= j.flash.size("journal/%010d.seg" % ck[5])
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    rep["checkpoint"] = "used" if ok else "stale"
    if ok:
        j._u = bytearray(payload[cut + 1 :])
        return ck
    return None


def compact(j, now=None):
    from firmware.journal.history import decode, scan

    now = now or j.clock.time()
    low = j._next  # the oldest record still needed: a pending sale or one not yet forwarded
    if j._u:
        low = struct.unpack_from(">I", j._u, 4)[0] >> 1
    for p in j._pending.values():
        low = min(low, p[0])
    firsts = j._firsts
    removed = []
    while len(firsts) > 1 and firsts[1] <= low:
        free = j.free_bytes()
        # kept for reprints while its newest record is younger than keep_days, unless short of
        # room for a segment of sales above the reserve: then history gives way
        if free is None or free >= j.reserve_bytes + j.segment_bytes:
            newest = 0
            for _, _, payload in scan(j.flash, firsts[0], 0, -1, [], [0, None, 0]):
                newest = max(newest, (decode(payload) or {}).get("ts", 0))
            if newest >= now - j.keep_days * 86400:
                break
        if not removed:
            j.checkpoint()  # so boot starts in the last segment, which stays
        name = "journal/%010d.seg" % firsts.pop(0)
        j._spent -= j.flash.size(name)
        j.flash.remove(name)
        j.flash.point("journal.compact:removed")
        removed.append(name)
    return removed


def copy(flash, first, end, pad_to, label):
    # Atomically replace segment `first` with its first `end` bytes, zero-padded to `pad_to`:
    # how a torn tail is cut off (MicroPython files cannot be truncated) and how a preallocated
    # segment is made.
    name = flash.path("journal/%010d.seg" % first)
    with open(name + ".tmp", "wb") as out:
        if end:
            with open(name, "rb") as f:
                left = end
                while left:
                    chunk = f.read(min(_CHUNK, left))
                    out.write(chunk)
                    left -= len(chunk) or left
        left = pad_to - end
        step = _ZEROS if pad_to >= 16 * _ZEROS else _CHUNK
        zero = bytes(step)
        while left > 0:
            out.write(zero if left >= step else zero[:left])
            left -= step
        fsync(out)
    flash.point(label + ":synced")
    os.rename(name + ".tmp", name)
    flash.point(label + ":renamed")
