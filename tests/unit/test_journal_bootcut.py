# A power cut at every write point of boot recovery itself (cutting a torn tail, aborting a
# pending sale, checkpointing): booting again always ends in the same state.
import os

from firmware.journal import history
from tests.unit.journal_cut_fixtures import _base, _Cut, _new, _open, _Points

_ROOT = "/tmp/pos-unit-jrboot-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)


def _torn_boot_base():
    _base(_ROOT, False)
    j, _ = _open(
        _ROOT,
    )
    j.begin("S9", 900, "tap", "K-S9")
    j.close()
    seg = sorted(n for n in os.listdir(_ROOT + "/journal") if n.endswith(".seg"))[-1]
    with open(_ROOT + "/journal/" + seg, "ab") as f:
        f.write(b"\xd5\x00\x40\x00\x00\x00")  # the start of a record the power cut stopped


def test_cut_at_every_write_point_of_boot_recovery():
    _torn_boot_base()
    rec = _Points()
    _open(_ROOT, rec)[0].close()
    assert "journal.repair:renamed" in rec.seen and "journal.append:synced" in rec.seen
    counted = {}
    for name in rec.seen:
        counted[name] = counted.get(name, 0) + 1
        _torn_boot_base()
        j = _new(_ROOT, _Points((name, counted[name])))
        try:
            j.open()
        except _Cut:
            pass
        j.close()
        j, rep = _open(
            _ROOT,
        )
        got = [(r["id"], r["t"]) for r in history.unsynced(j)]
        # S9 never got an outcome: reported as aborted once, however often boot was cut
        assert got == [("S1", "A"), ("S2", "A"), ("S9", "X")], (name, got)
        # a tail to cut again only if this cut came before the repair's rename or tore the
        # ABORTED record in half
        torn = name in ("journal.repair:synced", "journal.append:torn")
        assert (rep["torn"] is not None) == torn, (name, rep["torn"])
        j.close()
