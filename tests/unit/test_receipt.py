# Receipts: the exact bytes of the header, every line of a card sale read back through the
# printer's parser, and the e-invoice check value against an independent HMAC.
import hashlib

from compat import hexlify, unhexlify
from firmware.pos import receipt
from firmware.pos.receipt import receipt_chunks
from firmware.ui.text import t
from tests.unit.receipt_fixtures import SECRET, TS, _card_sale, _job, _lines, _local, _pair, _Term


def _hmac_sha256(key, msg):
    # RFC 2104 written out here, so the test does not trust compat's HMAC
    key = key + b"\0" * (64 - len(key))
    inner = hashlib.sha256(bytes([b ^ 0x36 for b in key]) + msg).digest()
    return hashlib.sha256(bytes([b ^ 0x5C for b in key]) + inner).digest()


def test_the_test_hmac_is_rfc_4231():
    got = _hmac_sha256(b"\x0b" * 20, b"Hi There")
    assert hexlify(got) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"


def test_header_bytes_are_exact():
    data = _job(receipt_chunks(_card_sale(), _Term(), "customer"))
    day, hm, _ = _local(TS)
    head = (
        b"\x1b@"  # ESC @ init
        + b"\x1ba\x01\x1bE\x01CAFE\n\x1bE\x00\x1ba\x00"  # centered, bold
        + b"\x1ba\x011 Main St\n\x1ba\x00"
        + b"\x1ba\x01Springfield\n\x1ba\x00"
        + b"Terminal 00012345 (ID 17)\n"
        + b"Receipt no." + b" " * 19 + b"42\n"
        + (day + " " * (32 - len(day) - len(hm)) + hm + "\n").encode()
        + b"-" * 32 + b"\n"
    )  # fmt: skip
    assert data[: len(head)] == head
    assert data.endswith(b"\x1bd\x03\x1dVA\x00")  # feed 3, then GS V 65 0: cut


def test_card_sale_customer_copy_read_back_through_the_parser():
    lines = _lines(receipt_chunks(_card_sale(), _Term(), "customer"))
    day, hm, stamp = _local(TS)
    assert lines[:-4] == [
        "bc|CAFE",
        "c|1 Main St",
        "c|Springfield",
        "Terminal 00012345 (ID 17)",
        _pair("Receipt no.", "42"),
        _pair(day, hm),
        "-" * 32,
        _pair("Coffee", "4.50"),
        "Croissant",
        _pair("  2 x 4.00", "8.00"),
        "-" * 32,
        "b|" + _pair("TOTAL", "EUR 12.50"),
        _pair("CREDIT", "contactless"),
        _pair("Card", "**** **** **** 1486"),
        _pair("Auth code", "A1B2C3"),
        _pair("Member no.", "M-778"),
        "",
        "bc|CUSTOMER COPY",
    ]
    assert lines[-3:] == [""] * 3  # the feed before the cut
    # the e-invoice QR, centered, and its check value recomputed here
    fields = lines[-4].split("|")
    assert fields[:7] == ["qc", "EINV1", "17", "42", stamp, "1250", "EUR"]
    msg = "pos1 receipt\n17\n42\n%s\n1250\nEUR" % stamp
    assert fields[7] == hexlify(_hmac_sha256(unhexlify(SECRET), msg.encode()))[:16]
    forged = msg.replace("1250", "1251")
    assert fields[7] != hexlify(_hmac_sha256(unhexlify(SECRET), forged.encode()))[:16]


def test_every_label_key_is_in_the_catalogue():
    # keys completed at run time: each completion the firmware can ask for
    more = {
        "r-method-": ("cash", "credit", "debit"),
        "r-entry-": ("swipe", "insert", "tap", "manual"),
        "r-copy-": ("customer", "merchant", "reprint"),
        "r-report-": ("cash", "credit", "debit", "refunds", "voids", "offline"),
    }
    keys = receipt._KEYS.split()
    assert len(keys) > 25
    for key in keys:
        assert len(key) > 10 or key in more, key  # short keys would be interned for good
        for k in [key + n for n in more[key]] if key in more else [key]:
            assert t(k) != k, k
