# A write the file system takes only in part (a full disk, a signal): the append fails, the
# journal refuses more until it is opened again, and the records before it stay whole.
from firmware.journal.journal import JournalError
from tests.unit.helpers import raises
from tests.unit.journal_fixtures import _flash, _ids, _journal, _sell


class _Short:
    """The open segment, taking all but the last byte of each write and saying so."""

    def __init__(self, f):
        self.f = f

    def write(self, data):
        return self.f.write(data[:-1])

    def flush(self):
        self.f.flush()

    def fileno(self):
        return self.f.fileno()

    def close(self):
        self.f.close()


def test_a_short_write_fails_the_append_and_loses_nothing_before_it():
    flash = _flash("short")
    j = _journal(flash)
    j.open()
    _sell(j, "S1", 100)
    j._f = _Short(j._f)
    raises(OSError, j.begin, "S2", 200, "tap", "K-S2")
    raises(JournalError, j.begin, "S3", 300, "tap", "K-S3")  # broken until opened again
    j.close()
    again = _journal(flash)
    report = again.open()
    assert report["torn"] is not None and report["lost"] == []
    assert _ids(again) == ["S1"] and again.summary()["pending"] == 0
    _sell(again, "S2", 200)
    assert _ids(again) == ["S1", "S2"]
