# A reply short of a result, or with an unknown result or another key, marks only the rest
# (firmware/pos/sync.py). Its own module, so that it starts on a fresh 64 KiB heap.
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _offline, _synced_ids, _Term


def test_a_partial_reply_marks_only_the_records_it_acknowledges():
    term = _Term("part")
    j = term.journal
    host = _Host()
    sync = Sync(term, call=host.call)
    # a reply short of a result, or with an unknown result or another key, marks only the rest
    for i in range(4, 7):
        _offline(j, "S%d" % i, 5)
    results = [{"key": "K-S4", "result": "stored"}, {"key": "K-S9", "result": "stored"}]
    host.answer = (200, {"results": results}, True)
    assert run(sync.once()) <= 2000 and sync.state == "waiting"
    assert _ids(j) == ["S5", "S6"] and sync.sent == 1 and sync.last_error == "host-refused"
    host.answer = (200, {"results": [{"key": "K-S5", "result": "later"}]}, True)
    run(sync.once())
    assert _ids(j) == ["S5", "S6"] and _synced_ids(j) == ["S4"]
