# X and Z reports read back through the printer's parser (lines as receipt_fixtures._lines
# spells them).
from firmware.pos.receipt import report_chunks
from tests.unit.receipt_fixtures import TS, _lines, _local, _pair, _Term


def test_x_and_z_reports():
    totals = {"cash": [2, 3000], "credit": [3, 7550], "debit": [1, 1200], "refunds": [1, 500],
              "voids": [1, 4000], "offline": [1, 1200], "first": 11, "last": 29,
              "net": 11250, "t0": TS, "t1": TS + 600}  # fmt: skip
    term = _Term("report")
    day, hm, _ = _local(TS)
    day2, hm2, _ = _local(TS + 3600)  # the clock: when the report printed
    head = ["c|1 Main St", "c|Springfield", "Terminal 00012345 (ID 17)"]
    body = [
        _pair("Batch no.", "7"),
        _pair("From", day + " " + hm),
        _pair("To", day2 + " " + hm2),
        "-" * 32,
        _pair("Cash (2)", "30.00"),
        _pair("Credit (3)", "75.50"),
        _pair("Debit (1)", "12.00"),
        _pair("Refunds (1)", "5.00"),
        _pair("Voids (1)", "40.00"),
        _pair("Offline (1)", "12.00"),
        "-" * 32,
        "b|" + _pair("NET TOTAL", "EUR 112.50"),
        _pair("First receipt", "11"),
        _pair("Last receipt", "29"),
    ]
    x = _lines(report_chunks(totals, term, "X"))
    assert x == ["bc|X REPORT", "bc|CAFE"] + head + body + [""] * 3
    z = _lines(report_chunks(totals, term, "Z"))
    closed = ["", "bwc|BATCH CLOSED"]
    assert z == ["bc|Z REPORT - END OF DAY", "bc|CAFE"] + head + body + closed + [""] * 3


def test_an_empty_report():
    empty = {"cash": [0, 0], "first": None, "last": None, "net": 0, "t0": None}
    lines = _lines(report_chunks(empty, _Term("report0"), "X"))
    assert _pair("From", "-") in lines and _pair("First receipt", "-") in lines
    assert _pair("Voids (0)", "0.00") in lines and "b|" + _pair("NET TOTAL", "EUR 0.00") in lines
