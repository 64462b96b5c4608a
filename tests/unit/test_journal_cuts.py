# A power cut at every write point of selling, syncing, checkpointing and compacting, each one
# in turn (not sampled): after reboot no approved sale is lost, none is offered to the host
# twice, and the sale being written is either whole or reported as not approved.
import os

from firmware.journal import history, lookup
from tests.unit.journal_cut_fixtures import _base, _Cut, _new, _open, _Points

_ROOT = "/tmp/pos-unit-jrcut-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)
# what the terminal does after S1, S2 (offline) and S3 (online) are on flash
_OPS = (
    ("sell", "S4", 400),
    ("sync", ["S1"]),
    ("sell", "S5", 500),
    ("ckpt",),
    ("sync", ["S2", "S4"]),
    ("decline", "S6", 600),
    ("online", "S7", 700),
    ("compact",),
)


def _compact(j, now=None):
    # upkeep.py is boot code that open() drops: imported where it is used, never held
    from firmware.journal import upkeep

    return upkeep.compact(j, now)


def _run(cut, prealloc):
    """Runs _OPS; returns how many returned before the cut."""
    done = 0
    j = _new(_ROOT, cut, prealloc)
    try:
        j.open()  # boot writes too (a checkpoint)
        for op in _OPS:
            if op[0] in ("sell", "decline", "online"):
                j.begin(op[1], op[2], "tap", "K-" + op[1])
                if op[0] == "decline":
                    j.decline(op[1], "51")
                else:
                    j.approve(op[1], None if op[0] == "sell" else "OK", op[0] == "sell")
            elif op[0] == "sync":
                history.mark_synced(j, op[1])
            elif op[0] == "ckpt":
                j.checkpoint()
            else:
                _compact(j, j.clock.time() + 86400)
            done += 1
    except _Cut:
        pass
    j.close()  # the cut froze the process: nothing more reaches the flash
    return done


def _check(done, point, prealloc):
    j, rep = _open(_ROOT, None, prealloc)
    got = [r["id"] for r in history.unsynced(j)]
    assert len(set(got)) == len(got), (point, got)  # nobody is offered twice
    expect = {"S1", "S2"}
    synced = set()
    for op in _OPS[:done]:
        if op[0] == "sell":
            expect.add(op[1])
        elif op[0] == "sync":
            synced.update(op[1])
    expect -= synced
    for sid in expect:  # every approved sale not yet synced is there, approved
        assert lookup.find(j, sid)["state"] == "approved", (point, sid)
    for sid in synced:  # synced ones may have been compacted away, never changed
        assert (lookup.find(j, sid) or {"state": "approved"})["state"] == "approved", (point, sid)
    if done < len(_OPS):
        op = _OPS[done]
        if op[0] in ("sell", "decline", "online"):
            state = (lookup.find(j, op[1]) or {}).get("state")
            ok = {"sell": "approved", "decline": "declined", "online": "approved"}[op[0]]
            assert state in (None, "aborted", ok), (point, state)  # whole, or not approved
            if state == "aborted" or (state == "approved" and op[0] == "sell"):
                expect.add(op[1])
            assert (op[1] in rep["aborted"]) == (state == "aborted"), (point, rep)
        elif op[0] == "sync" and not set(op[1]) & set(got):
            expect -= set(op[1])  # the SYNCED record made it: all of its ids, or none
    assert set(got) == expect, (point, got, expect)
    sales = [r["amt"] for r in history.unsynced(j) if r["t"] == "A"]
    assert (j.summary()["count"], j.summary()["total"]) == (len(sales), sum(sales)), point
    j.close()
    j, rep = _open(_ROOT, None, prealloc)  # a second boot changes nothing
    assert [r["id"] for r in history.unsynced(j)] == got and rep["aborted"] == [], point
    j.close()


def _every_point(prealloc):
    _base(_ROOT, prealloc)
    rec = _Points()
    assert _run(rec, prealloc) == len(_OPS)
    counted = {}
    points = []
    for name in rec.seen:
        counted[name] = counted.get(name, 0) + 1
        points.append((name, counted[name]))
    for at in points:
        _base(_ROOT, prealloc)
        done = _run(_Points(at), prealloc)
        assert done < len(_OPS), at
        _check(done, at, prealloc)
    return rec.seen


_POINTS = [
    "journal.append:start",
    "journal.append:torn",
    "journal.append:synced",
    "journal.checkpoint:torn",
    "journal.checkpoint:synced",
    "journal.checkpoint:renamed",
    "journal.compact:removed",
]


def test_cut_at_every_write_point():
    seen = _every_point(False)
    assert sorted(set(seen)) == sorted(_POINTS)
    assert seen.count("journal.append:synced") == 10  # 4 sales x2 records + 2 SYNCED
    assert len(seen) > 40


def test_cut_at_every_write_point_with_preallocated_segments():
    seen = _every_point(True)
    assert sorted(set(seen)) == sorted(_POINTS + ["journal.roll:synced", "journal.roll:renamed"])
