# The debit PIN block (docs/host.md, "PIN block"): ISO 9564 format 0 in the first 8 bytes,
# 8 random bytes after it, AES-128-CBC under a key derived from the terminal's secret. The
# firmware builds the same bytes; build() is the reference the test vector comes from.
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_LABEL = b"pos1 pin key"
BLOCK_HEX = re.compile(r"[0-9a-fA-F]{32}")
MIN_PIN = 4
MAX_PIN = 12


def pin_key(secret):
    return hmac.new(secret, KEY_LABEL, hashlib.sha256).digest()[:16]


def _cipher(secret):
    return Cipher(algorithms.AES(pin_key(secret)), modes.CBC(bytes(16)))


def _pan_field(pan):
    # The 12 digits left of the check digit; a 12-digit PAN has only 11, so pad on the left.
    return bytes.fromhex("0000" + pan[:-1][-12:].rjust(12, "0"))


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def build(secret, pan, pin, rand=None):
    """The hex PIN block for pin (4-12 digits) on card pan; rand is the 8 filler bytes."""
    if not (MIN_PIN <= len(pin) <= MAX_PIN and pin.isdigit() and pin.isascii()):
        raise ValueError("a PIN is 4-12 digits")
    rand = os.urandom(8) if rand is None else bytes(rand)
    if len(rand) != 8:
        raise ValueError("the filler is 8 bytes")
    field = bytes.fromhex(("0%X%s" % (len(pin), pin)).ljust(16, "F"))
    enc = _cipher(secret).encryptor()
    return (enc.update(_xor(field, _pan_field(pan)) + rand) + enc.finalize()).hex()


def read(secret, pan, block):
    """The PIN in the hex block, or ValueError when it is not a format 0 block for this card."""
    if not isinstance(block, str) or not BLOCK_HEX.fullmatch(block):
        raise ValueError("a PIN block is 32 hex digits")
    dec = _cipher(secret).decryptor()
    clear = dec.update(bytes.fromhex(block)) + dec.finalize()
    field = _xor(clear[:8], _pan_field(pan)).hex().upper()
    n = int(field[1], 16)
    pin = field[2 : 2 + n]
    if field[0] != "0" or not MIN_PIN <= n <= MAX_PIN or not pin.isdigit():
        raise ValueError("not an ISO 9564 format 0 block")
    if field[2 + n :] != "F" * (14 - n):
        raise ValueError("bad PIN block filler")
    return pin
