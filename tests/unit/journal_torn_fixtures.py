# A journal with two sales, then a third record torn at every byte: shared by the tests of
# growing and preallocated segments.
import sys

from firmware.journal import lookup
from tests.unit.journal_fixtures import _OPEN, _bytes, _flash, _ids, _journal, _segments, _sell

_MP = sys.implementation.name == "micropython"


def _write(flash, name, data):
    with open(flash.path("journal/" + name), "wb") as f:
        f.write(data)


def _torn_base(name, **kw):
    flash = _flash(name)
    j = _journal(flash, checkpoint_every=1000, **kw)
    j.open()
    _sell(j, "S1", 100)
    _sell(j, "S2", 200)
    return flash, j


def _check_torn_at_every_byte(prealloc):
    flash, j = _torn_base("torn%d" % prealloc, preallocate=prealloc, segment_bytes=512)
    seg = _segments(flash)[0]
    ckpt = _bytes(flash, "ckpt")
    before = j._off
    j.begin("S3", 300, "tap", "K-S3")
    after = j._off
    j.close()
    whole = _bytes(flash, seg)
    step = 5 if _MP else 1  # every byte on CPython; a spread of them on MicroPython
    cuts = list(range(before, after, step))
    for cut in cuts:
        _write(flash, "ckpt", ckpt)
        # a power cut keeps the bytes written so far; a preallocated file keeps its zeros
        _write(flash, seg, whole[:cut] + (bytes(len(whole) - cut) if prealloc else b""))
        again = _journal(flash, preallocate=prealloc, segment_bytes=512)
        rep = again.open()
        torn = rep["torn"]
        if cut == before:
            assert torn is None, cut
        else:
            assert torn["seg"] == 1 and torn["off"] == before, (cut, torn)
            assert torn["len"] == (len(whole) - before if prealloc else cut - before), torn
        assert rep["aborted"] == [] and rep["corrupt"] == []
        assert lookup.find(again, "S3") is None
        assert _ids(again) == ["S1", "S2"]
        repaired = _bytes(flash, seg)
        assert repaired[:before] == whole[:before]
        assert repaired[before:] == (bytes(len(whole) - before) if prealloc else b"")
        assert again.begin("S3", 300, "tap", "K-S3") == 5  # the torn seq is reused
        again.close()
        third = _journal(flash, preallocate=prealloc)
        assert third.open()["aborted"] == ["S3"]
        third.close()
        _OPEN.clear()
