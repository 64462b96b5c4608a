# Issue 9, after the sale in Chinese: the receipt, report, reprint, void, refund and update
# screens fit 4 rows, the amount being typed stays on show, and a message too long for one
# page is read a page at a time. Only the drawing is under test: the journal, 10 KB of this
# 64 KiB heap, is a stand-in.
from tests.unit.zh_fixtures import check, drop, english, key, terminal  # isort: skip
import sys

from firmware.ui.screen import wrap
from firmware.ui.text import t

_JOURNAL = "firmware.journal.journal"


class _Stub:
    class JournalError(Exception):
        pass

    JournalFull = JournalError


def _text(pages):
    return " ".join(" ".join(p[1:3]) for p in pages)


def test_receipt_and_report_screens_fit():
    term = terminal()
    try:
        from firmware.ui.rcpt import Print

        rec = {"t": "A", "amt": 1250, "auth": "OFFLINE", "tnd": 2000}
        screen = Print(term, 17, "cm", rec)
        screen.printing = False
        pages = check(screen)
        assert t("rcpt-number", 17) in _text(pages) and pages[0][3] == t("rcpt-next-hint")
        screen.problem = "paper-out"
        pages = check(screen)
        assert " ".join(wrap(t("fix-paper-out"))) in _text(pages)
        Print = screen = None
        drop("firmware.ui.rcpt")
        from firmware.ui.reports import Report, Reports

        assert check(Reports(term))[0][1:] == [t("rep-pick-x"), t("rep-pick-z"), t("back-hint")]
        report = Report(term, "Z")
        report.busy = False
        report.lines = [t("rep-closed", 4)] + wrap(t("rep-settle-later", t("err-host-silent")))
        assert " ".join(report.lines[1:]) in _text(check(report))
    finally:
        english()
        drop("firmware.ui.reports", "firmware.ui.rcpt")


def test_reprint_void_and_refund_keep_the_number_typed_on_show():
    term = terminal()
    saved = sys.modules.get(_JOURNAL)
    sys.modules[_JOURNAL] = _Stub
    try:
        from firmware.ui import manage

        screen = manage.Lookup(term)
        key(screen, "4")
        key(screen, "2")
        screen.msg = t("rcpt-unknown", 42)
        pages = check(screen)
        assert [p[2] for p in pages] == ["42"] * len(pages)
        assert " ".join(wrap(screen.msg)) + " " + t("rcpt-which") == " ".join(
            p[1] for p in pages
        )  # fmt: skip
        sale = {"id": 17, "t": "A", "amt": 1250, "m": "credit", "l4": "1234", "k": "x"}
        refund = manage.Refund(term)
        refund.rec = sale
        refund.left = 1250
        key(refund, "5")
        pages = check(refund)
        assert [p[2] for p in pages] == [t("refund-amount", "0.05 EUR")] * len(pages)
        manage.last_sale = lambda j: (17, sale)  # not the journal's history
        pages = check(manage.Void(term))
        assert t("pay-credit") + " 1234" in _text(pages)
        assert " ".join(wrap(t("void-confirm"))) in _text(pages)
    finally:
        english()
        drop("firmware.ui.manage", "firmware.ui.sale", _JOURNAL)
        if saved is not None:
            sys.modules[_JOURNAL] = saved


def test_the_update_screen_fits():
    term = terminal()
    try:
        from firmware.ui.update import Update

        screen = Update(term, "host")
        screen.found = (12345, "0.2.0")
        screen.phase = "offer"
        assert check(screen)[0][3] == t("mt-up-install")
        screen.phase, screen.why = "refused", "upd-bad-signature"
        pages = check(screen)
        assert " ".join(wrap(t("mt-up-nothing"))) in _text(pages)
    finally:
        english()
        drop("firmware.ui.update")
