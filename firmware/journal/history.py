# Reading the journal back (what to forward, reprints, maintenance checks) and telling it what
# the host acknowledged. Not loaded by a terminal that only sells: import it where the terminal
# syncs or reprints; it holds no state, so it can be dropped again (firmware/overlay.unload).
#   unsynced(j) -> records the host has not acknowledged (each with "seq"), oldest first
#   mark_synced(j, ids) -> seq of the last SYNCED record, or None if none of `ids` waited
#   read(j, seq) -> the record with this seq, or None
#   find(j, id) -> its newest record + "seq", "state", "voided", "synced"; None if unknown
#   verify(j) -> the corrupt stretches found reading every segment end to end
import json
import struct
from binascii import crc32

from compat import const

_MAX = const(1024)  # a record's payload bound (journal.py)
_CHUNK = const(256)


def hits(j, rid):
    # The unsynced index j._u is packed: 8 bytes an entry, in seq order: the CRC32 of the id,
    # then seq * 2 + 1 for an offline sale (A), seq * 2 for another record to forward; 8 bytes
    # where a dict entry and its id string cost ~90. Returns the seqs of the entries whose
    # hash is `rid`'s (another id with the same hash is told apart on flash where it matters).
    u = j._u
    h = struct.pack(">I", crc32(str(rid).encode()))
    out = []
    i = u.find(h)
    while i >= 0:
        if not i & 7:
            out.append(struct.unpack_from(">I", u, i + 4)[0] >> 1)
        i = u.find(h, i + 1)
    return out


def read_frame(f, pos, end, last, limit=_MAX):
    # (seq, payload) of a valid frame at `pos` of file `f` (`end` bytes long) with a seq above
    # `last`, else None
    f.seek(pos)
    head = f.read(7)
    if len(head) < 7 or head[0] != 0xD5:
        return None
    n, seq = struct.unpack_from(">HI", head, 1)
    if not 0 < n <= limit or seq <= last or pos + n + 11 > end:
        return None
    body = f.read(n + 4)
    payload = body[:n]
    if struct.unpack_from(">I", body, n)[0] != crc32(payload, crc32(head)):
        return None
    return seq, payload


def decode(payload):
    try:
        rec = json.loads(payload)
        t = rec["t"]
    except (ValueError, KeyError, TypeError):
        return None
    return rec if isinstance(t, str) and len(t) == 1 and t in "PADXVRS" else None


def scan(flash, first, pos, last, bad, st):
    # Yields (offset, seq, payload) of the valid frames of segment `first` from byte `pos`, each
    # seq above the one before (and above `last`), a frame at a time: never the whole file, so
    # boot fits a small heap. Corrupt stretches skipped between valid frames go into `bad`.
    # Leaves in `st`: [offset just past the last valid frame, where trailing invalid bytes
    # begin (None when the data ends at EOF or in zeros, the padding of a preallocated
    # segment), file size].
    f = open(flash.path("journal/%010d.seg" % first), "rb")
    try:
        st[0] = pos
        st[2] = end = f.seek(0, 2)
        while pos < end:
            got = read_frame(f, pos, end, last)
            if got is None:
                # a valid frame further on (the bytes before it are corrupt), zeros to the end
                # (the padding of a preallocated segment), or else a torn tail
                nxt = None
                zeros = True
                z = pos
                while nxt is None and z < end:
                    f.seek(z)
                    chunk = f.read(_CHUNK)
                    zeros = zeros and chunk.count(b"\0") == len(chunk)
                    i = chunk.find(b"\xd5", 1 if z == pos else 0)
                    while i >= 0 and not read_frame(f, z + i, end, last):
                        i = chunk.find(b"\xd5", i + 1)
                    nxt = None if i < 0 else z + i
                    z += len(chunk) or end
                if nxt is None:
                    st[1] = None if zeros else pos
                    break
                bad.append({"seg": first, "off": pos, "len": nxt - pos})
                pos = nxt
                continue
            last = got[0]
            yield pos, last, got[1]
            pos += len(got[1]) + 11
            st[0] = pos
    finally:
        f.close()


def frames(j, seq, bad=None):
    # (seq, payload) of every readable frame from `seq` on, oldest first; with `bad`, every
    # corrupt stretch found (a segment's invalid tail too, but the last segment's)
    firsts = j._firsts
    bad = [] if bad is None else bad
    k = len(firsts) - 1
    while k > 0 and firsts[k] > seq:
        k -= 1
    while 0 <= k < len(firsts):
        st = [0, None, 0]
        it = scan(j.flash, firsts[k], 0, -1, bad, st)
        try:
            for _, s, payload in it:
                if s >= seq:
                    yield s, payload
        finally:
            it.close()  # MicroPython closes an abandoned generator's file only at GC
        if st[1] is not None and k < len(firsts) - 1:
            bad.append({"seg": firsts[k], "off": st[1], "len": st[2] - st[1]})
        k += 1


