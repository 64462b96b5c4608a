# The Chinese catalogue against the English one: every key translated, in the same byte order
# (firmware/ui/text.py binary-searches the file), with the English text's printf placeholders in
# the same order, so t(key, *args) formats either language. And what the 16-column display
# draws on a single row (titles, hints, menu items, status words: nothing wrap() breaks) fits
# it once formatted with typical values, counting a Chinese char as two columns; the receipt
# labels fit the columns the receipt layout gives them.
import ast
import glob
import os
import re

from drivers.display.font16 import cells
from tests.host.test_catalogue import COMPOSED, _keys_named

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UI = os.path.join(ROOT, "firmware", "ui")
PLACEHOLDER = re.compile(r"%[-+ #0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]")
COLS = 16
PAPER = 32

MONEY = "123.45 EUR"  # firmware/ui/screen.py money()
SERIAL = "SIM0000001"
# Printer problems use_printer() reports: their catalogue words are drawn on a row of their own
# (idle, receipt, report, print test screens), and after " " in the check list.
PROBLEMS = "paper-out cover-open printer-offline offline overheated paper-low printer-garbled"
PROBLEMS = PROBLEMS.split()

# key: (columns it may take, sample arguments). An argument "@key" stands for that key's text
# in the same catalogue (a label completed by another one).
_ROW = (COLS, ())
# a title leaves room for the page mark screen.heading() puts right of it: " 2/3"
_TITLE = (COLS - 4, ())
_MENU = (COLS - 6, ())  # a menu's title, right of it " 10/10"
_ITEM = _TITLE  # a menu item ("1 " before it), also the title of the screen it opens
ONE_ROW = {
    "brand": _MENU,  # the idle screen's title, the time right of it
    "menu": _MENU,
    "m-tech": _MENU,
    "m-maintenance": _MENU,
    "m-backup": _MENU,
    "check-title": _TITLE,
    "sale-title": _TITLE,
    "sale-check-title": _TITLE,
    "test-sale-title": _TITLE,
    "rcpt-title": _TITLE,
    "rep-title-X": _TITLE,
    "rep-title-Z": _TITLE,
    "pin-title": _TITLE,
    "pin-cashier": _TITLE,
    "pin-supervisor": _TITLE,
    "locked-title": _TITLE,
    "help-screen-title": _TITLE,
    "trouble-title": _TITLE,
    "diag-screen-title": _TITLE,
    "bk-title-backup": _TITLE,
    "bk-title-restore": _TITLE,
    "m-reports": _TITLE,
    "m-refund": _TITLE,
    "m-set-language": _TITLE,
    # menu items (also the titles of the screens they open)
    "m-reprint": _ITEM,
    "m-void": _ITEM,
    "m-forward": _ITEM,
    "m-help-topics": _ITEM,
    "m-keys": _ITEM,
    "m-print": _ITEM,
    "m-card": _ITEM,
    "m-scan": _ITEM,
    "m-contrast": _ITEM,
    "m-about": _ITEM,
    "m-pins": _ITEM,
    "m-prep-check": _ITEM,
    "m-troubleshoot": _ITEM,
    "mt-item-status": _ITEM,
    "mt-item-media": _ITEM,
    "mt-item-host": _ITEM,
    "mt-item-health": _ITEM,
    "mt-item-errors": _ITEM,
    "bk-menu-rmedia": _ITEM,
    "bk-menu-media": (COLS - 2, ()),  # items only: their screens have titles of their own
    "bk-menu-host": (COLS - 2, ()),
    "bk-menu-rhost": (COLS - 2, ()),
    "lang-name-en": (COLS - 2, ()),
    "lang-name-zh": (COLS - 2, ()),
    # hints on the last row
    "back-hint": (COLS - 2, ()),  # a help page puts "v " before it
    "confirm-hint": _ROW,
    "menu-hint": _ROW,
    "next-step-hint": _ROW,
    "press-to-retry": _ROW,
    "retry-hint": _ROW,
    "reprint-hint": _ROW,
    "rcpt-retry-hint": _ROW,
    "rcpt-next-hint": _ROW,
    "rcpt-last-hint": _ROW,
    "pay-done-hint": _ROW,
    "send-code-hint": _ROW,
    "sale-amount-hint": _ROW,
    "sale-tender-hint": _ROW,
    "keys-hint": _ROW,
    "mt-scroll-hint": _ROW,
    "mt-up-install": _ROW,
    "bk-restore-hint": _ROW,
    "trouble-now-hint": _ROW,
    "go-activate": _ROW,
    "go-continue": _ROW,
    "f2-edit-hint": _ROW,
    "contrast-hint": _ROW,
    # lines drawn as they are, not wrapped
    "online": (COLS - 6, ()),  # idle: " 12/123.45" may follow
    "offline": (COLS - 6, ()),
    "idle-waiting": (COLS - 5, (12, "123.45")),
    "idle-journal-error": _ROW,
    "idle-backup-due": _ROW,
    "idle-f1-sale": _ROW,
    "idle-f2-f3": _ROW,
    "idle-f4-language": _ROW,
    "sale-total": (COLS, (MONEY,)),
    "sale-member": (COLS, ("1234567890",)),
    "sale-member-prompt": _ROW,
    "sale-pick-cash": _ROW,
    "sale-pick-credit": _ROW,
    "sale-pick-debit": _ROW,
    "sale-tendered": (COLS, (MONEY,)),
    "sale-change": (COLS, (MONEY,)),
    "pay-cash": (COLS - 5, ()),  # the void screen adds " 1234", the card's last digits
    "pay-credit": (COLS - 5, ()),
    "pay-debit": (COLS - 5, ()),
    "pay-enter-pin": _ROW,
    "pay-authorising": _ROW,
    "rcpt-approved": _ROW,
    "rcpt-paid": _ROW,
    "rcpt-kind-A": _ROW,
    "rcpt-kind-D": _ROW,
    "rcpt-kind-R": _ROW,
    "rcpt-kind-V": _ROW,
    "rcpt-offline": _ROW,
    "rcpt-number": (COLS, ("123456",)),
    "rcpt-which": _ROW,
    "printing": _ROW,
    "refund-sold": (COLS, (MONEY,)),
    "refund-amount": (COLS, (MONEY,)),
    "rep-pick-x": _ROW,
    "rep-pick-z": _ROW,
    "rep-net": (COLS, (MONEY,)),
    "rep-closed": (COLS, ("123",)),
    "sync-waiting": (COLS, (123,)),
    "sync-offline-amt": (COLS, (MONEY,)),
    "sync-st-idle": _ROW,
    "sync-st-sending": _ROW,
    "sync-st-waiting": _ROW,
    "sync-st-off": _ROW,
    "keys-seen": (COLS, (12, 24)),
    "last-key": (COLS, ("CANCEL",)),
    "card-removed": _ROW,
    # the card test: how the card was read, its expiry
    "r-entry-insert": _ROW,
    "r-entry-swipe": _ROW,
    "r-entry-tap": _ROW,
    "card-expiry": (COLS, ("28", "12")),
    "printed": _ROW,
    "contrast": (COLS, (7,)),
    "saved": _ROW,
    "version": (COLS, ("0.1.0",)),
    "serial": (COLS, (SERIAL,)),
    "merchant": (COLS, ("100234",)),
    "terminal": (COLS, ("00012345",)),
    "boots": (COLS, (1234,)),
    "heap": (COLS, (41234,)),
    "flash-free": (COLS, (1024,)),
    "mt-st-update": _ROW,
    "mt-st-factory": _ROW,
    "mt-st-trial": (COLS, (2,)),
    "mt-st-previous": (COLS, ("@mt-factory-image",)),
    "mt-factory-image": _ROW,
    "mt-st-last-try": (COLS, ("0.2.0",)),
    "mt-no-battery": _ROW,
    "mt-battery-pct": (COLS, (85,)),
    "mt-on-mains": _ROW,
    "mt-on-battery": _ROW,
    "mt-wear-syncs": (COLS, (12345,)),
    "mt-wear-renames": (COLS, (123,)),
    "mt-wear-rolls": (COLS, (12,)),
    "mt-no-errors": _ROW,
    "mt-up-looking": _ROW,
    "check-running": _ROW,
    "bk-working-now": _ROW,
    "bk-importing": _ROW,
    "bk-record-count": (COLS, (1234,)),
    "bk-checked-count": (COLS, (1234,)),
    "bk-fetch-part": (COLS, (3, 12)),
    "bk-from-serial": (COLS, (SERIAL,)),
    "diag-printed": _ROW,
    "diag-not-printed": _ROW,
    "diag-not-sent": _ROW,
    "slip-printing": _ROW,
    "test-amount": (COLS, ("0.01 EUR",)),
    "sending-now": _ROW,
    # the preparation check: "label  STATUS" on one row, details after a space
    "chk-printer": (9, ()),
    "chk-display": (9, ()),
    "chk-keypad": (9, ()),
    "chk-card": (9, ()),
    "chk-scanner": (9, ()),
    "chk-network": (9, ()),
    "chk-power": (9, ()),
    "chk-flash": (9, ()),
    "chk-heap": (9, ()),
    "ok": (6, ()),
    "check-failed": (6, ()),
    "check-status-set": (6, ()),
    "check-status-none": (6, ()),
    "prep-key-name": (COLS - 1, ("CANCEL",)),
    "prep-rtt-ms": (COLS - 1, (1234,)),
    "prep-on-mains": (COLS - 1, ()),
    "prep-charging": (COLS - 1, (100,)),
    "prep-battery": (COLS - 1, (45,)),
    "prep-flash-kfree": (COLS - 1, (1024,)),
    "prep-bytes-free": (COLS - 1, (41234,)),
    # the PIN list: "1 Cashier    set"
    "pin-is-set": (6, ()),
    "pin-not-set": (6, ()),
}
for _problem in PROBLEMS:
    ONE_ROW[_problem] = (COLS - 1, ())
