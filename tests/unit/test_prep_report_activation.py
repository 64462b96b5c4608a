# The preparation check activation runs prints its report only when it fails (and the printer
# works). Its own module: each runs in a fresh 64 KiB heap under MicroPython.
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load (64 KiB).
from tests.unit.care_fixtures import Host, Term, run  # isort: skip
from firmware.ui.selfcheck import SelfCheck

# What the report loads when it prints, loaded before the tests fragment the 64 KiB heap.
import drivers.printer.escpos  # noqa: E402, F401  # isort: skip


def test_activation_prints_only_when_it_fails():
    term = Term()
    with Host(lambda p, b: (400, {}, False)):
        run(SelfCheck(term).start())
    assert term.paper == b""
    term.reader = False
    with Host(lambda p, b: (400, {}, False)):
        run(SelfCheck(term).start())
    paper = bytes(term.paper).replace(b"\n", b" ")
    assert b"Card reader                 FAIL" in paper
    assert b"Card reader: The card reader did not answer" in paper
    assert b"RESULT                      FAIL" in paper
