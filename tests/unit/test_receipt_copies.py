# The copies of a receipt and a reprint, read back through the printer's parser (lines as
# receipt_fixtures._lines spells them). Apart from test_receipt_kinds.py: the builder, the
# parser and four receipts with their QR codes do not fit one 64 KiB MicroPython heap in turn.
from firmware.pos.receipt import receipt_chunks
from tests.unit.receipt_fixtures import _card_sale, _lines, _pair, _Term


def test_a_card_sale_signed_on_the_merchant_copy():
    term = _Term("copies")
    merchant = _lines(receipt_chunks(_card_sale(), term, "merchant"))
    assert "bc|MERCHANT COPY" in merchant and "bc|CUSTOMER COPY" not in merchant
    # a card sale's merchant copy: the signature line, then the QR and the feed
    assert merchant[-6:-4] == ["x" + "_" * 31, "c|Signature"]
    customer = _lines(receipt_chunks(_card_sale(), term, "customer"))
    assert "c|Signature" not in customer


def test_cash_and_reprint_copies():
    term = _Term("copies")
    cash = _card_sale(m="cash", auth="CASH", tnd=2000, l4=None, em=None)
    lines = _lines(receipt_chunks(cash, term, "merchant"))
    assert "c|Signature" not in lines and _pair("Auth code", "CASH") not in lines
    assert _pair("Cash tendered", "20.00") in lines and _pair("Change", "7.50") in lines
    assert "CASH" in lines
    lines = _lines(receipt_chunks(_card_sale(), term, "reprint"))
    assert lines[0] == "bwc|*** REPRINT ***"
    assert "bwc|COPY" in lines and "c|Signature" not in lines
