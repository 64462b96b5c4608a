# The host's answers to the forwarder (firmware/pos/sync.py): results acknowledged exactly
# once, errors and unverified replies acknowledge nothing, a lost reply is resent and deduped.
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


def test_errors_and_unverified_replies_mark_nothing():
    term = _Term("errs")
    term.journal.void("S1", "S0", "K-S1", offline=True)  # no card to decrypt: a small heap
    host = _Host()
    sync = Sync(term, call=host.call)
    for answer, why in (
        ((403, {"error": "not-approved", "state": "pending"}, True), "not-approved"),
        ((400, {"error": "bad-json"}, False), "host-refused"),
        ((200, {"results": [{"key": "K-S1", "result": "stored"}]}, False), "host-refused"),
        ((200, {"status": "ok"}, True), "host-refused"),
    ):
        host.answer = answer
        run(sync.once())
        assert (sync.state, sync.last_error, _ids(term.journal)) == ("waiting", why, ["S1"])
    host.answer = None
    host.fail = "reply-forged"
    run(sync.once())
    assert (sync.last_error, _ids(term.journal), sync.sent) == ("reply-forged", ["S1"], 0)
