# The item file: every code found by the binary search on flash, misses are None.
import os

from firmware.flash import Flash
from firmware.pos.items import lookup


def _flash(name, lines, end=b"\n"):
    root = "/tmp/pos-unit-items-%07d-%s" % (os.getpid() if hasattr(os, "getpid") else 0, name)
    flash = Flash(root)
    if lines is None:
        flash.remove("items.csv")
    else:
        with open(flash.path("items.csv"), "wb") as f:
            f.write(end.join(lines) + (end if lines else b""))
    return flash


def test_every_code_is_found_and_gaps_are_misses():
    # codes 1000, 1002, … so that every code has a miss on either side
    lines = [b"%d,Item %d,%d" % (1000 + 2 * i, i, 100 + i) for i in range(60)]
    flash = _flash("many", lines)
    for i in range(60):
        assert lookup(flash, 1000 + 2 * i) == ("Item %d" % i, 100 + i)
        assert lookup(flash, str(1001 + 2 * i)) is None
    assert lookup(flash, "0999") is None
    assert lookup(flash, "999") is None  # sorts after "1…" as bytes: past the end
    assert lookup(flash, "10") is None  # a prefix of every code is not a code


def test_a_long_last_line_is_still_found():
    # a search position inside the last line reads the end of the file: it must not send the
    # search past that line
    long = b"z9,A very long product name indeed, with commas, and more," + b"x" * 200 + b",995"
    flash = _flash("long", [b"a1,Tea,250", b"b2,Cake,390", long])
    assert lookup(flash, "z9") == ("A very long product name indeed, with commas, and more," +
                                   "x" * 200, 995)  # fmt: skip
    assert lookup(flash, "a1") == ("Tea", 250)
    assert lookup(flash, "b2") == ("Cake", 390)
    assert lookup(flash, "zz") is None


def test_names_with_commas_crlf_and_prefix_codes():
    lines = [b"12,Espresso, double,320", b"123,Flat white,350", b"1234,Mocha,410"]
    flash = _flash("crlf", lines, b"\r\n")
    assert lookup(flash, "12") == ("Espresso, double", 320)
    assert lookup(flash, "123") == ("Flat white", 350)
    assert lookup(flash, "1234") == ("Mocha", 410)
    assert lookup(flash, "1") is None


def test_no_file_empty_file_and_one_line():
    assert lookup(_flash("none", None), "1") is None
    assert lookup(_flash("empty", []), "1") is None
    one = _flash("one", [b"7,Water,100"])
    assert lookup(one, 7) == ("Water", 100)
    assert lookup(one, 6) is None and lookup(one, 8) is None
