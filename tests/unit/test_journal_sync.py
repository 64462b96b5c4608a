# Telling the host exactly once: SYNCED markers survive reboots and come in bounded batches.

from firmware.journal import history, lookup
from tests.unit.helpers import VirtualClock
from tests.unit.journal_fixtures import _flash, _ids, _journal, _sell


def test_mark_synced_is_exactly_once_and_survives_reboot():
    flash = _flash("sync")
    clock = VirtualClock()
    j = _journal(flash, clock)
    j.open()
    for i, amt in enumerate((100, 200, 300, 400)):
        _sell(j, "S%d" % i, amt)
        clock.advance(60000)
    j.refund("R1", 50, "K-R1", offline=True, sale_id="S0")
    _sell(j, "S9", 999, offline=False)
    assert _ids(j) == ["S0", "S1", "S2", "S3", "R1"]
    assert history.mark_synced(j, ["S0", "S2", "R1", "S0", "ghost"]) == 12
    assert history.mark_synced(j, ["S0", "ghost"]) is None
    assert _ids(j) == ["S1", "S3"]
    assert j.summary() == {
        "count": 2,
        "total": 600,
        "oldest": 1764100060,
        "unsynced": 2,
        "pending": 0,
    }
    synced = lookup.read(j, 12)
    assert (synced["ids"], synced["amt"], synced["old"]) == (
        ["S0", "S2", "R1"],
        [100, 300, 0],
        1764100060,
    )
    again = _journal(flash, clock)
    again.open(replay=True)
    assert _ids(again) == ["S1", "S3"] and again.summary() == j.summary()
    history.mark_synced(again, ["S1", "S3"])
    assert again.summary()["oldest"] is None and again.summary()["total"] == 0


def test_many_ids_are_split_into_bounded_synced_records():
    flash = _flash("batch")
    j = _journal(flash, checkpoint_every=1000)
    j.open()
    ids = ["SALE-%04d" % i for i in range(40)]
    for sid in ids:
        _sell(j, sid, 1)
    last = history.mark_synced(j, ids)
    assert last == 82  # two SYNCED records: 32 ids, then 8
    assert len(lookup.read(j, 81)["ids"]) == 32 and len(lookup.read(j, 82)["ids"]) == 8
    assert _ids(j) == [] and j.summary()["count"] == 0
