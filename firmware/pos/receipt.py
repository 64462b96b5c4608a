# Receipts and X/Z reports as ESC/POS bytes (docs/selling.md). Generators: the job leaves in
# chunks of a few lines, so a receipt never sits whole in the heap. Imported only by the screen
# that prints, with the encoder; item names come from the item file (firmware.pos.items),
# loaded only for a receipt with items.
# Every line leaves the printer in its default mode (left, normal size, not bold), so chunks
# stand alone. Labels come from the catalogue ("r-" keys, _KEYS below).
from compat import const
from drivers.printer.escpos import (
    CENTER,
    INIT,
    LEFT,
    align,
    bold,
    cut,
    feed,
    qr,
    size,
    text,
    width,
)
from firmware.ui import text as catalogue
from firmware.ui.text import t

_BOLD = const(1)
_CENTER = const(2)
_BIG = const(4)  # double width and height: half the columns

# The labels' catalogue keys, word _X of one string: one constant object where a literal per
# key would cost ~90 bytes of heap each while this module is loaded. Keys ending in "-" are
# completed at run time (see _t). tests/unit/test_receipt.py checks every key exists.
_KEYS = (
    "r-receipt-no r-ref-receipt r-declined-title r-void-title r-refund-title r-total-label "
    "r-method- r-entry- r-card-label r-auth-offline r-auth-code r-decline-why "
    "r-cash-tendered r-change-due r-member-no r-copy- r-signature r-item-times "
    "r-reprint-banner r-terminal-id r-x-report-title r-z-report-title r-batch-number "
    "r-period-from r-period-to r-report- r-report-count r-net-total r-first-receipt "
    "r-last-receipt r-batch-closed "
)
_gb = None  # the GB18030 table while the language is Chinese (_start): text(), width()

_RECEIPT_NO = const(0)
_REF_RECEIPT = const(1)
_DECLINED_TITLE = const(2)
_VOID_TITLE = const(3)
_REFUND_TITLE = const(4)
_TOTAL_LABEL = const(5)
_METHOD = const(6)
_ENTRY = const(7)
_CARD_LABEL = const(8)
_AUTH_OFFLINE = const(9)
_AUTH_CODE = const(10)
_DECLINE_WHY = const(11)
_CASH_TENDERED = const(12)
_CHANGE_DUE = const(13)
_MEMBER_NO = const(14)
_COPY = const(15)
_SIGNATURE = const(16)
_ITEM_TIMES = const(17)
_REPRINT_BANNER = const(18)
_TERMINAL_ID = const(19)
_X_REPORT_TITLE = const(20)
_Z_REPORT_TITLE = const(21)
_BATCH_NUMBER = const(22)
_PERIOD_FROM = const(23)
_PERIOD_TO = const(24)
_REPORT = const(25)
_REPORT_COUNT = const(26)
_NET_TOTAL = const(27)
_FIRST_RECEIPT = const(28)
_LAST_RECEIPT = const(29)
_BATCH_CLOSED = const(30)


def _put(b, cols, left, right=None, how=0):
    # One line into bytearray `b`: `left` and, given `right`, `right` flush right (an amount);
    # when both do not fit, `left` gets a line of its own so neither is cut short.
    if how & _CENTER:
        b.extend(align(CENTER))
    if how & _BIG:
        b.extend(size(2, 2))
        cols //= 2
    if how & _BOLD:
        b.extend(bold(True))
    if right is not None:
        gap = cols - width(left, _gb) - width(right, _gb)
        if gap < 1:
            b.extend(text(left, _gb))
            b.append(10)
            left = ""
            gap = cols - width(right, _gb)
        left += " " * gap + right
    b.extend(text(left, _gb))
    b.append(10)
    if how & _BOLD:
        b.extend(bold(False))
    if how & _BIG:
        b.extend(size(1, 1))
    if how & _CENTER:
        b.extend(align(LEFT))


def _t(i, *args):
    # the catalogue text of label `i` (its key is word i of _KEYS, each followed by a space);
    # a key ending in "-" is completed with the first argument (a method, entry mode, copy…)
    p = 0
    while i:
        p = _KEYS.index(" ", p) + 1
        i -= 1
    key = _KEYS[p : _KEYS.index(" ", p)]
    if key[-1] == "-":
        key += args[0]
        args = args[1:]
    return t(key, *args)


