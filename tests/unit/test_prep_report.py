# The preparation check's printed report (firmware/ui/selfcheck.py): every item, the result
# and what to do about each failure, on 32 columns. Printed by the technician's check always,
# by activation's when it fails (and the printer works).
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load (64 KiB).
from tests.unit.care_fixtures import Host, NetError, Term, run  # isort: skip
from firmware.ui.selfcheck import SelfCheck

# What the report loads when it prints, loaded before the tests fragment the 64 KiB heap.
import drivers.printer.escpos  # noqa: E402, F401  # isort: skip


def test_the_report_lists_every_item_and_what_to_fix():
    term = Term()
    term.power = (12, False)
    check = SelfCheck(term, "tech", "5")
    with Host(lambda p, b: NetError("host-silent")):
        run(check.start())
    assert check.lines[0] == "Network     FAIL"
    assert check.lines[1:4] == ["No answer from", "the host: try", "again later."]
    assert "Report printed." in " ".join(check.lines)
    assert term.shows == 1 and "Network     FAIL" in term.rows  # on the display while printing
    paper = bytes(term.paper)
    assert paper.startswith(b"\x1b@") and paper.endswith(b"\x1dVA\x00")  # init ... cut
    paper = paper.replace(b"\n", b" ")
    for text in (
        b"PREPARATION CHECK",
        b"SN SN-CARE-1",
        b"Printer                       OK",
        b"Keypad                        OK  key 5",
        b"Network                     FAIL",
        b"Power                       FAIL  battery 12%",
        b"RESULT                      FAIL",
        b"TO FIX:",
        b"Network: No answer from the host: try again later.",
        b"Power: Battery low: plug in the mains.",
    ):
        assert text in paper, text