for _prefix in ("st-", "g-title-", "t-"):  # titles completed at run time
    for _name in COMPOSED[_prefix]:
        ONE_ROW[_prefix + _name] = _TITLE
for _name in COMPOSED["h-"]:  # the hint under the host's decision
    ONE_ROW["h-" + _name] = _ROW
# the numbered topic lists ("1*" before each), also the titles of the pages they open
for _name in "backup call fail network printer safety wait".split():
    ONE_ROW["help-l-" + _name] = _ITEM
for _name in "cover diag host hot link mac offline paper".split():
    ONE_ROW["trouble-l-" + _name] = _ITEM

# Receipt and slip labels: (columns, sample arguments). 32 columns; double-size lines 16; a
# label with an amount or number right of it leaves room for that and one space.
_BIG = (PAPER // 2, ())
RECEIPT = {
    "r-reprint-banner": _BIG,
    "r-declined-title": _BIG,
    "r-void-title": _BIG,
    "r-refund-title": _BIG,
    "r-batch-closed": _BIG,
    "r-copy-reprint": _BIG,
    "slip-big": _BIG,
    "r-copy-customer": (PAPER, ()),
    "r-copy-merchant": (PAPER, ()),
    "r-signature": (PAPER, ()),
    "r-auth-offline": (PAPER, ()),
    "r-x-report-title": (PAPER, ()),
    "r-z-report-title": (PAPER, ()),
    "r-terminal-id": (PAPER, ("00012345", "17")),
    "r-decline-why": (PAPER, ("insufficient-funds",)),
    "r-total-label": (PAPER - 1 - len("EUR 1234.56"), ()),
    "r-net-total": (PAPER - 1 - len("EUR -1234.56"), ()),
    "r-card-label": (PAPER - 1 - len("**** **** **** 1234"), ()),
    "r-auth-code": (PAPER - 1 - len("123456"), ()),
    "r-receipt-no": (PAPER - 1 - len("123456"), ()),
    "r-ref-receipt": (PAPER - 1 - len("123456"), ()),
    "r-cash-tendered": (PAPER - 1 - len("1234.56"), ()),
    "r-change-due": (PAPER - 1 - len("1234.56"), ()),
    "r-member-no": (PAPER - 1 - len("123456789012"), ()),
    "r-batch-number": (PAPER - 1 - len("123"), ()),
    "r-period-from": (PAPER - 1 - len("2025-11-25 19:46"), ()),
    "r-period-to": (PAPER - 1 - len("2025-11-25 19:46"), ()),
    "r-first-receipt": (PAPER - 1 - len("123456"), ()),
    "r-last-receipt": (PAPER - 1 - len("123456"), ()),
    "r-report-count": (PAPER - 1 - len("-1234.56"), ("@r-report-refunds", 123)),
    "r-item-times": (PAPER - 3 - len("1234.56"), (12, "123.45")),
    "slip-heading": (PAPER, ()),
    "slip-title": (PAPER, ()),
    "slip-normal": (PAPER, ()),
    "slip-bold": (PAPER, ()),
    "slip-merchant": (PAPER, ("100234",)),
    "slip-terminal": (PAPER, ("00012345", "17")),
    "slip-serial": (PAPER, (SERIAL,)),
    "slip-amount": (PAPER, ("0.01 EUR",)),
    "slip-card-auth": (PAPER, ("1234", "123456")),
    "slip-reversed": (PAPER, ()),
    "slip-activated": (PAPER, ()),
    "diag-r-title": (PAPER, ()),
    "diag-r-errors": (PAPER, ()),
    "diag-r-none": (PAPER, ()),
    "diag-r-time": (PAPER - 1 - len("2025-11-25 19:46"), ()),
    "diag-r-offline": (PAPER - 1 - len("3 / 123.45 EUR"), ()),
    "diag-r-journal": (PAPER - 2, ()),  # the errors' labels: "label: error", wrapped
    "prep-report-title": (PAPER, ()),
    "prep-to-fix": (PAPER - 1, ()),
    "prep-result": (PAPER - 1 - 4, ()),
}
for _name in "method-cash method-credit method-debit".split():
    RECEIPT["r-" + _name] = (PAPER // 2, ())
for _name in "entry-insert entry-manual entry-swipe entry-tap".split():
    RECEIPT["r-" + _name] = (PAPER // 2 - 1, ())
for (
    _name
) in "version serial term-id state boots network unsynced pending sync printer heap flash".split():
    RECEIPT["diag-r-" + _name] = (PAPER - 1 - 10, ())

# a reason (firmware/ui/text.py reason()) after r-decline-why's "Reason: " on a receipt
with open(os.path.join(UI, "en.txt"), encoding="utf-8") as _f:
    for _line in _f:
        if _line.startswith("why-"):
            _key = _line.split("\t", 1)[0]
            RECEIPT[_key] = (PAPER - len("Reason: "), ("12",) if "%" in _line else ())


def _entries(name):
    with open(os.path.join(UI, name), "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    assert lines[-1] == b"", name  # one newline at the end, none after it
    return [tuple(line.decode("utf-8").split("\t", 1)) for line in lines[:-1]]


def _catalogues():
    return dict(_entries("en.txt")), dict(_entries("zh.txt"))


def _format(text, args, catalogue):
    return text % tuple(catalogue[a[1:]] if str(a)[:1] == "@" else a for a in args)


def _sample_args(text):
    # one typical value per placeholder, by its conversion
    args = []
    for p in PLACEHOLDER.findall(text):
        if p[-1] in "di":
            args.append(42)
        elif p[-1] != "%":
            args.append("X12")
    return tuple(args)


def test_zh_has_every_english_key_no_other_in_the_same_order():
    en = [k for k, _ in _entries("en.txt")]
    zh = [k for k, _ in _entries("zh.txt")]
    missing = sorted(set(en) - set(zh))
    assert not missing, missing
    extra = sorted(set(zh) - set(en))
    assert not extra, extra
    assert zh == en
    lines = [(k + "\t" + v).encode() for k, v in _entries("zh.txt")]
    assert lines == sorted(lines)  # the byte order text.py's binary search needs


def test_every_line_is_key_tab_text():
    for key, *text in _entries("zh.txt"):
        assert text and text[0].strip() == text[0] and text[0], key
        assert "\t" not in text[0] and "\r" not in text[0], key


def test_same_placeholders_in_the_same_order():
    en, zh = _catalogues()
    wrong = [k for k in en if PLACEHOLDER.findall(en[k]) != PLACEHOLDER.findall(zh[k])]
    assert not wrong, wrong
    # a "%" no placeholder explains would break `text % args`
    stray = [k for k, text in zh.items() if "%" in PLACEHOLDER.sub("", text)]
    assert not stray, stray


def test_every_text_formats_with_sample_arguments():
    en, zh = _catalogues()
    for key, text in zh.items():
        args = _sample_args(en[key])
        if not args and "%" not in text:
            continue
        en[key] % args  # the samples suit the English text
        text % args  # raises if a conversion does not take its argument


def test_row_lists_name_catalogue_keys():
    en, _ = _catalogues()
    assert not sorted(set(ONE_ROW) - set(en))
    assert not sorted(set(RECEIPT) - set(en))


def test_what_is_drawn_on_one_row_fits_sixteen_columns():
    en, zh = _catalogues()
    over = []
    for key, (cols, args) in sorted(ONE_ROW.items()):
        _format(en[key], args, en)  # the samples suit the English text
        text = _format(zh[key], args, zh)
        if cells(text) > cols:
            over.append("%s: %r is %d columns, room for %d" % (key, text, cells(text), cols))
    assert not over, "\n".join(over)


def test_receipt_labels_fit_their_columns():
    en, zh = _catalogues()
    over = []
    for key, (cols, args) in sorted(RECEIPT.items()):
        _format(en[key], args, en)
        text = _format(zh[key], args, zh)
        if cells(text) > cols:
            over.append("%s: %r is %d columns, room for %d" % (key, text, cells(text), cols))
    assert not over, "\n".join(over)


def test_a_wrapped_message_fits_the_chinese_screen():
    # 4 rows of the 16 px font: a message gets two rows between the title and the hint; a
    # short status message (a PIN or password problem) must not need more than three
    from firmware.ui.wrap_cjk import wrap_cjk

    _, zh = _catalogues()
    for key in ("pin-differ", "pin-saved", "pin-length", "pw-too-short", "card-error",
                "sale-need-amount", "no-sale", "review-pending", "g-wrong-tries"):  # fmt: skip
        text = zh[key] % _sample_args(zh[key]) if "%" in zh[key] else zh[key]
        assert len(wrap_cjk(text, COLS)) <= 2, key


# Where the firmware draws catalogue text on a row of its own, for the check that ONE_ROW
# lists it: the title and hint of paint(), canvas.text/center/right and heading(), the list
# elements and appends that become screen lines, and names holding a title, hint or label. A
# key inside wrap() may be long. Keys chosen at run time (t(self.title), t(item[0]),
# t(problem)) are in ONE_ROW by hand.
_ROW_NAMES = ("hint", "title", "online", "label")


def _t_keys(node):
    """The catalogue keys of t() calls in `node`, not looking inside wrap()."""
    found = set()
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None)
        if name == "wrap":
            return found
        if name == "t" and node.args:
            for key in _keys_named(node.args[0]):
                found |= {key + n for n in COMPOSED[key]} if key in COMPOSED else {key}
    for child in ast.iter_child_nodes(node):
        found |= _t_keys(child)
    return found


def _row_keys(tree):
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            attr = getattr(node.func, "attr", None)
            if attr == "paint":
                for i in (1, 3):
                    if len(node.args) > i:
                        found |= _t_keys(node.args[i])
            elif attr in ("center", "text", "right") and len(node.args) > 1:
                found |= _t_keys(node.args[1])
            elif getattr(node.func, "id", None) == "heading" and len(node.args) > 1:
                found |= _t_keys(node.args[1])
            elif attr == "append" and isinstance(node.func.value, ast.Name) and node.args:
                found |= _t_keys(node.args[0])
        elif isinstance(node, ast.List):
            for elt in node.elts:
                found |= _t_keys(elt)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in _ROW_NAMES:
                    found |= _t_keys(node.value)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for name, value in zip(target.elts, node.value.elts, strict=False):
                        if getattr(name, "id", None) in _ROW_NAMES:
                            found |= _t_keys(value)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            found |= _t_keys(node.value.elts[0]) | _t_keys(node.value.elts[-1])
    return found


def test_every_key_the_screens_draw_on_one_row_is_checked():
    found = set()
    for path in glob.glob(os.path.join(ROOT, "firmware", "ui", "*.py")):
        with open(path, encoding="utf-8") as f:
            found |= _row_keys(ast.parse(f.read(), path))
    assert len(found) > 60  # the scan found the screens' rows
    unchecked = sorted(found - set(ONE_ROW))
    assert not unchecked, unchecked
