# Nothing of the card but its last 4 digits on paper, for a record as the journal keeps it.
# The journal's reading side is dropped once the record is read, as the printing screen would
# not hold it: the builder, the journal and the test's own code barely fit a 64 KiB heap.
import gc
import sys

from tests.unit.receipt_fixtures import _job, _Term

PAN = "4539578763621486"


def _journaled():
    # an approved card sale written and read back: it carries pe (the PAN and expiry, encrypted)
    from firmware.overlay import unload
    from tests.unit.journal_fixtures import _flash, _journal

    j = _journal(_flash("rcpt-pan"))
    j.open()
    seq = j.begin(42, 1250, "credit", "ab12cd34-42", pan=PAN + "=3012", cur="EUR")
    j.approve(42, "A1B2C3")
    from firmware.journal import lookup

    rec = lookup.read(j, seq + 1)
    j.close()
    for name in list(sys.modules):
        if name.startswith("firmware.journal") or name == "tests.unit.journal_fixtures":
            unload(name)
    gc.collect()
    return rec


def test_nothing_of_the_card_but_the_last_4_on_paper():
    rec = _journaled()
    from firmware.pos.receipt import receipt_chunks  # after the journal has gone

    assert rec["t"] == "A" and rec["pe"] and rec["l4"] == "1486" and rec["auth"] == "A1B2C3"
    term = _Term("pan")
    # no secret: no QR either, so every byte printed can be checked for digits of the PAN
    # (test_receipt.py checks the QR holds exactly its fields)
    del term.store.records["activation"]["secret"]
    for copy in ("customer", "merchant", "reprint"):
        data = _job(receipt_chunks(rec, term, copy))
        assert b"**** **** **** 1486" in data and b"A1B2C3" in data, copy
        assert rec["pe"].encode() not in data and rec["pe"][:8].encode() not in data
        assert b"3012" not in data and b"12/30" not in data and b"30/12" not in data
        for i in range(len(PAN) - 4):  # no 5 digits in a row of the PAN
            assert PAN[i : i + 5].encode() not in data, (copy, PAN[i : i + 5])
