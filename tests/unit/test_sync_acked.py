# The host's results to the forwarder (firmware/pos/sync.py): each record acknowledged marks
# it synced exactly once; a reply short of results, or with unknown ones, marks only the rest.
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
    # a reply short of a result, or with an unknown result or another key, marks only the rest
    for i in range(4, 7):
        _offline(j, "S%d" % i, 5)
    results = [{"key": "K-S4", "result": "stored"}, {"key": "K-S9", "result": "stored"}]
    host.answer = (200, {"results": results}, True)
    assert run(sync.once()) <= 2000 and sync.state == "waiting"
    assert _ids(j) == ["S5", "S6"] and sync.sent == 5 and sync.last_error == "host-refused"
    host.answer = (200, {"results": [{"key": "K-S5", "result": "later"}]}, True)
    run(sync.once())
    assert _ids(j) == ["S5", "S6"] and _synced_ids(j)[-1] == "S4"