def _money(v, places):
    # minor units -> "12.50" (places 2), "1250" (places 0); no float on the way
    s = str(abs(v))
    if places:
        s = "0" * (places + 1 - len(s)) + s
        s = s[:-places] + "." + s[-places:]
    return "-" + s if v < 0 else s


def _start(term, title, how):
    # (bytearray with the header, columns, decimals, currency, activation record): label
    # `title` (a reprint's banner, a report's name) if any, the merchant's name and address,
    # the terminal and its id
    global _gb
    _gb = catalogue.gb
    cfg = term.config
    cols = cfg.get("paper_cols", 32)
    act = term.store.get("activation") or {}
    b = bytearray(INIT)
    if title is not None:
        _put(b, cols, _t(title), None, how)
    _put(b, cols, cfg.get("merchant", ""), None, _BOLD | _CENTER)
    for line in cfg.get("address") or ():
        _put(b, cols, line, None, _CENTER)
    _put(b, cols, _t(_TERMINAL_ID, act.get("terminal", "-"), act.get("tid", "-")))
    return b, cols, cfg.get("decimals", 2), cfg.get("currency", "EUR"), act


def _when(ts):
    # ("2025-11-25", "19:46", "202511251946") in local time
    import time

    s = "%04d%02d%02d%02d%02d" % tuple(time.localtime(ts)[:5])
    return s[:4] + "-" + s[4:6] + "-" + s[6:8], s[8:10] + ":" + s[10:], s


def receipt_chunks(rec, term, copy):
    """ESC/POS chunks of one copy ("customer", "merchant", "reprint") of the journal record
    `rec` of a sale (A approved, D declined), void (V) or refund (R)."""
    # Three functions, not one: this module is loaded for each receipt into a heap the sale
    # has fragmented, where one 908 B block of bytecode was once not to be had (ESP32 board).
    reprint = copy == "reprint"
    b, cols, places, cur, act = _start(
        term, _REPRINT_BANNER if reprint else None, _BIG | _BOLD | _CENTER
    )
    typ = rec["t"]
    no = rec["id"]
    amt = rec.get("amt")
    cur = rec.get("cur") or cur
    day, hm, stamp = _when(rec["ts"])
    _put(b, cols, _t(_RECEIPT_NO), str(no))
    _put(b, cols, day, hm)
    i = "DVR".find(typ)
    if i >= 0:
        _put(b, cols, _t(_DECLINED_TITLE + i), None, _BIG | _BOLD | _CENTER)
    if rec.get("ref") is not None:
        _put(b, cols, _t(_REF_RECEIPT), str(rec["ref"]))
    _put(b, cols, "-" * cols)
    yield bytes(b)
    sold = rec.get("it")
    if sold:
        from firmware.pos.items import lookup

        for code, qty, unit in sold:
            b = bytearray()
            found = lookup(term.flash, code)
            name = found[0] if found else str(code)
            if qty == 1:
                _put(b, cols, name, _money(unit, places))
            else:
                _put(b, cols, name)
                _put(b, cols, "  " + _t(_ITEM_TIMES, qty, _money(unit, places)),
                     _money(qty * unit, places))  # fmt: skip
            yield bytes(b)
    yield _body(rec, cols, places, cur, copy, sold)
    secret = act.get("secret")
    # a sale restored from another terminal's backup ("oq") has no check value we could sign
    if typ == "A" and amt is not None and secret and "oq" not in rec:
        yield _check(secret, act.get("tid"), no, stamp, amt, cur)
    yield feed(3) + cut()


