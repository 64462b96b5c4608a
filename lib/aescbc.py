# AES-CBC for the card numbers at rest, PIN blocks and backup archives: its own module, not
# compat's, loaded by what encrypts (a resident compat costs every screen its heap).
_aes = [None, None, None]  # the key, direction and AES-ECB block function last used
_cryptolib = None  # MicroPython's cryptolib, False on CPython: looked up once (a failed
# import searches every path entry again, each time)


def aes_cbc(key, iv, data, encrypt):
    """AES-CBC without padding (len(data) % 16 == 0): cryptolib on MicroPython, the
    `cryptography` package on CPython; the same bytes either way."""
    global _cryptolib
    n = len(data)
    if n % 16:
        raise ValueError("AES-CBC data must be whole blocks")
    if _cryptolib is None:
        try:
            import cryptolib as _cryptolib
        except ImportError:
            _cryptolib = False
    cryptolib = _cryptolib
    if cryptolib and n > 64:
        # MicroPython, bulk data (archives): its own CBC, in place; a 320-byte context a call
        c = cryptolib.aes(key, 2, iv)  # mode 2 = CBC
        return c.encrypt(data) if encrypt else c.decrypt(data)
    # A few blocks (card numbers, PIN blocks), and everything on CPython: CBC chained here
    # over an ECB context kept for the key. A sync pass decrypts hundreds of card numbers
    # under one key: a fresh context each is a 320-byte block that a fragmented MicroPython
    # heap may not have mid-pass, and on CPython costs more than the AES itself.
    if _aes[0] != key or _aes[1] != encrypt:
        if cryptolib:
            c = cryptolib.aes(key, 1)  # mode 1 = ECB; one direction per object
            f = c.encrypt if encrypt else c.decrypt
        else:
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            c = Cipher(algorithms.AES(key), modes.ECB())
            f = (c.encryptor() if encrypt else c.decryptor()).update
        _aes[:] = [bytes(key), encrypt, f]
    f = _aes[2]
    if not encrypt:  # P_i = D(C_i) xor C_(i-1): every block at once
        x = int.from_bytes(f(data), "big") ^ int.from_bytes(iv + data[:-16], "big")
        return x.to_bytes(n, "big")
    out = b""
    for i in range(0, n, 16):  # C_i = E(P_i xor C_(i-1))
        x = int.from_bytes(data[i : i + 16], "big") ^ int.from_bytes(iv, "big")
        iv = f(x.to_bytes(16, "big"))
        out += iv
    return out
