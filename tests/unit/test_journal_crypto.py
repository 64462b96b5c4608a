# The card number at rest: HMAC-SHA256 (RFC 4231 vectors), AES-128-CBC (NIST SP 800-38A) and
# the journal's encrypt-then-MAC blob - the same bytes on CPython and MicroPython.
import compat
from aescbc import aes_cbc
from compat import hexlify, hmac_sha256, unhexlify
from firmware.journal import cardcrypt
from tests.unit.helpers import raises

# RFC 4231 test cases 1, 2, 3, 4, 6, 7: (key, data, HMAC-SHA256)
_RFC4231 = (
    (b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes(range(1, 26)), b"\xcd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger than "
     b"block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
)  # fmt: skip
KEY = b"0123456789abcdef"
PAN = "4111111111111111=2812"
# encrypt_pan(KEY, PAN, iv=bytes(range(16))): version | iv | AES-CBC | HMAC tag
GOLDEN = (
    "01000102030405060708090a0b0c0d0e0f4e21f1d9fe2940e13c96668896f19e6a39ec26f77b2f51d4e3ba724d"
    "0b50419231b0827ffcfc429635ed595326a60742"
)


def test_hmac_sha256_matches_rfc4231():
    for key, data, mac in _RFC4231:
        assert hexlify(hmac_sha256(key, data)) == mac


def test_hmac_fallback_without_the_hmac_module_matches_rfc4231():
    saved = compat._hmac
    compat._hmac = False  # what MicroPython has: hashlib.sha256 only
    try:
        for key, data, mac in _RFC4231:
            assert hexlify(hmac_sha256(key, data)) == mac
    finally:
        compat._hmac = saved


def test_aes_cbc_matches_nist_sp800_38a():
    key = unhexlify("2b7e151628aed2a6abf7158809cf4f3c")
    iv = unhexlify("000102030405060708090a0b0c0d0e0f")
    pt = unhexlify(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
        "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
    )
    ct = (
        "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
        "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"
    )
    assert hexlify(aes_cbc(key, iv, pt, True)) == ct
    assert aes_cbc(key, iv, unhexlify(ct), False) == pt


def test_pan_blob_is_the_same_bytes_on_both_runtimes():
    blob = cardcrypt.encrypt_pan(KEY, PAN, bytes(range(16)))
    assert hexlify(blob) == GOLDEN
    assert cardcrypt.decrypt_pan(KEY, blob) == PAN
    # its parts: the ciphertext is AES-CBC under the derived key, the tag HMAC over the rest
    enc = hmac_sha256(KEY, b"journal pan enc")[:16]
    assert aes_cbc(enc, bytes(range(16)), blob[17:-16], False) == PAN.encode() + b"\x0b" * 11
    assert blob[-16:] == hmac_sha256(hmac_sha256(KEY, b"journal pan mac"), blob[:-16])[:16]


def test_random_iv_and_tampering_is_detected():
    a = cardcrypt.encrypt_pan(KEY, PAN)
    b = cardcrypt.encrypt_pan(KEY, PAN)
    assert a != b and a[1:17] != b[1:17]
    assert cardcrypt.decrypt_pan(KEY, a) == PAN
    for i in (0, 5, 20, len(a) - 1):
        bad = a[:i] + bytes([a[i] ^ 1]) + a[i + 1 :]
        raises(cardcrypt.CardCryptError, cardcrypt.decrypt_pan, KEY, bad)
    raises(cardcrypt.CardCryptError, cardcrypt.decrypt_pan, b"fedcba9876543210", a)
    raises(cardcrypt.CardCryptError, cardcrypt.decrypt_pan, KEY, a[:-1])
    raises(cardcrypt.CardCryptError, cardcrypt.encrypt_pan, b"short", PAN)
    raises(cardcrypt.CardCryptError, cardcrypt.encrypt_pan, KEY, "1234")
