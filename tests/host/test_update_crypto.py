# The update signature check (firmware/maint/verify.py) against the `cryptography` package on
# CPython: fresh keys and signatures every run, tampering, a wrong key, and the e = 3 forgery
# that defeats verifiers which parse the decrypted block (Bleichenbacher 2006). The fixtures
# the MicroPython run uses (tests/unit/update_fixtures.py) are checked to be genuine here, and
# `python -m tests.host.test_update_crypto` writes new ones.
import hashlib
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import conftest  # noqa: F401  (lib/ on sys.path when run as a module)
from firmware.maint import verify
from tools.update import package

INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def _key(bits=2048, e=65537):
    return rsa.generate_private_key(public_exponent=e, key_size=bits)


def _modulus(key):
    n = key.public_key().public_numbers().n
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def _sign(key, msg):
    return key.sign(msg, padding.PKCS1v15(), hashes.SHA256())


def test_signatures_by_cryptography_verify_and_tampering_does_not():
    key = _key()
    n = _modulus(key)
    for size in (0, 1, 100, 5000):
        msg = os.urandom(size)
        sig = _sign(key, msg)
        digest = hashlib.sha256(msg).digest()
        assert verify.check(digest, sig, n)
        for i in (0, 1, 128, 255):
            bad = bytearray(sig)
            bad[i] ^= 0x01
            assert not verify.check(digest, bytes(bad), n)
        other = bytearray(digest)
        other[31] ^= 0x80
        assert not verify.check(bytes(other), sig, n)


def test_a_signature_by_another_key_does_not_verify():
    a, b = _key(), _key()
    msg = b"manifest"
    digest = hashlib.sha256(msg).digest()
    assert verify.check(digest, _sign(b, msg), _modulus(b))
    assert not verify.check(digest, _sign(b, msg), _modulus(a))


def test_keys_below_2048_bits_and_odd_sizes_are_refused():
    small = _key(1024)
    msg = b"x"
    digest = hashlib.sha256(msg).digest()
    assert not verify.check(digest, _sign(small, msg), _modulus(small))
    big = _key(3072)
    sig = _sign(big, msg)
    assert verify.check(digest, sig, _modulus(big))
    assert not verify.check(digest, sig[1:], _modulus(big))  # shorter than the key
    assert not verify.check(digest, b"\x00" + sig, _modulus(big))  # longer
    n = _modulus(big)
    assert not verify.check(digest, n, n)  # s >= n is no signature


def _icbrt(x):
    lo, hi = 0, 1 << ((x.bit_length() + 2) // 3 + 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if mid**3 < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _lax(em, digest):
    """A verifier that parses: 00 01, any FF run, 00, DigestInfo, digest, and ignores the rest."""
    if em[:2] != b"\x00\x01":
        return False
    i = 2
    while em[i] == 0xFF:
        i += 1
    return em[i] == 0 and em[i + 1 : i + 20] == INFO and em[i + 20 : i + 52] == digest


def test_bleichenbacher_e3_forgery_passes_a_parser_but_not_the_full_compare():
    key = _key(2048, 3)
    n = key.public_key().public_numbers().n
    modulus = _modulus(key)
    digest = hashlib.sha256(b"evil manifest").digest()
    # 00 01 FF 00 DigestInfo H, then garbage chosen by the cube root: no private key needed.
    prefix = b"\x00\x01\xff\x00" + INFO + digest
    target = int.from_bytes(prefix + b"\xff" * (256 - len(prefix)), "big")
    s = _icbrt(target)
    while True:  # the largest cube still starting with the prefix
        em = pow(s, 3).to_bytes(256, "big")
        if em.startswith(prefix):
            break
        s -= 1
    forged = s.to_bytes(256, "big")
    assert pow(s, 3, n) == pow(s, 3)  # below n: no wrap, the block is exactly the cube
    assert _lax(pow(s, 3, n).to_bytes(256, "big"), digest)  # the forgery fools a parser
    assert not verify.check(digest, forged, modulus, 3)
    genuine = _sign(key, b"evil manifest")
    assert verify.check(digest, genuine, modulus, 3)


def test_the_micropython_fixtures_are_genuine():
    from cryptography.exceptions import InvalidSignature

    from tests.unit import update_fixtures as fx

    n = int(fx.MODULUS, 16)
    pub = rsa.RSAPublicNumbers(65537, n).public_key()
    pub.verify(bytes.fromhex(fx.SIG), fx.MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    try:
        pub.verify(
            bytes.fromhex(fx.SIG_OTHER_KEY), fx.MESSAGE, padding.PKCS1v15(), hashes.SHA256()
        )
        raise AssertionError("the other key's signature verified")
    except InvalidSignature:
        pass
    doc = package.check(bytes.fromhex(fx.PACKAGE))  # the dev vendor key, as the terminal has
    assert doc["version"] == fx.PACKAGE_VERSION


def regenerate(path=None):
    """Write tests/unit/update_fixtures.py anew: a test key's signature, another key's, and a
    small package signed with the development vendor key."""
    path = path or os.path.join(os.path.dirname(__file__), "..", "unit", "update_fixtures.py")
    key, other = _key(), _key()
    msg = b"update manifest, signed by cryptography on CPython"
    files = [
        ("lib/upd_probe.py", b"VALUE = 7\n"),
        ("firmware/probe/__init__.py", b""),
        ("firmware/probe/data.txt", b"probe data\n" * 40),
    ]
    pkg = package.pack("9.0.1", "sim", "py", files, package.load_key())

    def hexlines(name, data):
        h = data.hex()
        rows = "".join('    "%s"\n' % h[i : i + 88] for i in range(0, len(h), 88))
        return "%s = (\n%s)\n" % (name, rows)

    with open(path, "w") as f:
        f.write(
            "# Made by `python -m tests.host.test_update_crypto` with the `cryptography` package\n"
            "# (checked by tests/host/test_update_crypto.py): a 2048-bit test key's modulus, its\n"
            "# signature of MESSAGE, another key's, and a package signed with the DEVELOPMENT\n"
            "# vendor key (tools/update/dev_vendor_key.pem). Regenerate after changing that key.\n"
            'MESSAGE = b"%s"\n' % msg.decode()
        )
        f.write(hexlines("MODULUS", _modulus(key)))
        f.write(hexlines("SIG", _sign(key, msg)))
        f.write(hexlines("SIG_OTHER_KEY", _sign(other, msg)))
        f.write('PACKAGE_VERSION = "9.0.1"\n')
        f.write(hexlines("PACKAGE", pkg))


if __name__ == "__main__":
    regenerate()
