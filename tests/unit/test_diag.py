# The diagnostic report (firmware/ui/diag.py): what it collects (never card data), the slip it
# prints, and sending it to the host — each outcome said on the screen.
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load (64 KiB).
from tests.unit.care_fixtures import Host, NetError, Term, activate, run, shown  # isort: skip
from firmware.events import KEY, Event
from firmware.ui.diag import DiagReport, collect


class _Journal:
    def summary(self):
        return {"count": 2, "total": 1250, "oldest": 1764099000, "unsynced": 3, "pending": 0}


class _Sync:
    state = "waiting"
    last_error = "host-silent"


def _term():
    term = Term({"currency": "EUR"})
    activate(term)
    term.journal = _Journal()
    term.sync = _Sync()
    return term


def test_the_report_holds_what_support_asks_for():
    term = _term()
    rep = collect(term, "paper-low")
    assert (rep["version"], rep["serial"], rep["tid"], rep["state"]) == (
        "0.1.0",
        "SN-CARE-1",
        7,
        "ACTIVE",
    )
    assert rep["boots"] == 2 and rep["net"] is True and rep["printer"] == "paper-low"
    assert rep["journal"]["unsynced"] == 3 and rep["sync"] == ["waiting", "host-silent"]
    assert rep["flash"] == 1 << 20
    assert rep["errors"] == {"sync": "host-silent"}
    assert rep["heap"] is None or rep["heap"] > 0  # MicroPython says, CPython cannot
    term.journal = term.sync = None
    term.printer_problem = "paper-out"
    rep = collect(term, None)
    assert rep["journal"] is None and rep["sync"] is None and rep["printer"] == "ok"
    assert rep["errors"] == {"printer": "paper-out"}


def test_printed_and_sent_then_cancel_goes_back_to_troubleshooting():
    term = _term()
    screen = DiagReport(term)
    assert "Printing and sending" in shown(term.draw(screen))
    with Host(lambda p, b: (200, {"status": "stored", "report": 17}, True)) as host:
        assert run(screen.start()) is screen
    assert [path for path, _ in host.sent] == ["/v1/diag"]
    body = host.sent[0][1]
    assert body["serial"] == "SN-CARE-1" and body["sync"] == ["waiting", "host-silent"]
    assert screen.lines == ["Report printed.", "Sent to the host", "as report 17."]
    paper = bytes(term.paper).replace(b"\n", b" ")
    for text in (
        b"DIAGNOSTIC REPORT",
        b"Serial                 SN-CARE-1",
        b"Terminal ID                    7",
        b"Activation                 Ready",  # states and errors in the catalogue's words
        b"Not forwarded                  3",
        b"Offline amount     2 / 12.50 EUR",
        b"Sync               Retrying soon",
        b"LAST ERRORS",
        b"Sync: No answer from the host: try again later.",  # wrapped to 32 columns
    ):
        assert text in paper, text
    assert "ENTER: retry" in shown(term.draw(screen))
    assert run(screen.handle(Event(KEY, "CANCEL", 0))) == ("firmware.ui.care", "Topics", "trouble")
    assert type(run(screen.handle(Event(KEY, "ENTER", 0)))) is DiagReport


def test_without_paper_it_is_still_sent_and_a_failed_send_says_why():
    term = _term()
    term.problem = "paper-out"
    screen = DiagReport(term)
    with Host(lambda p, b: NetError("network-down")) as host:
        run(screen.start())
    assert host.sent[0][1]["printer"] == "paper-out"
    assert screen.lines[:2] == ["Not printed:", "Paper out"]
    assert " ".join(screen.lines[2:]) == "Not sent: Network down: check the cable or Wi-Fi."
    assert term.paper == b""
    # a signed refusal from the host (a terminal it has not approved)
    screen = DiagReport(term)
    with Host(lambda p, b: (403, {"error": "not-approved"}, True)):
        run(screen.start())
    assert "Not sent: The host has not approved this terminal." in " ".join(screen.lines)


def test_before_activation_the_report_is_only_printed():
    term = Term()
    screen = DiagReport(term)
    with Host(lambda p, b: (200, {}, True)) as host:
        run(screen.start())
    assert host.sent == []
    assert screen.lines[0] == "Report printed."
    assert "not activated: the report was only printed" in " ".join(screen.lines)
    assert b"Activation         Not activated" in term.paper
