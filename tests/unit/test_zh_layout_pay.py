# Issue 9, paying by card in Chinese: the amount is the title, the PIN being typed stays on
# show, and an outcome's message is read in full, a page at a time. Only the drawing is under
# test: the journal, the host client and the sale screen's module (the two helpers pay.py takes
# from it), 30 KB of this 64 KiB heap, are stand-ins.
from tests.unit.zh_fixtures import check, drop, english, key, terminal  # isort: skip
import sys

from firmware.events import CARD, Event
from firmware.ui.screen import wrap
from firmware.ui.text import t
from tests.unit.helpers import run

_STUBS = ("firmware.net", "firmware.journal.journal", "firmware.ui.sale")


class _Stub:
    """The names pay.py imports from those modules."""

    class NetError(Exception):
        pass

    JournalError = JournalFull = OfflineRefused = NetError

    @staticmethod
    def new_key(no):
        return "key-%d" % no

    @staticmethod
    def journal_refusal(e):
        return "sale-journal-error"

    @staticmethod
    async def call(term, path, body):
        raise _Stub.NetError("host-silent")


def test_pay_keeps_the_amount_and_the_pin_on_show():
    term = terminal()
    saved = [sys.modules.get(name) for name in _STUBS]
    for name in _STUBS:
        sys.modules[name] = _Stub
    try:
        from drivers.card.reader import Card
        from firmware.ui.pay import Pay

        pay = Pay(term, 1250, "debit", None, None)
        pages = check(pay)
        assert pages[0][0].strip().startswith("12.50 EUR")
        shown = " ".join(p[1] + " " + p[2] for p in pages)
        assert " ".join(wrap(t("card-prompt"))) in shown and t("pay-debit") in shown
        card = Card("insert", "4111111111111111", "2812")
        assert run(pay.handle(Event(CARD, card, 0))) is pay
        for k in "1234":
            key(pay, k)
        rows = check(pay)[0]
        assert rows[1:] == [t("pay-enter-pin"), "****", t("confirm-hint")]
        declined = Pay(term, 1250, "credit", None, None)
        declined.finish(t("pay-no-answer", t("err-host-silent")))
        pages = check(declined)
        assert len(pages) > 1 and pages[0][3] == t("pay-done-hint")
    finally:
        english()
        drop("firmware.ui.pay", "firmware.ui.sale", "drivers.card.reader", *_STUBS)
        for i in range(len(_STUBS)):  # (MicroPython's zip() takes no strict=)
            if saved[i] is not None:
                sys.modules[_STUBS[i]] = saved[i]
