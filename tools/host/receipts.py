# The e-invoice QR on a receipt (docs/host.md, "Receipt check value"): the terminal signs what
# the customer could alter (terminal, receipt number, minute, amount, currency) with its secret,
# so the tax office, through the host, can tell a printed receipt from a made-up one.
import hashlib
import hmac
import re
import time

PREFIX = "EINV1"
LABEL = "pos1 receipt"
NUMBER = re.compile(r"0|[1-9][0-9]{0,15}")
WHEN = re.compile(r"[0-9]{12}")
CURRENCY = re.compile(r"[A-Z]{3}")
CHECK = re.compile(r"[0-9a-f]{16}")


def check_value(secret, tid, no, when, amount, currency):
    """16 hex digits; tid, no and amount are ints or decimal strings, when is yyyymmddhhmm."""
    text = "\n".join((LABEL, str(tid), str(no), when, str(amount), currency))
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:16]


def qr_text(secret, tid, no, when, amount, currency):
    check = check_value(secret, tid, no, when, amount, currency)
    return "|".join((PREFIX, str(tid), str(no), when, str(amount), currency, check))


def verify(text, secret_of):
    """None when text is a genuine receipt, else why not. secret_of(tid) → secret or None."""
    parts = text.strip().split("|")
    if len(parts) != 7 or parts[0] != PREFIX:
        return "not an %s receipt code" % PREFIX
    _, tid, no, when, amount, currency, check = parts
    for name, value, pattern in (
        ("terminal", tid, NUMBER),
        ("receipt number", no, NUMBER),
        ("time", when, WHEN),
        ("amount", amount, NUMBER),
        ("currency", currency, CURRENCY),
        ("check value", check, CHECK),
    ):
        if not pattern.fullmatch(value):
            return "bad %s %r" % (name, value)
    try:
        time.strptime(when, "%Y%m%d%H%M")
    except ValueError:
        return "bad time %r" % when
    secret = secret_of(int(tid))
    if secret is None:
        return "no terminal %s" % tid
    good = check_value(secret, tid, no, when, amount, currency)
    if not hmac.compare_digest(good, check):
        return "check value does not match"
    return None
