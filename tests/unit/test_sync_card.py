# A card the forwarder (firmware/pos/sync.py) cannot decrypt goes without it: the host rejects
# the record, which is final, so a damaged record cannot hold up the queue.
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _offline, _Term


def test_an_unreadable_card_goes_without_it_and_does_not_block_the_queue():
    term = _Term("bad")
    j = term.journal
    _offline(j, "S1", 100, pe="01" + "00" * 48)  # damaged: the tag does not verify
    _offline(j, "S2", 200)
    host = _Host()
    sync = Sync(term, call=host.call)
    run(sync.once())
    bad, good = host.batches[0]
    assert "pan" not in bad and "exp" not in bad and bad["method"] == "manual"
    assert good["pan"] == "4111111111111111"
    assert _ids(j) == [] and sync.unreadable == 1 and sync.last_error == "card-unreadable"
    assert sync.state == "idle"
