# Segments roll at their size limit; boot reads the checkpoint and the tail only.

from firmware.journal import lookup
from tests.unit.journal_fixtures import _bytes, _flash, _ids, _journal, _segments, _sell


def test_segments_roll_at_the_size_limit_and_read_back():
    flash = _flash("roll")
    j = _journal(flash, segment_bytes=512, checkpoint_every=1000)
    j.open()
    for i in range(12):
        _sell(j, "S%02d" % i, 100 + i)
    names = _segments(flash)
    assert len(names) >= 4
    seqs = [int(n[:-4]) for n in names]
    assert seqs[0] == 1 and seqs == sorted(seqs)
    for n in names:
        assert 0 < len(_bytes(flash, n)) <= 512
    again = _journal(flash, segment_bytes=512, checkpoint_every=1000)
    rep = again.open()
    assert rep["checkpoint"] == "used"  # written when the last segment started
    assert rep["scanned"] < 24
    for seq in range(1, 25):
        assert lookup.read(again, seq)["seq"] == seq
    assert _ids(again) == ["S%02d" % i for i in range(12)]
    full = _journal(flash, segment_bytes=512)
    assert full.open(replay=True)["scanned"] == 24
    assert full.summary() == again.summary()
    assert full.summary()["total"] == sum(100 + i for i in range(12))


def test_boot_reads_the_checkpoint_and_the_tail_only():
    flash = _flash("tail")
    j = _journal(flash, checkpoint_every=7)
    j.open()
    for i in range(20):
        _sell(j, "S%d" % i, 5)
    j.begin("S20", 5, "tap", "K")
    assert j.summary()["pending"] == 1
    # checkpoints after seq 1 (a new segment), then every 7: 8, 15, ... 36; 37-41 are the tail
    rep = _journal(flash, checkpoint_every=7).open()
    assert rep["checkpoint"] == "used" and rep["scanned"] == 5
    assert rep["aborted"] == ["S20"]
