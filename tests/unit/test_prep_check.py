# Activation's preparation check (firmware/ui/selfcheck.py): what passes, what fails with what
# to do first, and FACTORY → PREPARED only on a pass. The devices are the small models of
# care_fixtures.py; test_prep_check_tech.py has the technician's check, test_prep_report.py the
# printed report (each module's tests and fixtures must fit in 64 KiB).
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load.
from tests.unit.care_fixtures import Host, Term, activate, run, shown  # isort: skip
from firmware.activation import get
from firmware.events import KEY, SCAN, Event
from firmware.ui.selfcheck import SelfCheck


def _check(term, screen, reply=lambda path, body: (200, {"status": "ok"}, True)):
    with Host(reply) as host:
        assert run(screen.start()) is screen
    return host


def test_a_pass_moves_to_prepared_and_prints_nothing():
    term = Term()
    screen = SelfCheck(term)
    host = _check(term, screen, lambda p, b: (400, {}, False))  # any HTTP answer will do
    assert host.sent == [("/v1/ping", None)]  # no secret yet: the plain request
    assert screen.ok and get(term)["state"] == "PREPARED" and term.states == ["PREPARED"]
    assert term.queries == 1  # the card reader was asked (and answered)
    assert term.level == 7 * 255 // 9  # the display took a command
    rows = screen.lines
    assert rows[:6] == [
        "Printer       OK",
        "Display       OK",
        "Keypad        OK",
        "Card reader   OK",
        "Scanner      SET",
        "Network       OK",
    ]
    assert rows[6].startswith(" host ") and rows[6].endswith(" ms")
    assert rows[7:11] == ["Power         OK", " mains power", "Flash         OK", " 1024K free"]
    assert rows[11].startswith("Memory")
    assert "ENTER: next" in shown(term.draw(screen))
    assert term.paper == b""  # a pass in activation prints nothing
    nxt = run(screen.handle(Event(KEY, "ENTER", 0)))
    assert nxt == ("firmware.ui.setup", "Setup", "merchant")


def test_paper_out_comes_first_with_its_fix_and_nothing_prints():
    term = Term()
    term.problem = "paper-out"
    screen = SelfCheck(term)
    _check(term, screen)
    assert screen.ok is False and get(term)["state"] == "FACTORY"
    assert screen.lines[:2] == ["Printer     FAIL", " Paper out"]
    assert " ".join(screen.lines[2:5]) == "Load a new paper roll and close the cover."
    assert screen.lines[5] == "Display       OK"
    assert "Report not printed: fix the printer first." in " ".join(screen.lines)
    assert term.paper == b""
    assert "ENTER: retry" in shown(term.draw(screen))
    again = run(screen.handle(Event(KEY, "ENTER", 0)))
    assert type(again) is SelfCheck and again is not screen and again.mode is None


def test_dead_devices_and_an_unverified_host_fail_each_with_its_fix():
    term = Term()
    activate(term, "PENDING_REVIEW")
    term.problem = "printer-offline"
    term.reader = False
    term.answers = False
    term.power = (12, False)
    term.free = 1000
    screen = SelfCheck(term)
    _check(term, screen, lambda p, b: (401, {"error": "bad-mac"}, False))
    text = " ".join(screen.lines)
    assert screen.lines[0] == "Printer     FAIL"
    for failed in (
        "Display     FAIL The display did not answer",
        "Card reader FAIL The card reader did not answer",
        "Network     FAIL The host could not verify this terminal",
        "Power       FAIL  battery 12% Battery low: plug in the mains.",
        "Flash       FAIL  0K free Flash nearly full",
    ):
        assert failed in text, failed
    assert get(term)["state"] == "PENDING_REVIEW"
    assert term.queries == 1 and term.paper == b""


def test_a_barcode_while_the_check_shows_proves_the_scanner():
    term = Term()
    term.problem = "printer-offline"  # no report: this is about the scanner
    screen = SelfCheck(term, "tech", "1")
    _check(term, screen)
    assert "Scanner      SET" in screen.lines
    assert "Scan any barcode to test the scanner." in " ".join(screen.lines)
    assert run(screen.handle(Event(SCAN, "4006381333931", 0))) is screen
    assert "Scanner       OK" in screen.lines
    assert "Scan any barcode" not in " ".join(screen.lines)
    term.scanner = None  # none fitted: not a failure
    term.problem = None
    screen = SelfCheck(term)
    _check(term, screen)
    assert "Scanner       --" in screen.lines and screen.ok
