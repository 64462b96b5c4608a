# A receipt printed while the terminal speaks Chinese: catalogue labels go out as GBK in FS &
# mode, columns line up counting each Chinese char as two, and the parser reads it back.
from firmware.pos.receipt import receipt_chunks
from firmware.ui import text
from firmware.ui.text import t
from tests.unit.receipt_fixtures import _card_sale, _job, _Term

TOTAL = "\u5408\u8ba1"  # 合计, r-total-label in zh.txt
RECEIPT_NO = "\u5c0f\u7968\u53f7"  # 小票号, r-receipt-no


def _width(s):
    # the UTF-8 lead bytes, not the chars: each char taken out of s would be interned for good
    # on MicroPython
    return len(s) + len([b for b in s.encode() if b >= 0xC0])


def test_chinese_receipt_bytes_and_columns():
    from drivers.printer.parser import EscPosParser

    text.use("zh")
    try:
        assert t("r-total-label") == TOTAL and t("r-receipt-no") == RECEIPT_NO
        data = _job(receipt_chunks(_card_sale(), _Term("zh"), "customer"))
        out = []
        p = EscPosParser(lambda ln: out.append(ln.text), gb=text.path("gb.bin"))
        p.feed(data)
    finally:
        text.use("en")
    # 合计 (4 columns) + 19 spaces + "EUR 12.50" (9) = 32, the bold total line
    assert b"\x1bE\x01\x1c&\xba\xcf\xbc\xc6\x1c." + b" " * 19 + b"EUR 12.50\n\x1bE\x00" in data
    assert TOTAL + " " * 19 + "EUR 12.50" in out
    assert RECEIPT_NO + " " * 24 + "42" in out
    for line in out:
        assert _width(line) <= 32, line
    # ASCII inside a Chinese label stays single width: 终端号 00012345（ID 17）
    assert "\u7ec8\u7aef\u53f7 00012345\uff08ID 17\uff09" in out
