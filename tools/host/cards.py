# Deterministic test-card rules (docs/host.md, "Test cards"): the outcome depends only on the
# request, so terminal tests can aim at each answer. Checked in this order; the first match wins.
import hashlib

APPROVED = ("approved", None, "00")
LIMIT = 100000  # minor units: 1,000.00 and above is declined
SLOW_SUFFIX = "0096"
WRONG_PIN = "0000"  # every other PIN is right

# Debit PIN checks, made before the card rules below (ISO 8583 55: incorrect PIN).
PIN_REQUIRED = ("declined", "pin-required", "55")
PIN_ERROR = ("declined", "pin-error", "55")
INCORRECT_PIN = ("declined", "incorrect-pin", "55")

# Last four digits of the PAN → (status, reason, ISO 8583 response code).
SUFFIX_RULES = {
    "0002": ("declined", "do-not-honor", "05"),
    "0051": ("declined", "insufficient-funds", "51"),
    "0054": ("declined", "expired-card", "54"),
    "0091": ("declined", "issuer-unavailable", "91"),
}


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits summed


def luhn_ok(pan):
    digits = [ord(ch) - 48 for ch in reversed(pan)]
    total = sum(digits[0::2]) + sum([_DOUBLED[d] for d in digits[1::2]])
    return total % 10 == 0


def expired(exp, year, month):
    """exp is YYMM; a card is good through the last day of its month."""
    return (2000 + int(exp[:2]), int(exp[2:])) < (year, month)


def decide(pan, exp, amount, year, month):
    """(status, reason, response code) for a sale on this card, by the rules above."""
    if not luhn_ok(pan):
        return ("declined", "invalid-pan", "14")
    if expired(exp, year, month):
        return ("declined", "expired-card", "54")
    rule = SUFFIX_RULES.get(pan[-4:])
    if rule:
        return rule
    if amount >= LIMIT:
        return ("declined", "exceeds-limit", "61")
    return APPROVED


def is_slow(pan):
    return pan[-4:] == SLOW_SUFFIX


def auth_code(tid, key):
    """Six digits, the same for every retry of one sale."""
    digest = hashlib.sha256(("%d:%s" % (tid, key)).encode()).hexdigest()
    return "%06d" % (int(digest[:12], 16) % 1000000)
