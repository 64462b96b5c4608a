# The message catalogue: sorted by key as bytes (firmware/ui/text.py binary-searches it on
# flash), every key once, and every key the firmware names — literally, or as a prefix it
# completes at run time from a known list — present.
import ast
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOGUE = os.path.join(ROOT, "firmware", "ui", "en.txt")
STATES = (
    "FACTORY PREPARED CREDENTIALS PASSWORD_SET CODE_SUBMITTED PENDING_REVIEW APPROVED "
    "TEST_TXN ACTIVE REJECTED LOCKED DEACTIVATED"
).split()
# Keys the firmware builds as prefix + name: every name it can complete them with.
COMPOSED = {
    "st-": STATES,
    "i-": ["APPROVED", "REJECTED", "LOCKED", "DEACTIVATED"],
    "h-": ["APPROVED", "REJECTED", "LOCKED", "DEACTIVATED"],
    "c-": ["bad-code", "code-expired", "code-used", "unknown-terminal"],
    "t-": ["merchant", "terminal", "pw1", "pw2", "gate", "code"],
    "p-": ["merchant", "terminal", "pw1", "pw2", "gate"],
    "chk-": "printer display keypad card scanner network power flash heap".split(),
    "err-": [
        "network-down",
        "host-silent",
        "reply-lost",
        "host-timeout",
        "reply-forged",
        "reply-replayed",
        "host-refused",
        "bad-mac",
    ],
    "fix-": "paper-out cover-open printer-offline offline overheated printer-garbled".split(),
    "r-entry-": ["insert", "swipe", "tap"],  # drivers/card/reader.py Card.method
    "pay-": ["cash", "credit", "debit"],
    "off-": ["over-sale-limit", "over-total-limit", "too-many-offline", "offline-too-long"],
    "rcpt-kind-": ["A", "D", "V", "R"],
    "rep-title-": ["X", "Z"],
    "rep-settle-": ["balanced", "out-of-balance"],
    "sync-st-": ["idle", "sending", "waiting", "off"],
    "g-title-": [
        "sale",
        "void",
        "refund",
        "z-report",
        "settings",
        "diagnostics",
        "activation",
        "pins",
    ],  # fmt: skip
    "g-ask-": ["cashier", "supervisor", "technician"],
}


def _lines():
    with open(CATALOGUE, "rb") as f:
        return f.read().split(b"\n")


def _keys():
    return [line.split(b"\t", 1)[0].decode() for line in _lines() if line]


def test_file_ends_with_one_newline_and_every_line_is_key_tab_text():
    lines = _lines()
    assert lines[-1] == b""
    for line in lines[:-1]:
        key, tab, text = line.partition(b"\t")
        assert tab and key and text, line
        assert re.fullmatch(rb"[A-Za-z0-9_.-]+", key), line


def test_sorted_as_bytes_and_unique():
    lines = [line for line in _lines() if line]
    assert lines == sorted(lines)
    keys = _keys()
    assert len(keys) == len(set(keys))


def _keys_named(node):
    """The keys an argument of t() can be: "key", "a" if … else "b", "prefix-" + name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _keys_named(node.body) | _keys_named(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        prefix = _keys_named(node.left)
        assert prefix <= set(COMPOSED), "unknown composed key %s" % ast.dump(node)
        return prefix
    return set()


def _used_keys():
    used = set()
    for path in glob.glob(os.path.join(ROOT, "firmware", "**", "*.py"), recursive=True):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t":
                used |= _keys_named(node.args[0])
    return used


def test_every_literal_key_the_firmware_uses_is_there():
    keys = set(_keys())
    used = _used_keys()
    assert len(used) > 60  # the scan found the calls
    missing = sorted(k for k in used - set(COMPOSED) if k not in keys)
    assert not missing, missing


def test_every_composed_key_is_there():
    keys = set(_keys())
    missing = [p + n for p, names in COMPOSED.items() for n in names if p + n not in keys]
    assert not missing, missing


def test_password_policy_keys_are_there():
    # firmware/activation/password.py returns catalogue keys rather than calling t() itself.
    with open(os.path.join(ROOT, "firmware", "activation", "password.py")) as f:
        returned = re.findall(r'return "([^"]+)"', f.read())
    assert len(returned) == 3
    assert set(returned) <= set(_keys())


def _host_reasons():
    """The reasons tools/host gives a terminal: a card's decline (cards.py), a reversed sale's
    and a deactivation's (service.py)."""
    found = set()
    for name in ("cards.py", "service.py"):
        with open(os.path.join(ROOT, "tools", "host", name)) as f:
            src = f.read()
        found |= set(re.findall(r'\("declined", "([a-z-]+)"', src))
        found |= set(re.findall(r"'blocked', '([a-z-]+)'", src))  # a reversed auth's reason
        found |= set(re.findall(r'reason = reason or "([^"]+)"', src))
        found |= set(re.findall(r'reason = "([^"%]+) %d"', src))  # a number after it
    return found


def test_every_reason_the_host_gives_has_words():
    # firmware/ui/text.py reason(): "why-" + the reason, spaces as "-". Besides the host's
    # reasons: the errors of its refusals a sale can meet (service.py _signed, _auth), and the
    # reasons the terminal journals a decline with itself (firmware/ui/pay.py, the offline
    # limits), which its receipt prints.
    reasons = _host_reasons()
    assert {"insufficient-funds", "incorrect-pin", "revoked by the operator"} <= reasons
    reasons |= {"bad-request", "bad-json", "bad-mac", "unknown-terminal", "not-approved"}
    reasons |= {"key-reused", "revoked", "host-refused", "declined", "debit-offline"}
    reasons |= set(COMPOSED["off-"])
    keys = set(_keys())
    missing = sorted(r for r in reasons if "why-" + r.replace(" ", "-") not in keys)
    assert not missing, missing
