# Reading the journal back (what to forward, reprints, maintenance checks) and telling it what
# the host acknowledged. Not loaded by a terminal that only sells: import it where the terminal
# syncs or reprints; it holds no state, so it can be dropped again (firmware/overlay.unload).
#   unsynced(j) -> records the host has not acknowledged (each with "seq"), oldest first
#   mark_synced(j, ids, known=None) -> seq of the last SYNCED record, or None if none of `ids`
#       waited
# Looking one record up (reprints, voids, refunds) is lookup.py's: a sync pass does without.
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
    # corrupt stretch found (a segment's invalid tail too, but the last segment's). Without
    # `bad`, the scan starts at the last frame read (j._at: seq, segment, offset) when that is
    # on the way, not at the segment's start: a sync pass reads on where its batch ended.
    firsts = j._firsts
    at = None if bad is not None else j._at
    bad = [] if bad is None else bad
    k = len(firsts) - 1
    while k > 0 and firsts[k] > seq:
        k -= 1
    while 0 <= k < len(firsts):
        st = [0, None, 0]
        pos, last = (at[2], at[0] - 1) if at and at[1] == firsts[k] and at[0] <= seq else (0, -1)
        it = scan(j.flash, firsts[k], pos, last, bad, st)
        hs = hp = -1  # the last frame yielded: its seq, its offset
        try:
            for got in it:
                if got[1] >= seq:
                    hp, hs = got[0], got[1]
                    yield hs, got[2]
        finally:
            it.close()  # MicroPython closes an abandoned generator's file only at GC
            if hs >= 0:
                j._at = (hs, firsts[k], hp)
        if st[1] is not None and k < len(firsts) - 1:
            bad.append({"seg": firsts[k], "off": st[1], "len": st[2] - st[1]})
        k += 1


def records(j, seqs, keep=None):
    # (seq, record) for the wanted seqs (rising), in one pass over the flash holding them; with
    # `keep` (field names), only those fields, so a batch of records never sits in RAM at once
    if seqs:
        g = frames(j, seqs[0])
        i = 0  # both rise: one walk along seqs, not a search of it per frame
        try:
            for s, payload in g:
                if s > seqs[-1]:
                    break
                while seqs[i] < s:
                    i += 1
                rec = decode(payload) if seqs[i] == s else None
                if rec is not None:
                    yield s, rec if keep is None else list(map(rec.get, keep))
        finally:
            g.close()  # MicroPython closes an abandoned generator's file only at GC


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


def mark_synced(j, ids, known=None):
    # The waiting records of `ids`, acknowledged in SYNCED records of at most 32 (under the
    # bound). `known`: for each of `ids`, 8 bytes: its record's seq and amount (of an
    # offline sale, else 0), as a sync pass has just read them; else the records are read
    # back, to tell them from another id with the same hash and for their amounts.
    acked = []
    if known is not None:
        for i in range(len(ids)):
            s, amt = struct.unpack_from(">II", known, 8 * i)
            if s in hits(j, ids[i]):  # still waiting
                acked.append((s, ids[i], amt))
    else:
        seqs = []
        for rid in ids:
            for s in hits(j, rid):
                if s not in seqs:
                    seqs.append(s)
        seqs.sort()
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
        seq = j.append(rec, not acked)  # one sync for them all, with the last
    return seq


def forget(j, rec):
    # a SYNCED record's effect on the RAM index (journal._apply): its seqs leave it
    q = rec.get("q") or []
    amts = rec.get("amt") or []
    u = j._u
    i = 0
    for k in sorted(range(len(q)), key=lambda k: q[k]):  # rising seqs, as u holds them
        s = q[k]
        v = 0
        while i < len(u):
            v = struct.unpack_from(">I", u, i + 4)[0]
            if v >> 1 >= s:
                break
            i += 8
        if i < len(u) and v >> 1 == s:
            if v & 1:
                j._count -= 1
                j._total -= amts[k] if k < len(amts) else 0
            u[i : i + 8] = b""
    j._oldest = rec.get("old") if j._count else None
    j._total = j._total if j._count else 0
