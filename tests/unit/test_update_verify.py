# The update signature check on this runtime (MicroPython has no public-key module: big ints
# and pow()), against signatures the `cryptography` package made (tests/unit/update_fixtures.py,
# checked on CPython by tests/host/test_update_crypto.py).
import hashlib

from compat import unhexlify
from firmware.maint import verify
from tests.unit import update_fixtures as fx


def _digest():
    return hashlib.sha256(fx.MESSAGE).digest()


def test_a_genuine_signature_verifies():
    assert verify.check(_digest(), unhexlify(fx.SIG), unhexlify(fx.MODULUS))


def test_any_flipped_byte_of_the_signature_or_the_digest_fails():
    n = unhexlify(fx.MODULUS)
    sig = unhexlify(fx.SIG)
    for i in (0, 1, 64, 200, 255):
        bad = bytearray(sig)
        bad[i] ^= 0x04
        assert not verify.check(_digest(), bytes(bad), n)
    d = bytearray(_digest())
    d[0] ^= 1
    assert not verify.check(bytes(d), sig, n)


def test_another_keys_signature_fails():
    assert not verify.check(_digest(), unhexlify(fx.SIG_OTHER_KEY), unhexlify(fx.MODULUS))


def test_wrong_sizes_and_out_of_range_values_fail():
    n = unhexlify(fx.MODULUS)
    sig = unhexlify(fx.SIG)
    assert not verify.check(_digest(), sig[1:], n)
    assert not verify.check(_digest(), sig + b"\x00", n)
    assert not verify.check(_digest()[:31], sig, n)
    assert not verify.check(_digest(), n, n)  # s = n
    assert not verify.check(_digest(), b"\xff" * 256, n)  # s > n
    assert not verify.check(_digest(), sig, n[128:])  # a 1024-bit key is refused


def test_the_vendor_key_verifies_the_fixture_package_manifest():
    data = unhexlify("".join(fx.PACKAGE))
    mlen = int.from_bytes(data[8:12], "big")
    manifest = data[14 : 14 + mlen]
    sig = data[14 + mlen : 14 + mlen + 256]
    assert verify.check(hashlib.sha256(manifest).digest(), sig)
    assert not verify.check(hashlib.sha256(manifest + b" ").digest(), sig)
