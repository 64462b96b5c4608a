# Field checks for request bodies. Each failure names the field, so a 400 says what was wrong.
import re


class BadRequest(Exception):
    """A request the host cannot act on; becomes a 4xx JSON answer, never a crash."""

    def __init__(self, detail, error="bad-request", status=400):
        super().__init__(detail)
        self.detail = detail
        self.error = error
        self.status = status


NAME = re.compile(r"[A-Za-z0-9._-]{1,32}")
KEY = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MEMBER = re.compile(r"[A-Za-z0-9-]{1,32}")
HEX64 = re.compile(r"[0-9a-f]{64}")
DIGITS = re.compile(r"[0-9]+")
CURRENCY = re.compile(r"[A-Z]{3}")
EXP = re.compile(r"[0-9]{2}(0[1-9]|1[0-2])")
METHODS = ("swipe", "insert", "tap", "manual")
ACCOUNTS = ("credit", "debit")
MAX_COUNTER = 2**53 - 1  # the largest integer every JSON parser keeps exact


def obj(value, what="body"):
    if not isinstance(value, dict):
        raise BadRequest("%s must be a JSON object" % what)
    return value


def present(d, name):
    if name not in d:
        raise BadRequest("missing field: " + name)
    return d[name]


def integer(d, name, low, high):
    v = present(d, name)
    # bool is an int in Python but true/false is not a number on the wire.
    if not isinstance(v, int) or isinstance(v, bool):
        raise BadRequest("%s must be an integer" % name)
    if not low <= v <= high:
        raise BadRequest("%s must be between %d and %d" % (name, low, high))
    return v


def text(d, name, pattern, hint):
    v = present(d, name)
    if not isinstance(v, str):
        raise BadRequest("%s must be a string" % name)
    if not pattern.fullmatch(v):
        raise BadRequest("%s must be %s" % (name, hint))
    return v


def name(d, field):
    return text(d, field, NAME, "1-32 characters of A-Z a-z 0-9 . _ -")


def key(d, field="key"):
    return text(d, field, KEY, "1-64 characters of A-Z a-z 0-9 . _ : -")


def choice(d, field, options, default=None):
    if field not in d and default is not None:
        return default
    v = present(d, field)
    if v not in options or not isinstance(v, str):
        raise BadRequest("%s must be one of %s" % (field, ", ".join(options)))
    return v


def card(d):
    """The card fields of a sale: pan (12-19 digits), exp (YYMM), method."""
    pan = text(d, "pan", DIGITS, "12-19 digits")
    if not 12 <= len(pan) <= 19:
        raise BadRequest("pan must be 12-19 digits")
    exp = text(d, "exp", EXP, "YYMM")
    method = choice(d, "method", METHODS)
    return pan, exp, method


def money(d):
    amount = integer(d, "amount", 1, 99999999)
    currency = text(d, "currency", CURRENCY, "three capital letters (ISO 4217)")
    return amount, currency


def account(d):
    return choice(d, "account", ACCOUNTS, "credit")


def member(d):
    """The optional loyalty member number, or None."""
    if d.get("member") is None:
        return None
    return text(d, "member", MEMBER, "1-32 characters of A-Z a-z 0-9 -")


def figures(d, name):
    """A report line [count, amount] of non-negative integers."""
    v = present(d, name)
    ok = isinstance(v, list) and len(v) == 2
    if not ok or any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in v):
        raise BadRequest("%s must be [count, amount], two integers of at least 0" % name)
    if max(v) > MAX_COUNTER:
        raise BadRequest("%s must be at most %d" % (name, MAX_COUNTER))
    return v
