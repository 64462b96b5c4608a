# The unsynced index keeps a 32-bit hash of each id, not the id: two ids with the same hash are
# told apart on flash, never confused (neither refused as taken, nor synced for the other).
import os
from binascii import crc32

from firmware.flash import Flash
from firmware.journal import history, lookup
from firmware.journal.journal import Journal, JournalError
from tests.unit.helpers import VirtualClock, raises
from tests.unit.journal_fixtures import _ids

A = "S29685295"
B = "S32060020"  # the same CRC32 as A


def _journal(flash, clock, **kw):
    j = Journal(flash, clock, **kw)
    j.open()
    return j


def test_ids_with_the_same_hash_are_kept_apart():
    assert crc32(A.encode()) == crc32(B.encode()) == 2895821471
    root = "/tmp/pos-unit-jrhash-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)
    try:
        for n in os.listdir(root + "/journal"):
            os.remove(root + "/journal/" + n)
    except OSError:
        pass
    flash = Flash(root)
    clock = VirtualClock()
    j = _journal(flash, clock)
    j.begin(A, 100, "tap", "K-A")
    j.approve(A, offline=True)
    clock.advance(60000)
    assert j.begin(B, 200, "tap", "K-B") == 3  # A's hash, but not A: not taken
    j.approve(B, offline=True)
    raises(JournalError, j.begin, A, 5, "tap", "K")  # A itself is
    assert _ids(j) == [A, B] and j.summary()["total"] == 300
    assert (lookup.find(j, A)["amt"], lookup.find(j, B)["amt"]) == (100, 200)
    assert lookup.find(j, A)["synced"] is False
    assert history.mark_synced(j, [A]) == 5
    assert _ids(j) == [B] and lookup.find(j, A)["synced"] is True
    assert lookup.find(j, B)["synced"] is False
    synced = lookup.read(j, 5)
    assert (synced["ids"], synced["q"], synced["amt"], synced["old"]) == (
        [A],
        [2],
        [100],
        1764100060,
    )
    assert j.summary() == {
        "count": 1,
        "total": 200,
        "oldest": 1764100060,
        "unsynced": 1,
        "pending": 0,
    }
    j.close()
    for replay in (False, True):
        again = _journal(flash, clock)
        again.close()
        again.open(replay)
        assert _ids(again) == [B] and again.summary() == j.summary(), replay
        again.close()
    assert history.mark_synced(j, [A]) is None
    j.close()
