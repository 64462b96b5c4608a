# The protocol's crypto written with only what MicroPython has (hashlib.sha256, binascii; no
# hmac module, no pbkdf2_hmac), as the firmware must write it. Tests run it under
# `micropython -X heapsize=64k` and check it against tools/host/proto.py byte for byte.
import binascii
import hashlib

VERSION = "pos1"
ITERATIONS = 1000
SALT_PREFIX = "pos-host-v1/"


def _pads(key):
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key + bytes(64 - len(key))
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _hmac(ipad, opad, msg):
    inner = hashlib.sha256(ipad)
    inner.update(msg)
    outer = hashlib.sha256(opad)
    outer.update(inner.digest())
    return outer.digest()


def hmac_sha256(key, msg):
    ipad, opad = _pads(key)
    return _hmac(ipad, opad, msg)


def pbkdf2_sha256(password, salt, iterations, dklen=32):
    ipad, opad = _pads(password)
    out = b""
    block = 1
    while len(out) < dklen:
        u = _hmac(ipad, opad, salt + block.to_bytes(4, "big"))
        acc = bytearray(u)
        for _ in range(iterations - 1):
            u = _hmac(ipad, opad, u)
            for j in range(32):
                acc[j] ^= u[j]
        out += bytes(acc)
        block += 1
    return out[:dklen]


def derive_secret(code_digits, serial):
    return pbkdf2_sha256(code_digits.encode(), (SALT_PREFIX + serial).encode(), ITERATIONS)


def mac_input(direction, path, tid, ctr, re, body):
    head = "\n".join((VERSION, direction, path, str(tid), str(ctr), str(re), ""))
    return head.encode() + body.encode()


def sign(secret, direction, path, tid, ctr, re, body):
    digest = hmac_sha256(secret, mac_input(direction, path, tid, ctr, re, body))
    return binascii.hexlify(digest).decode()


def same(a, b):
    """Compare two MAC strings in time that does not depend on where they differ."""
    if len(a) != len(b):
        return False
    a, b = a.encode(), b.encode()
    diff = 0
    for i in range(len(a)):
        diff |= a[i] ^ b[i]
    return diff == 0
