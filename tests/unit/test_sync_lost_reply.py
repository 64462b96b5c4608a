# A reply lost after the host committed (firmware/pos/sync.py): the same records go again
# and the host dedupes them. Its own module, so that it starts on a fresh 64 KiB heap.
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import PAN, _Host, _ids, _offline, _reopen, _synced_ids, _Term


def test_a_lost_reply_resends_the_same_records_and_the_host_dedupes():
    term = _Term("lost")
    j = term.journal
    for i in range(3):
        _offline(j, "S%d" % i, 100 + i)
    j.begin("P", 7, "credit", "K-P", pan=PAN)
    j = _reopen(term)  # P is aborted: X
    host = _Host()
    host.lose = "host-timeout"  # the host commits, the reply never arrives
    sync = Sync(term, call=host.call)
    run(sync.once())
    assert sync.last_error == "host-timeout" and _ids(j) == ["S0", "S1", "S2", "P"]
    assert len(host.seen) == 4
    host.lose = None
    run(sync.once())
    first, again = host.batches
    assert first == again and [r["key"] for r in again] == ["K-S0", "K-S1", "K-S2", "K-P"]
    assert len(host.seen) == 4 and _ids(j) == [] and sync.last_error is None
    assert _synced_ids(j) == ["S0", "S1", "S2", "P"] and sync.sent == 4
