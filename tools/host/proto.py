# The wire protocol's crypto and envelopes (docs/host.md), shared by the host and the CPython
# reference client. tools/host/spec_mpy.py computes the same bytes with MicroPython's modules.
import hashlib
import hmac
import json

VERSION = "pos1"
PBKDF2_ITERATIONS = 1000  # about 10 ms in MicroPython on x86, about 1 s on an ESP32
SALT_PREFIX = "pos-host-v1/"
CODE_DIGITS = 12
MAX_BODY = 64 * 1024
TO_HOST = "T2H"
TO_TERMINAL = "H2T"


def normalize_code(code):
    """Digits only: the code is printed grouped (1234-5678-9012) but typed as digits."""
    digits = "".join(ch for ch in str(code) if ch not in " -")
    if len(digits) != CODE_DIGITS or not digits.isdigit() or not digits.isascii():
        raise ValueError("an activation code is %d digits" % CODE_DIGITS)
    return digits


def group_code(code):
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def derive_secret(code, serial):
    """The per-terminal secret both sides compute; it never travels."""
    salt = (SALT_PREFIX + serial).encode()
    return hashlib.pbkdf2_hmac("sha256", normalize_code(code).encode(), salt, PBKDF2_ITERATIONS)


def mac_input(direction, path, tid, ctr, re, body):
    head = "\n".join((VERSION, direction, path, str(tid), str(ctr), str(re), ""))
    return head.encode() + body.encode("utf-8")


def sign(secret, direction, path, tid, ctr, re, body):
    return hmac.new(secret, mac_input(direction, path, tid, ctr, re, body), "sha256").hexdigest()


def mac_ok(secret, direction, path, tid, ctr, re, body, mac):
    good = sign(secret, direction, path, tid, ctr, re, body)
    return hmac.compare_digest(good.encode(), mac.encode())


def dumps(obj):
    """Compact ASCII JSON: what this side puts in an envelope's body string."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def request(secret, path, tid, ctr, body_obj):
    body = dumps(body_obj)
    mac = sign(secret, TO_HOST, path, tid, ctr, 0, body)
    return {"tid": tid, "ctr": ctr, "body": body, "mac": mac}


def reply(secret, path, tid, ctr, re, body_obj):
    body = dumps(body_obj)
    mac = sign(secret, TO_TERMINAL, path, tid, ctr, re, body)
    return {"tid": tid, "ctr": ctr, "re": re, "body": body, "mac": mac}
