# The audit trail: one synced JSON line per privileged act, never a secret or a card number,
# rolled at 16 KiB with the previous file kept, and read back newest first.
import json

from firmware.pos.audit import read, record
from tests.unit.helpers import raises
from tests.unit.roles_fixtures import Term, activated


def _lines(term, name="audit/log"):
    return [json.loads(x) for x in term.flash.read(name).split(b"\n") if x]


def test_a_record_is_one_synced_line_naming_the_terminal_and_the_role():
    term = Term("audit-line")
    points = []
    term.flash.cut = points.append
    record(term, "z-report", "supervisor", batch=3)  # not activated yet: no tid
    activated(term)
    term.clock.advance(5000)
    record(term, "void", "supervisor", ref=17, amt=1250)
    got = _lines(term)
    assert got[0] == {
        "ts": 1764100000,
        "tid": None,
        "term": None,
        "role": "supervisor",
        "act": "z-report",
        "batch": 3,
    }
    assert got[1] == {
        "ts": 1764100005,
        "tid": "T01",
        "term": "7",
        "role": "supervisor",
        "act": "void",
        "ref": 17,
        "amt": 1250,
    }
    assert points.count("audit:synced") == 2


def test_secrets_and_card_numbers_are_refused_and_nothing_is_written():
    term = Term("audit-refuse")
    for detail in (
        {"pan": "4111"},
        {"PIN": 1},
        {"track2": "x"},
        {"cvv": "1"},
        {"secret": "ab"},
        {"key_hex": "ab"},
        {"note": "card 4111111111111111 declined"},
        {"n": 411111111111},
        {"note": "4111 1111 1111 1111"},
        {"items": [["4111-1111-1111-1111", 1]]},
    ):
        raises(ValueError, lambda d: record(term, "refund", "supervisor", **d), detail)
    assert not term.flash.exists("audit/log")
    # what is not a card number goes through: 11 digits, amounts in a list, dates
    record(term, "refund", "supervisor", ref=41111111111, it=[[12345678, 2, 12345678]],
           day="2025-11-25", k="a1b2c3d4-17")  # fmt: skip
    assert _lines(term)[0]["ref"] == 41111111111


def _numbers(term, name):
    # line by line: a whole 16 KiB file and its split would not fit the test heap
    out = []
    with open(term.flash.path(name), "rb") as f:
        line = f.readline()
        while line:
            out.append(json.loads(line)["no"])
            line = f.readline()
    return out


def test_the_log_rolls_at_16_kib_keeping_one_old_file_and_reads_newest_first():
    term = Term("audit-roll")
    pad = "x" * 400
    n = rolls = size = since = 0
    while since < 3:  # ~470 bytes a line, about 34 to a file: two rolls, then 3 lines more
        record(term, "reprint", "cashier", no=n, pad=pad)
        n += 1
        was, size = size, term.flash.size("audit/log")
        assert size <= 16384
        if size < was:
            rolls += 1
            assert was + size > 16384  # it rolled only when the next line did not fit
        if rolls == 2:
            since += 1
    old = _numbers(term, "audit/log.1")
    new = _numbers(term, "audit/log")
    assert len(new) == 3 and len(old) > 30
    assert old + new == list(range(old[0], n))
    assert old[0] > 30  # the first file's lines were dropped with it
    # newest first, across both files
    got = [e["no"] for e in read(term, 6)]
    assert got == list(range(new[-1], new[-1] - 6, -1))
    assert read(term, 1)[0]["pad"] == pad
    term.flash.remove("audit/log")  # only the old file: read goes on to it
    assert [e["no"] for e in read(term, 2)] == [old[-1], old[-2]]


def test_a_line_torn_by_a_power_cut_spoils_nothing_after_it():
    term = Term("audit-torn")
    record(term, "void", "supervisor", ref=1)
    with open(term.flash.path("audit/log"), "ab") as f:
        f.write(b'{"ts": 17641')  # the power went here
    assert [e["ref"] for e in read(term, 9)] == [1]
    record(term, "void", "supervisor", ref=2)
    assert [e["ref"] for e in read(term, 9)] == [2, 1]
    assert read(Term("audit-empty"), 3) == []
