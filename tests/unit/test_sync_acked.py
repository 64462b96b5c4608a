# The host's results to the forwarder (firmware/pos/sync.py): each record acknowledged marks
# it synced exactly once, and the host is not asked again when nothing is left.
# Its own module, so that it starts on a fresh 64 KiB heap.
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _offline, _synced_ids, _Term


def test_results_mark_each_record_synced_exactly_once():
    term = _Term("once")
    j = term.journal
    for i in range(3):
        _offline(j, "S%d" % i, 100 + i)
    _offline(j, "S3", 1, m="cash", pan=None)  # a card-less sale the host will reject
    host = _Host()
    sync = Sync(term, call=host.call)
    run(sync.once())
    assert _synced_ids(j) == ["S0", "S1", "S2", "S3"] and _ids(j) == []
    assert j.summary()["count"] == 0 and sync.sent == 4 and sync.unreadable == 0
    run(sync.once())  # nothing left: the host is not asked again
    assert len(host.batches) == 1 and _synced_ids(j) == ["S0", "S1", "S2", "S3"]
