# Receipts of every kind of record (copies and reprints: test_receipt_copies.py) and amounts
# as configured, read back through the printer's parser (lines as receipt_fixtures._lines spells).
from firmware.pos.receipt import receipt_chunks
from tests.unit.receipt_fixtures import TS, _card_sale, _lines, _pair, _Term


def test_offline_declined_void_and_refund():
    term = _Term("kinds")
    lines = _lines(receipt_chunks(_card_sale(auth="OFFLINE", off=1), term, "customer"))
    assert "b|OFFLINE" in lines and _pair("Auth code", "OFFLINE") not in lines
    declined = _card_sale(t="D", why="insufficient-funds")
    del declined["auth"]
    lines = _lines(receipt_chunks(declined, term, "customer"))
    assert "bwc|DECLINED" in lines and "Reason: insufficient funds" in lines
    # no e-invoice for a sale that did not happen
    assert [ln for ln in lines if ln.startswith("qc|")] == []
    void = {"t": "V", "id": 43, "ref": 42, "k": "ab12cd34-42", "off": 1, "ts": TS + 60}
    lines = _lines(receipt_chunks(void, term, "merchant"))
    assert "bwc|VOID" in lines and _pair("Receipt no.", "43") in lines
    assert _pair("Original receipt", "42") in lines
    assert "TOTAL" not in " ".join(lines) and "c|Signature" not in lines
    refund = {"t": "R", "id": 44, "ref": 42, "amt": 450, "k": "99-44", "off": 1, "l4": "1486",
              "m": "credit", "em": "insert", "ts": TS + 120}  # fmt: skip
    lines = _lines(receipt_chunks(refund, term, "customer"))
    assert "bwc|REFUND" in lines and _pair("Original receipt", "42") in lines
    assert _pair("CREDIT", "chip") in lines and "b|" + _pair("TOTAL", "EUR 4.50") in lines


def test_amounts_follow_decimals_currency_and_width():
    term = _Term("money", decimals=0, currency="JPY", paper_cols=42)
    lines = _lines(receipt_chunks(_card_sale(amt=5, cur=None), term, "customer"))
    assert "b|TOTAL" + " " * 32 + "JPY 5" in lines and "-" * 42 in lines
    lines = _lines(receipt_chunks(_card_sale(amt=5), _Term("money3", decimals=3), "customer"))
    assert "b|" + _pair("TOTAL", "EUR 0.005") in lines
