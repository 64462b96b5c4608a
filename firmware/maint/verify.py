# RSASSA-PKCS1-v1_5 signature check with SHA-256 (RFC 8017, 8.2.2) on what every MicroPython
# has: big integers and 3-argument pow(). MicroPython has no public-key module, and the check
# runs once per update, so a plain modular exponentiation is enough (~1 ms on x86).
#
# The signature is checked by building the one block a valid signature can decrypt to and
# comparing the whole of it, never by parsing the decrypted block: parsers that skip the
# padding or stop after the digest let forgeries through (Bleichenbacher 2006, and many later
# variants with e = 3). Everything here is public, so no constant-time compare is needed.
from compat import unhexlify

# DER of DigestInfo { AlgorithmIdentifier { sha256, NULL }, OCTET STRING (32 bytes) }
_SHA256_INFO = b"\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20"


def check(digest, sig, modulus=None, e=65537):
    """True when `sig` (bytes) is a PKCS#1 v1.5 signature of the SHA-256 `digest` (32 bytes)
    under the RSA key (modulus as big-endian bytes, e); the vendor key by default."""
    if modulus is None:
        from firmware.maint import vendor_key

        modulus = unhexlify(vendor_key.N)
        e = vendor_key.E
    k = len(modulus)
    n = int.from_bytes(modulus, "big")
    if k < 256 or not modulus[0] or not n & 1 or len(digest) != 32 or len(sig) != k:
        return False  # keys under 2048 bits, or a block that is not the key's size
    s = int.from_bytes(sig, "big")
    if s >= n:
        return False  # RFC 8017 5.2.2: out of range, not a signature
    block = b"\x00\x01" + b"\xff" * (k - 3 - 19 - 32) + b"\x00" + _SHA256_INFO + digest
    # pow() < n < 256**k: equal integers are equal k-byte blocks, leading zeros included.
    return pow(s, e, n) == int.from_bytes(block, "big")
