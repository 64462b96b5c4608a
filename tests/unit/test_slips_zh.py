# Slips printed while the terminal speaks Chinese: the print test and the preparation check's
# report (test_slips_zh_diag.py: the activation test slip and the diagnostic report). The
# Chinese goes out in the printer's Chinese mode (firmware/ui/text.py gb), so it reads back as
# Chinese: no "?", no box, no line wider than the 32 columns, a Chinese char taking two.
from tests.unit.zh_slip_fixtures import Term, printed, zh


def test_print_test_slip():
    def build():
        from firmware.ui.checks import test_slip

        return test_slip()

    printed("firmware.ui.checks", build, ("slip-title", "slip-normal", "slip-bold", "slip-big"))


def test_preparation_check_report():
    term = Term()

    def build():  # in Chinese
        from firmware.ui.selfcheck import ITEMS, SelfCheck
        from firmware.ui.text import t

        screen = SelfCheck(term, "tech", "ENTER")
        screen.res = res = {}
        for item in ITEMS.split():
            res[item] = ("ok", None, "")
        res["printer"] = ("check-failed", t("paper-out"), "fix-paper-out")
        res["network"] = ("check-failed", None, "err-host-silent")
        res["heap"] = ("ok", t("prep-bytes-free", 41234), "")
        screen.ok = False
        return screen.report()

    words = ("prep-report-title", "prep-to-fix", "chk-network")
    out = printed("firmware.ui.selfcheck", build, words)
    assert " " + zh("paper-out") in out  # the printer's detail, under its row
    assert zh("fix-paper-out")[:6] in " ".join(out)  # what to do, wrapped to the paper
    assert " ".join(out).count(zh("check-failed")) == 3  # two items and the result
