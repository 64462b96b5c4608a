# Errors and unverified replies from the host acknowledge nothing (firmware/pos/sync.py).
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _Term


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