def _body(rec, cols, places, cur, copy, sold):
    # the total, how it was paid, the copy's name (and the merchant's signature line)
    b = bytearray()
    if sold:
        _put(b, cols, "-" * cols)
    typ = rec["t"]
    amt = rec.get("amt")
    m = rec.get("m")
    card = m and m != "cash"
    if amt is not None:
        _put(b, cols, _t(_TOTAL_LABEL), cur + " " + _money(amt, places), _BOLD)
    if m:
        entry = rec.get("em")
        _put(b, cols, _t(_METHOD, m), _t(_ENTRY, entry) if entry else None)
    l4 = rec.get("l4")
    if l4:
        # the last 4 digits and nothing else: never more of the PAN, never the expiry
        _put(b, cols, _t(_CARD_LABEL), "**** **** **** " + l4[-4:])
    auth = rec.get("auth")
    if typ == "A" and auth and card:
        if auth == "OFFLINE":
            _put(b, cols, _t(_AUTH_OFFLINE), None, _BOLD)
        else:
            _put(b, cols, _t(_AUTH_CODE), auth)
    if typ == "D":
        _put(b, cols, _t(_DECLINE_WHY, catalogue.reason(rec.get("why", "-"))))
    tnd = rec.get("tnd")
    if tnd is not None and amt is not None:
        _put(b, cols, _t(_CASH_TENDERED), _money(tnd, places))
        _put(b, cols, _t(_CHANGE_DUE), _money(tnd - amt, places))
    if rec.get("mb"):
        _put(b, cols, _t(_MEMBER_NO), str(rec["mb"]))
    b.extend(feed(1))
    _put(b, cols, _t(_COPY, copy), None, _BOLD | _CENTER | (_BIG if copy == "reprint" else 0))
    if copy == "merchant" and typ == "A" and card:
        b.extend(feed(2))
        _put(b, cols, "x" + "_" * (cols - 1))
        _put(b, cols, _t(_SIGNATURE), None, _CENTER)
    return bytes(b)


def _check(secret, tid, no, stamp, amt, cur):
    # e-invoice: the check value proves the receipt came from this terminal (docs/selling.md).
    # Imported here, not at the top: every global name grows the module's dict, one block.
    from compat import hexlify, hmac_sha256, unhexlify

    msg = "pos1 receipt\n%s\n%s\n%s\n%s\n%s" % (tid, no, stamp, amt, cur)
    check = hmac_sha256(unhexlify(secret), msg.encode())
    b = bytearray(align(CENTER))
    b.extend(qr("EINV1|%s|%s|%s|%s|%s|%s" % (tid, no, stamp, amt, cur, hexlify(check)[:16])))
    b.extend(align(LEFT))
    return bytes(b)


def report_chunks(totals, term, kind):
    """ESC/POS chunks of the X report (`kind` "X") or the Z report ("Z") of `totals`
    (firmware.pos.totals.since); the batch number comes from store key "batch"."""
    z = kind == "Z"
    b, cols, places, cur, _ = _start(term, _Z_REPORT_TITLE if z else _X_REPORT_TITLE,
                                     _BOLD | _CENTER)  # fmt: skip
    _put(b, cols, _t(_BATCH_NUMBER), str((term.store.get("batch") or {}).get("no", 1)))
    t0 = totals.get("t0")
    _put(b, cols, _t(_PERIOD_FROM), " ".join(_when(t0)[:2]) if t0 else "-")
    _put(b, cols, _t(_PERIOD_TO), " ".join(_when(term.clock.time())[:2]))
    _put(b, cols, "-" * cols)
    yield bytes(b)
    b = bytearray()
    for name in ("cash", "credit", "debit", "refunds", "voids", "offline"):
        n, amt = totals.get(name) or (0, 0)
        _put(b, cols, _t(_REPORT_COUNT, _t(_REPORT, name), n), _money(amt, places))
    _put(b, cols, "-" * cols)
    _put(b, cols, _t(_NET_TOTAL), cur + " " + _money(totals.get("net", 0), places), _BOLD)
    no = totals.get("first")
    _put(b, cols, _t(_FIRST_RECEIPT), "-" if no is None else str(no))
    no = totals.get("last")
    _put(b, cols, _t(_LAST_RECEIPT), "-" if no is None else str(no))
    if z:
        b.extend(feed(1))
        _put(b, cols, _t(_BATCH_CLOSED), None, _BIG | _BOLD | _CENTER)
    b.extend(feed(3))
    b.extend(cut())
    yield bytes(b)
