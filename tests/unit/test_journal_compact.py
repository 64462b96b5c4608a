# Retention: only old, synced segments go.

from firmware.journal import history, lookup
from tests.unit.helpers import VirtualClock
from tests.unit.journal_fixtures import _flash, _ids, _journal, _segments, _sell


def _compact(j, now=None):
    # upkeep.py is boot code that open() drops: imported where it is used, never held
    from firmware.journal import upkeep

    return upkeep.compact(j, now)


def test_compact_removes_only_old_synced_segments():
    flash = _flash("compact")
    clock = VirtualClock()
    kw = {"segment_bytes": 400, "keep_days": 2}
    j = _journal(flash, clock, **kw)
    j.open()
    for i in range(6):
        _sell(j, "A%d" % i, 10)
    clock.advance(3 * 86400 * 1000)
    for i in range(6):
        _sell(j, "B%d" % i, 10)
    first_b = lookup.find(j, "B0")["seq"] - 1
    # nothing synced: nothing goes
    assert _compact(j) == []
    history.mark_synced(j, ["A%d" % i for i in range(6)])
    removed = _compact(j)
    assert removed
    names = _segments(flash)
    assert int(names[0][:-4]) <= first_b
    for n in removed:
        assert n[len("journal/") :] not in names
    assert lookup.find(j, "A0") is None and lookup.find(j, "B0")["state"] == "approved"
    assert _ids(j) == ["B%d" % i for i in range(6)]
    again = _journal(flash, clock, **kw)
    rep = again.open()
    assert rep["checkpoint"] == "used" and _ids(again) == ["B%d" % i for i in range(6)]
    # B sales are synced but younger than keep_days: kept for reprints
    history.mark_synced(again, _ids(again))
    assert _compact(again) == [] or lookup.find(again, "B5") is not None
    assert lookup.find(again, "B0")["synced"] is True
