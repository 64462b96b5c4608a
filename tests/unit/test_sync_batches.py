# How the forwarder (firmware/pos/sync.py) cuts the queue into batches: no more than there is
# room for (heap, the host's body limit), and the lock free for a sale between them.
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _offline, _Term


def test_a_batch_takes_no_more_than_there_is_room_for():
    term = _Term("room")
    for i in range(5):
        _offline(term.journal, "S%d" % i, 100 + i)
    host = _Host()
    sync = Sync(term, call=host.call)
    term.config["sync_bytes"] = 450  # a card sale is ~190 characters: two fit
    run(sync.once())
    assert [len(b) for b in host.batches] == [2, 2, 1] and _ids(term.journal) == []
    _offline(term.journal, "S5", 1)
    _offline(term.journal, "S6", 1)
    term.config["sync_bytes"] = 0  # never less than one record, or nothing would ever go
    run(sync.once())
    assert [len(b) for b in host.batches[3:]] == [1, 1] and _ids(term.journal) == []
