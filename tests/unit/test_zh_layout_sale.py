# Issue 9, selling and the technician's settings in Chinese: the sale keeps the total and the
# choices on show in 4 rows; the key test never turns pages (UP and DOWN are keys to test);
# contrast and about fit.
from tests.unit.zh_fixtures import check, drop, english, key, terminal  # isort: skip
from firmware.ui.screen import wrap
from firmware.ui.text import t


def test_sale_keeps_the_total_and_the_choices_on_show():
    term = terminal()
    try:
        from firmware.ui.sale import Sale

        sale = Sale(term)
        sale.items = [["6901", 2, 350], ["6902", 1, 1200]]
        sale.names = [t("brand"), t("brand") + t("m-reprint")]  # names in Chinese: 1 or 2 rows
        sale.member = "1234567890"
        total = t("sale-total", "19.00 EUR")
        pages = check(sale)
        assert len(pages) >= 3 and [p[2] for p in pages] == [total] * len(pages)  # the field
        assert key(sale, "F2") is sale and check(sale)[0][2] == "_"
        key(sale, "5")
        assert check(sale)[0][2] == "5"
        key(sale, "ENTER")
        assert sale.member == "5" and key(sale, "ENTER") is sale and sale.stage == "method"
        pages = check(sale)  # the three choices at once, the total as the title
        assert len(pages) == 1 and pages[0][0].strip() == total
        assert pages[0][1:] == [t("sale-pick-cash"), t("sale-pick-credit"), t("sale-pick-debit")]
        for k in ("1", "2", "0", "00"):  # cash, then 20.00 given
            key(sale, k)
        rows = check(sale)[0]
        assert rows[0].strip() == total and rows[2] == t("sale-tendered", "20.00 EUR")
        assert rows[1] == t("sale-change", "1.00 EUR") and rows[3] == t("sale-tender-hint")
        key(sale, "CLEAR")
        key(sale, "CLEAR")
        key(sale, "ENTER")  # short: why, over as many pages as it takes
        pages = check(sale)
        assert [p[1] for p in pages] == wrap(t("sale-short"))
        assert pages[0][2] == t("sale-tendered", "0.20 EUR")
    finally:
        english()
        drop("firmware.ui.sale", "firmware.journal.journal", "firmware.journal")


def test_the_key_test_never_turns_pages_up_and_down_are_keys_to_test():
    term = terminal()
    try:
        from drivers.keypad.keys import KEYS
        from firmware.ui.checks import KeyTestScreen

        screen = KeyTestScreen(term)
        rows = check(screen)[0]
        assert rows[0].strip() == t("keys-seen", 0, len(KEYS))  # 4 rows: the count is the title
        assert rows[1] == wrap(" ".join(KEYS))[0]  # the keys not seen yet
        for k in KEYS:
            if k != "CANCEL":
                assert key(screen, k) is screen
                rows = check(screen)[0]
                assert screen.pages == 1
        assert "UP" in screen.seen and "DOWN" in screen.seen
        assert rows[1:] == [t("last-key", "MENU"), "CANCEL", t("keys-hint")]
    finally:
        english()
        drop("firmware.ui.checks", "drivers.keypad.keys")


def test_contrast_and_about_fit():
    term = terminal()
    try:
        from firmware.ui.settings import AboutScreen, ContrastScreen

        screen = ContrastScreen(term)
        assert check(screen)[0][1:] == [t("contrast-hint"), t("contrast", 7), t("back-hint")]
        key(screen, "3")
        key(screen, "ENTER")
        assert check(screen)[0][1:] == [t("saved"), t("contrast", 3), t("back-hint")]
        pages = check(AboutScreen(term))
        assert len(pages) >= 2 and t("boots", 3) in pages[0] + pages[1]
    finally:
        english()
        drop("firmware.ui.settings", "firmware.pos.audit")
