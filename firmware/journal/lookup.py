# Looking records up in the journal (reprints, voids, refunds, maintenance), apart from
# history.py so that a sync pass does not load it. Holds no state: drop it when done.
#   read(j, seq) -> the record with this seq, or None
#   find(j, id) -> its newest record + "seq", "state", "voided", "synced"; None if unknown
#   verify(j) -> the corrupt stretches found reading every segment end to end
import json

from firmware.journal import history


def read(j, seq):
    rec = dict(history.records(j, [seq])).get(seq)
    if rec is not None:
        rec["seq"] = seq
    return rec


def find(j, rid):
    waiting = history.hits(j, rid)
    p = j._pending.get(rid)
    needle = json.dumps(rid).encode()  # a substring test before decoding each record
    # from the first record RAM knows of (a hash: if another id's, from the start)
    for start in (min(waiting + [p[0]] if p else waiting or [0]), 0):
        found = None
        voided = False
        for s, payload in history.frames(j, start):
            rec = history.decode(payload) if needle in payload else None
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


def verify(j):
    # every segment read end to end (maintenance, not boot): the corrupt stretches found
    problems = []
    for _ in history.frames(j, 0, problems):
        pass
    return problems
