# The activation test slip and the diagnostic report, printed while the terminal speaks
# Chinese (test_slips_zh.py: the other slips): Chinese in the printer's Chinese mode, read back
# as Chinese in 32 columns; states, printer problems and the host's reasons in the catalogue's
# words, not as the names the terminal keeps.
from compat import asyncio
from tests.unit.zh_slip_fixtures import Term, printed, zh


def test_activation_test_slip():
    term = Term("TEST_TXN")
    rec = term.get("activation")
    rec.update(merchant="100234", terminal="00012345", last4="0010", auth="123456")

    def build():
        from firmware.ui.testslip import TestSlip

        asyncio.run(TestSlip(term).start())
        return bytes(term.paper)

    words = ("slip-heading", "slip-activated", ("slip-card-auth", "0010", "123456"))
    printed("firmware.ui.testslip", build, words)
    assert term.get("activation")["state"] == "ACTIVE"  # printed, so activated


def test_diagnostic_report():
    term = Term()
    term.get("activation")["reason"] = "revoked by the operator"
    term.printer_problem = "printer-garbled"
    term.journal_error = "torn frame at 4096"  # technical: stays as it came

    class Sync:
        state = "waiting"
        last_error = "host-silent"

    term.sync = Sync()

    def build():
        from firmware.ui.diag import collect, slip

        return slip(term, collect(term, "paper-low"))

    words = ("diag-r-title", "diag-r-errors", "diag-r-journal", "st-ACTIVE", "sync-st-waiting")
    words += ("paper-low", "printer-garbled", "why-revoked-by-the-operator")
    out = " ".join(printed("firmware.ui.diag", build, words))
    assert zh("err-host-silent")[:4] in out  # the host's error in words, wrapped
    assert "torn frame at 4096" in out
    for name in ("ACTIVE", "waiting", "paper-low", "garbled", "revoked by", "host-silent"):
        assert name not in out, name
