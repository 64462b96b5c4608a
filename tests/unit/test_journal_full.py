# Flash running out: new sales are refused, nothing the host lacks is overwritten.

from firmware.journal import history
from firmware.journal.journal import JournalFull
from tests.unit.helpers import VirtualClock, raises
from tests.unit.journal_fixtures import _bytes, _flash, _ids, _journal, _segments


def _digest(flash):
    # crc32 of every segment: compares contents without holding them in RAM
    import binascii

    return [(n, binascii.crc32(_bytes(flash, n))) for n in _segments(flash)]


def _compact(j, now=None):
    # upkeep.py is boot code that open() drops: imported where it is used, never held
    from firmware.journal import upkeep

    return upkeep.compact(j, now)


def test_flash_full_refuses_new_sales_and_overwrites_nothing():
    flash = _flash("full")
    clock = VirtualClock()
    kw = {"segment_bytes": 1024, "capacity": 6144, "reserve_bytes": 1024}
    j = _journal(flash, clock, **kw)
    j.open()
    sold = []
    err = None
    for i in range(100):
        sid = "S%02d" % i
        try:
            j.begin(sid, 100, "tap", "K-" + sid, last4="4242")
        except JournalFull as e:
            err = e
            break
        # a sale already under way always completes: the reserve is there for it
        j.approve(sid, offline=True)
        sold.append(sid)
    assert err is not None and len(sold) > 5
    assert "flash nearly full" in str(err) and "no new sales" in str(err)
    assert j.free_bytes() < 1024 + 200  # a new sale's record would eat into the reserve
    before = _digest(flash)
    raises(JournalFull, j.begin, "X1", 100, "tap", "K")
    assert _digest(flash) == before
    again = _journal(flash, clock, **kw)
    again.open()
    assert _ids(again) == sold
    # nothing is thrown away while unsynced, even under pressure and long after keep_days
    assert _compact(again, clock.time() + 90 * 86400) == []
    raises(JournalFull, again.begin, "X1", 100, "tap", "K")
    # syncing frees it: the oldest history goes (young as it is) until a segment of sales fits
    history.mark_synced(again, sold)
    assert again.free_bytes() < 1024 + 1024
    names = ["journal/" + n for n in _segments(flash)]
    removed = _compact(again)
    assert removed and removed == names[: len(removed)] and len(removed) < len(names)
    assert again.free_bytes() >= 1024 + 1024
    again.begin("X1", 100, "tap", "K")
    assert _ids(again) == []
