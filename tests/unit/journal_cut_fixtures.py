# Power-cut tests of the journal: a cut hook that records every write point and raises at a
# chosen one, and a journal with three sales on flash (two offline, one online).
import os

from firmware.flash import Flash
from firmware.journal.journal import Journal
from tests.unit.helpers import VirtualClock


class _Cut(Exception):
    pass


class _Points:
    """The cut hook: records each write point reached; raises at the chosen (name, hit)."""

    def __init__(self, at=None):
        self.seen = []
        self.at = at

    def __call__(self, name):
        self.seen.append(name)
        if self.at == (name, self.seen.count(name)):
            raise _Cut(name)


def _new(root, cut=None, prealloc=False):
    return Journal(Flash(root, cut), VirtualClock(), segment_bytes=600, keep_days=0,
                   checkpoint_every=3, preallocate=prealloc)  # fmt: skip


def _open(root, cut=None, prealloc=False):
    j = _new(root, cut, prealloc)
    return j, j.open()


def _base(root, prealloc):
    try:
        for n in os.listdir(root + "/journal"):
            os.remove(root + "/journal/" + n)
    except OSError:
        pass
    j, _ = _open(root, None, prealloc)
    for sid, amt, off in (("S1", 100, True), ("S2", 200, True), ("S3", 300, False)):
        j.begin(sid, amt, "tap", "K-" + sid)
        j.approve(sid, None if off else "OK", off)
    j.close()
