# Report totals read back from a real journal: per method, voids, refunds, offline, net.
import gc

from firmware.journal import history
from firmware.pos.totals import since
from tests.unit.journal_fixtures import _flash, _journal


def _sale(j, amount, method, outcome="A", offline=False, l4="4242"):
    # the receipt number is the seq the P record gets (docs/selling.md)
    no = j._next
    j.begin(no, amount, method, "k-%d" % no, last4=None if method == "cash" else l4)
    if outcome == "A":
        j.approve(no, "CASH" if method == "cash" else (None if offline else "AU%d" % no), offline)
    elif outcome == "D":
        j.decline(no, "insufficient-funds")
    elif outcome == "X":
        j.append({"t": "X", "id": no})
    return no


def _void(j, sale):
    no = j._next
    j.void(no, sale, "k-%d" % sale, offline=True)
    return no


def _refund(j, amount, sale):
    no = j._next
    j.refund(no, amount, "k-%d" % no, offline=True, sale_id=sale, sale_key="k-%d" % sale)
    return no


def test_sales_voids_refunds_and_outcomes_that_do_not_count():
    j = _journal(_flash("totals-mix"))
    j.open()
    first = _sale(j, 1000, "cash")
    _sale(j, 2500, "credit")
    _sale(j, 1200, "debit", offline=True)
    _sale(j, 700, "credit", "D")  # declined: counts nowhere
    _sale(j, 300, "credit", "X")  # aborted by a power cut: counts nowhere
    voided = _sale(j, 4000, "credit", offline=True)
    _void(j, voided)
    last = _refund(j, 500, first)
    got = since(j, 0)
    assert got["cash"] == [1, 1000]
    assert got["credit"] == [1, 2500]
    assert got["debit"] == [1, 1200]
    assert got["voids"] == [1, 4000]  # under voids, not under credit nor offline
    assert got["refunds"] == [1, 500]
    assert got["offline"] == [1, 1200]
    assert got["net"] == 1000 + 2500 + 1200 - 500
    assert (got["first"], got["last"]) == (first, last)
    clock_ts = j.clock.time()
    assert got["t0"] == clock_ts and got["t1"] == clock_ts


def test_only_records_from_the_batch_start_count():
    j = _journal(_flash("totals-from"))
    j.open()
    old = _sale(j, 900, "cash")
    start = j._next  # the batch starts here: the old sale was on the last Z report
    sale = _sale(j, 1500, "debit")
    _void(j, old)  # a void of a sale before the batch: that sale is not in these totals
    got = since(j, start)
    assert (got["cash"], got["debit"], got["voids"]) == ([0, 0], [1, 1500], [0, 0])
    assert (got["first"], got["net"]) == (sale, 1500)
    assert since(j, 0)["voids"] == [1, 900]


def test_an_empty_batch():
    j = _journal(_flash("totals-empty"))
    j.open()
    _sale(j, 100, "cash")
    got = since(j, j._next)
    for key in ("cash", "credit", "debit", "refunds", "voids", "offline"):
        assert got[key] == [0, 0], key
    assert (got["first"], got["last"], got["net"], got["t0"]) == (None, None, 0, None)


def test_streams_a_long_journal_over_segments_and_sync_records():
    # More records than a 64 KiB heap could hold decoded at once, over many segments, with
    # SYNCED records in between: read a frame at a time.
    j = _journal(_flash("totals-long"), segment_bytes=2048, checkpoint_every=1000)
    j.open()
    want = {"cash": 0, "credit": 0}
    n = 0
    for i in range(150):
        method = "cash" if i % 3 == 0 else "credit"
        _sale(j, 100 + i, method, offline=method == "credit")
        want[method] += 100 + i
        n += method == "credit"
        if i % 25 == 24:
            history.mark_synced(j, [r["id"] for r in history.unsynced(j)])
    assert len(j._firsts) > 5
    gc.collect()
    got = since(j, 0)
    assert got["cash"] == [50, want["cash"]]
    assert got["credit"] == [100, want["credit"]]
    assert got["offline"] == [n, want["credit"]]
    assert got["net"] == want["cash"] + want["credit"]
