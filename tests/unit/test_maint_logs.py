# The error log (bounded, card numbers masked, read newest first) and the flash wear counter
# (counts the write points, saves itself rarely and never through a write point).
import json
import os

from firmware.maint import errlog
from firmware.maint.install import rmtree
from firmware.maint.wear import WearFlash
from tests.unit.helpers import VirtualClock

_TMP = "/tmp/pos-unit-maint-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)


class _Term:
    def __init__(self, name, cut=None):
        rmtree(_TMP + "-" + name)
        self.flash = WearFlash(_TMP + "-" + name, cut)
        self.clock = VirtualClock()


def test_card_numbers_are_masked_and_short_numbers_kept():
    assert errlog.mask("pan 4111111111111111 x") == "pan **************** x"
    assert errlog.mask("card 4111 1111 1111 1111.") == "card **** **** **** ****."
    assert errlog.mask("4111-1111-1111") == "****-****-****"
    assert errlog.mask("amount 1250 at 12:30, sale 12345678901") == (
        "amount 1250 at 12:30, sale 12345678901"
    )
    assert errlog.mask("two\nlines") == "two lines"


def test_entries_come_back_newest_first_and_never_hold_a_pan():
    term = _Term("log")
    assert errlog.tail(term.flash) == []
    errlog.record(term, "first")
    term.clock.advance(5000)
    errlog.record(term, "ValueError: bad pan 5500005555555559")
    got = errlog.tail(term.flash)
    assert [text for _, text in got] == ["ValueError: bad pan ****************", "first"]
    assert got[0][0] == got[1][0] + 5
    with open(term.flash.path("errlog"), "rb") as f:
        assert b"5555" not in f.read()


def test_the_log_rolls_at_8_kib_and_keeps_the_newest():
    term = _Term("roll")
    i = 0
    while not term.flash.exists("errlog.1") or term.flash.size("errlog") < 200:
        errlog.record(term, "error number %d %s" % (i, "x" * 60))
        i += 1
    assert term.flash.size("errlog.1") <= 8192
    for _ in range(200):
        errlog.record(term, "error number %d %s" % (i, "x" * 60))
        i += 1
    assert term.flash.size("errlog") <= 8192 and term.flash.size("errlog.1") <= 8192
    got = errlog.tail(term.flash, 1000)
    assert got[0][1].startswith("error number %d " % (i - 1))
    assert 5 < len(got) < 20
    nums = [int(text.split()[2]) for _, text in got]
    assert nums == sorted(nums, reverse=True) and nums[0] - nums[-1] == len(nums) - 1


def test_a_short_log_is_continued_from_the_one_before():
    term = _Term("roll2")
    i = 0
    while not term.flash.exists("errlog.1"):
        errlog.record(term, "error number %d" % i)
        i += 1
    nums = [int(text.split()[2]) for _, text in errlog.tail(term.flash, 600)]
    assert nums[0] == i - 1 and len(nums) > 5  # one in the new log, the rest from errlog.1
    assert nums == list(range(i - 1, i - 1 - len(nums), -1))


def test_a_torn_line_stays_on_its_own():
    term = _Term("torn")
    errlog.record(term, "whole")
    with open(term.flash.path("errlog"), "ab") as f:
        f.write(b"1764100001 half a li")
    errlog.record(term, "next")
    texts = [text for _, text in errlog.tail(term.flash)]
    assert texts == ["next", "half a li", "whole"]


def test_wear_counts_syncs_replacements_and_rolls():
    seen = []
    term = _Term("wear", seen.append)
    flash = term.flash
    assert flash.wear == [0, 0, 0]
    flash.write_atomic("a", b"1")
    assert flash.wear == [1, 1, 0]
    for name in ("journal.append:start", "journal.append:synced", "audit:synced"):
        flash.point(name)
    for name in ("journal.roll:synced", "journal.roll:renamed", "audit:rolled"):
        flash.point(name)
    flash.point("journal.compact:removed")
    assert flash.wear == [4, 2, 3]
    assert "a:renamed" in seen and "audit:rolled" in seen  # the cut hook still sees them all
    assert not flash.exists("wear")  # not yet: at most once per 64 counted steps


def test_wear_is_saved_once_per_64_steps_without_a_write_point_and_read_back():
    seen = []
    term = _Term("wsave", seen.append)
    flash = term.flash
    for _ in range(63):
        flash.point("journal.append:synced")
    assert not flash.exists("wear")
    flash.point("journal.append:synced")
    assert json.loads(flash.read("wear")) == [65, 1, 0]  # the save counts itself
    assert [p for p in seen if "wear" in p] == []
    again = WearFlash(flash.root)
    assert again.wear == [65, 1, 0]
    with open(flash.path("wear"), "w") as f:
        f.write("garbage")
    assert WearFlash(flash.root).wear == [0, 0, 0]
