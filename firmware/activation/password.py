# The technician password that guards activation: what the policy refuses, how it is kept
# (salted PBKDF2-HMAC-SHA256, never the digits) and the lockout after wrong tries, counted on
# flash (store record "lockout": n wrong tries, until = epoch seconds) so that switching the
# terminal off and on gives a guesser no new tries.
import os

from compat import const, hexlify, unhexlify
from pbkdf2 import pbkdf2_sha256

_TRIES = const(5)


def problem(pw, least=6):
    """None when the policy takes the password (or, with `least` 4, a role's PIN), else the
    catalogue key saying why not."""
    if len(pw) < least:
        return "pw-too-short"
    if pw == pw[0] * len(pw):
        return "pw-same-digits"
    steps = set(ord(pw[i]) - ord(pw[i - 1]) for i in range(1, len(pw)))
    if steps == {1} or steps == {-1}:
        return "pw-digit-run"
    return None


def keep(pw, kept=None):
    """What the record keeps of a password: [iterations, salt hex, hash hex], with a new salt,
    or with the salt of `kept` — then equal to `kept` exactly when the password is the same.
    (Plain ==: timing would only tell how much of a salted hash matched, which tells a guesser
    nothing about the next guess.)"""
    n, salt = kept[:2] if kept else (1000, hexlify(os.urandom(16)))  # ~1 s on an ESP32
    return [n, salt, hexlify(pbkdf2_sha256(pw.encode(), unhexlify(salt), n))]


def lockout(term, ok=None, key="lockout"):
    """(seconds the lockout still runs, tries left before one), after counting a right (ok
    True) or wrong (False) try on flash; ok None only asks. `key` is the store record that
    counts: "lockout" for the activation password, "lock-<role>" for a role's gate."""
    store = term.store
    lock = store.get(key) or {}
    now = term.clock.time()
    until = lock.get("until", 0)
    n = 0 if until and until <= now else lock.get("n", 0)  # a lockout that ran out: new tries
    if ok:
        n = 0
        if lock:
            store.delete(key)
    elif ok is not None:
        n += 1
        lock = {"n": n}
        if n >= _TRIES:
            until = lock["until"] = now + term.config.get("lockout_s", 1800)
        store.put(key, lock)
    return max(0, until - now), max(0, _TRIES - n)
