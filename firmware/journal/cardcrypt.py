# A card number at rest: AES-128-CBC with a random IV, PKCS#7 padding, then HMAC-SHA256 over
# version|iv|ciphertext (encrypt-then-MAC, tag cut to 16 bytes as in RFC 4868). Both keys are
# derived from the terminal's card key, so one secret serves both and neither is reused raw.
# Blob: VERSION (1, 0x01) | IV (16) | CIPHERTEXT (16*k) | TAG (16). Same bytes on both runtimes.
import os

from aescbc import aes_cbc
from compat import hmac_sha256


class CardCryptError(ValueError):
    pass


_last = [None, None]  # the card key last used and its two derived keys: sync decrypts many


def _keys(key):
    if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
        raise CardCryptError("card key under 16 bytes")
    if _last[0] != key:
        _last[1] = (
            hmac_sha256(key, b"journal pan enc")[:16],
            hmac_sha256(key, b"journal pan mac"),
        )
        _last[0] = bytes(key)
    return _last[1]


def encrypt_pan(key, pan, iv=None):
    """`pan`: the card number, or "PAN=YYMM" when the expiry must travel with it."""
    if not isinstance(pan, str) or not 12 <= len(pan) <= 32:
        raise CardCryptError("not a card number")
    enc, mac = _keys(key)
    iv = os.urandom(16) if iv is None else iv  # given only by tests, for fixed bytes
    data = pan.encode()
    pad = 16 - len(data) % 16
    body = b"\x01" + iv + aes_cbc(enc, iv, data + bytes([pad]) * pad, True)
    return body + hmac_sha256(mac, body)[:16]


def ready(key):
    """Derive the keys and make the AES context now: a sync pass calls it before its batch
    fills the heap, where a 320-byte block may no longer be found."""
    aes_cbc(_keys(key)[0], bytes(16), bytes(16), False)


def decrypt_pan(key, blob):
    enc, mac = _keys(key)
    n = len(blob) - 16  # where the tag starts
    if n < 33 or (n - 1) % 16 or blob[0] != 1:
        raise CardCryptError("not a card number")
    tag = hmac_sha256(mac, blob[:n])
    diff = 0
    for i in range(16):  # constant time: a wrong tag does not tell how much of it was right
        diff |= tag[i] ^ blob[n + i]
    data = b"" if diff else aes_cbc(enc, blob[1:17], blob[17:n], False)
    pad = data[-1] if data else 0
    if not 1 <= pad <= 16:  # the tag, or else the padding (a writer's bug), is wrong
        raise CardCryptError("wrong key or damaged")
    return data[:-pad].decode()
