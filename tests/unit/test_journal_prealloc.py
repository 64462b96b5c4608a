# Torn writes in a preallocated segment, and a torn approval: never half-kept.
import sys

from firmware.journal import history, lookup
from tests.unit.journal_fixtures import _bytes, _journal, _segments
from tests.unit.journal_torn_fixtures import _check_torn_at_every_byte, _torn_base

_MP = sys.implementation.name == "micropython"


def _write(flash, name, data):
    with open(flash.path("journal/" + name), "wb") as f:
        f.write(data)


def test_torn_tail_is_cut_in_a_preallocated_segment():
    _check_torn_at_every_byte(True)


def test_torn_approval_reports_the_sale_not_approved():
    flash, j = _torn_base("tornA")
    seg = _segments(flash)[0]
    j.begin("S3", 300, "tap", "K-S3")
    before = j._off
    j.approve("S3", offline=True)
    j.close()
    whole = _bytes(flash, seg)
    _write(flash, seg, whole[: before + 30])
    again = _journal(flash)
    rep = again.open()
    assert rep["torn"] == {"seg": 1, "off": before, "len": 30}
    assert rep["aborted"] == ["S3"]
    got = lookup.find(again, "S3")
    assert (got["state"], got["why"], got["amt"], got["k"]) == (
        "aborted",
        "power-cut",
        300,
        "K-S3",
    )
    # the host hears of it (to reverse anything it approved under that key), S1/S2 as sales
    assert [(r["id"], r["t"]) for r in history.unsynced(again)] == [
        ("S1", "A"),
        ("S2", "A"),
        ("S3", "X"),
    ]
    assert again.summary()["count"] == 2
    # a second boot reports nothing new
    rep2 = _journal(flash).open()
    assert rep2["aborted"] == [] and rep2["torn"] is None
