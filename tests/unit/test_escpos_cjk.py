# Chinese receipts: GBK codes in FS & ... FS . runs from a GB18030 table on flash, two columns
# a char, and the parser reading them back. The GBK codes below are the standard's (checked
# against CPython's codec in tests/host/test_cjk_font.py); the table here is written by the
# test, so the encoder's search is tested apart from what the catalogue happens to hold.
import os

from drivers.printer.escpos import Receipt, text, width
from drivers.printer.parser import TEXT, EscPosParser, Line
from firmware.ui import text as catalogue

_DIR = "/tmp/pos-unit-gb-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)
# code point (big-endian), GBK code: 元 合 计, ascending
_RECORDS = b"\x51\x43\xd4\xaa" + b"\x54\x08\xba\xcf" + b"\x8b\xa1\xbc\xc6"
HE, JI, YUAN = "\u5408", "\u8ba1", "\u5143"  # 合 计 元


def _table():
    try:
        os.mkdir(_DIR)
    except OSError:
        pass  # there from an earlier run
    path = _DIR + "/gb.bin"
    with open(path, "wb") as f:
        f.write(_RECORDS)
    return path


def _read_back(data, gb, split=None):
    lines = []
    p = EscPosParser(lines.append, gb=gb)
    if split:
        for i in range(len(data)):
            p.feed(data[i : i + 1])
    else:
        p.feed(data)
    return lines


def test_mixed_line_is_exact_bytes():
    gb = _table()
    got = text(HE + JI + " 12.50" + YUAN, gb)
    assert got == b"\x1c&\xba\xcf\xbc\xc6\x1c. 12.50\x1c&\xd4\xaa\x1c."


def test_every_char_of_the_table_first_middle_last():
    gb = _table()
    assert text(YUAN, gb) == b"\x1c&\xd4\xaa\x1c."
    assert text(HE, gb) == b"\x1c&\xba\xcf\x1c."
    assert text(JI, gb) == b"\x1c&\xbc\xc6\x1c."


def test_a_char_the_table_lacks_prints_the_box_and_ascii_is_untouched():
    gb = _table()
    assert text("\u4e2d\u00e9", gb) == b"\x1c&\xa1\xf5\xa1\xf5\x1c."  # 中 é: not in this table
    assert text("Total 9.90", gb) == b"Total 9.90"
    assert text(HE + "\n\x1b", gb) == b"\x1c&\xba\xcf\x1c.??"  # controls never reach the printer


def test_without_a_table_non_ascii_stays_one_question_mark():
    assert text(HE + JI + "1") == b"??1"
    assert width(HE + JI + "1") == 3


def test_width_counts_chinese_as_two_columns():
    gb = _table()
    assert width(HE + JI + " 12.50", gb) == 10
    assert width("abc", gb) == 3


def test_receipt_pair_aligns_by_columns():
    gb = _table()
    r = Receipt(width=16, gb=gb)
    r.pair(HE + JI, "12.50")
    r.line(YUAN)
    assert r.bytes() == (
        b"\x1b@" + b"\x1c&\xba\xcf\xbc\xc6\x1c." + b" " * 7 + b"12.50\n" + b"\x1c&\xd4\xaa\x1c.\n"
    )
    lines = _read_back(r.bytes(), gb)
    assert lines == [Line(TEXT, HE + JI + " " * 7 + "12.50"), Line(TEXT, YUAN)]


def test_parser_reads_chinese_back_however_the_bytes_are_split():
    gb = _table()
    data = text("No." + HE + JI + "7" + YUAN, gb) + b"\n" + text("\xe9") + b"\n"
    want = [Line(TEXT, "No." + HE + JI + "7" + YUAN), Line(TEXT, "?")]
    assert _read_back(data, gb) == want
    assert _read_back(data, gb, split=True) == want
    # outside FS & a byte above 0x7F is one latin-1 char, as before
    assert _read_back(b"\xba\xcf\n", gb) == [Line(TEXT, "\xba\xcf")]


def test_the_catalogues_table_has_the_language_names():
    # "简体中文" is in every catalogue (the language screen), so gb.bin always holds it
    gb = catalogue.path("gb.bin")
    assert text("\u7b80\u4f53\u4e2d\u6587", gb) == b"\x1c&\xbc\xf2\xcc\xe5\xd6\xd0\xce\xc4\x1c."
