# PBKDF2-HMAC-SHA256 for PINs, the activation password and the activation secret: its own
# module, not compat's, as only the screens that check or set one need it (a resident compat
# costs every screen its heap).
def pbkdf2_sha256(password, salt, iterations, dklen=32):
    """PBKDF2-HMAC-SHA256 (RFC 8018): hashlib's where the port has it, else the same rounds
    over hashlib.sha256 with the HMAC pads computed once (MicroPython has neither)."""
    import hashlib

    if hasattr(hashlib, "pbkdf2_hmac"):
        return hashlib.pbkdf2_hmac("sha256", password, salt, iterations, dklen)
    sha = hashlib.sha256
    if len(password) > 64:
        password = sha(password).digest()
    key = password + bytes(64 - len(password))
    ipad = bytes(b ^ 0x36 for b in key)
    opad = bytes(b ^ 0x5C for b in key)
    out = b""
    block = 0
    while len(out) < dklen:
        block += 1
        u = salt + block.to_bytes(4, "big")
        acc = 0  # XOR of every round as one big integer: no per-byte loop
        for _ in range(iterations):
            h = sha(ipad)
            h.update(u)
            h2 = sha(opad)
            h2.update(h.digest())
            u = h2.digest()
            acc ^= int.from_bytes(u, "big")
        out += acc.to_bytes(32, "big")
    return out[:dklen]