def records(j, seqs, keep=None):
    # (seq, record) for the wanted seqs (rising), in one pass over the flash holding them; with
    # `keep` (field names), only those fields, so a batch of records never sits in RAM at once
    if seqs:
        g = frames(j, seqs[0])
        try:
            for s, payload in g:
                if s > seqs[-1]:
                    break
                rec = decode(payload) if s in seqs else None
                if rec is not None:
                    yield s, rec if keep is None else list(map(rec.get, keep))
        finally:
            g.close()  # MicroPython closes an abandoned generator's file only at GC


def read(j, seq):
    rec = dict(records(j, [seq])).get(seq)
    if rec is not None:
        rec["seq"] = seq
    return rec


def find(j, rid):
    waiting = hits(j, rid)
    p = j._pending.get(rid)
    needle = json.dumps(rid).encode()  # a substring test before decoding each record
    # from the first record RAM knows of (a hash: if another id's, from the start)
    for start in (min(waiting + [p[0]] if p else waiting or [0]), 0):
        found = None
        voided = False
        for s, payload in frames(j, start):
            rec = decode(payload) if needle in payload else None
            if rec is None or rec["t"] == "S":
                continue
            if rec["id"] == rid:
                found = rec
                rec["seq"] = s
            elif rec.get("ref") == rid and rec["t"] == "V":
                voided = True
        if found is not None or not start:
            break
    if found is not None:
        t = found["t"]
        found["state"] = ("pending", "approved", "declined", "aborted", "void", "refund")[
            "PADXVR".index(t)
        ]
        found["voided"] = voided
        found["synced"] = t != "P" and found["seq"] not in waiting
    return found


def unsynced(j):
    u = j._u
    seqs = []
    for i in range(4, len(u), 8):
        seqs.append(struct.unpack_from(">I", u, i)[0] >> 1)
    g = records(j, seqs)
    try:
        for s, rec in g:
            # still waiting? the caller may have marked it synced since this pass began
            if s in hits(j, rec.get("id")):
                rec["seq"] = s
                yield rec
    finally:
        g.close()


def mark_synced(j, ids):
    # The waiting records of `ids`, read back to tell them from another id with the same hash
    # and for their amounts, acknowledged in SYNCED records of at most 32 (under the bound).
    seqs = []
    for rid in ids:
        for s in hits(j, rid):
            if s not in seqs:
                seqs.append(s)
    seqs.sort()
    acked = []
    for s, (rid, t, amt) in records(j, seqs, ("id", "t", "amt")):
        if rid in ids:
            acked.append((s, rid, (amt or 0) if t == "A" else 0))
    seq = None
    while acked:
        rec = {"t": "S", "ids": [], "q": [], "amt": [], "old": None}
        for s, rid, amt in acked[:32]:
            rec["q"].append(s)
            rec["ids"].append(rid)
            rec["amt"].append(amt)
        acked = acked[32:]
        u = j._u
        for i in range(4, len(u), 8):
            v = struct.unpack_from(">I", u, i)[0]
            if v & 1 and v >> 1 not in rec["q"]:  # the oldest offline sale left after these
                rec["old"] = j._oldest  # if its record cannot be read
                for _, ts in records(j, [v >> 1], ("ts",)):
                    rec["old"] = ts[0] or j._oldest
                break
        seq = j.append(rec)
    return seq


def forget(j, rec):
    # a SYNCED record's effect on the RAM index (journal._apply): its seqs leave it
    q = rec.get("q") or []
    amts = rec.get("amt") or []
    u = j._u
    i = 0
    while i < len(u):
        v = struct.unpack_from(">I", u, i + 4)[0]
        if v >> 1 in q:
            if v & 1:
                k = q.index(v >> 1)
                j._count -= 1
                j._total -= amts[k] if k < len(amts) else 0
            u[i : i + 8] = b""
        else:
            i += 8
    j._oldest = rec.get("old") if j._count else None
    j._total = j._total if j._count else 0


def verify(j):
    # every segment read end to end (maintenance, not boot): the corrupt stretches found
    problems = []
    for _ in frames(j, 0, problems):
        pass
    return problems
