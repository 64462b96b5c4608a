# The activation record and its moves, the technician password (policy, PBKDF2, lockout on
# flash) and PBKDF2 itself, on both runtimes.
import os

from compat import hexlify, unhexlify
from firmware.activation import get, move
from firmware.activation.password import keep, lockout, problem
from firmware.flash import Flash
from firmware.store import Store
from pbkdf2 import pbkdf2_sha256
from tests.unit.helpers import raises

_TMP = "/tmp/pos-unit-activation-%07d" % os.getpid() if hasattr(os, "getpid") else "/tmp/pos-ua"


class _Board:
    def __init__(self):
        self.reported = []

    def state(self, name):
        self.reported.append(name)


class _Clock:
    def __init__(self):
        self.now = 1767225600

    def time(self):
        return self.now


class _Term:
    """What the activation code uses of firmware.app.Terminal."""

    def __init__(self, name, config=None, flash=None):
        if flash is None:  # a fresh flash
            flash = Flash(_TMP + "-" + name)
            if flash.exists("store"):
                for f in flash.listdir("store"):
                    flash.remove("store/" + f)
        self.flash = flash
        self.store = Store(flash)
        self.board = _Board()
        self.clock = _Clock()
        self.config = config or {}

    def reboot(self):
        """The same flash, a fresh store (nothing cached) and board: after a power cut."""
        term = _Term("", self.config, self.flash)
        term.clock = self.clock
        return term


def test_pbkdf2_matches_rfc7914_and_the_host_protocol_vector():
    # RFC 7914 section 11, PBKDF2-HMAC-SHA256 P="passwd" S="salt" c=1 dkLen=64 (two blocks).
    assert hexlify(pbkdf2_sha256(b"passwd", b"salt", 1, 64)) == (
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
    )
    # docs/host.md: the secret of code 123456789012 for serial SN0001 (1000 iterations).
    secret = pbkdf2_sha256(b"123456789012", b"pos-host-v1/SN0001", 1000)
    assert hexlify(secret) == "86dd782b1069584f4c2c4ab23f8387cfb0fcd22d28f388a5096ab3e0f1dbba66"
    # A key longer than the SHA-256 block is hashed first (RFC 2104), as hashlib does.
    long_key = pbkdf2_sha256(b"k" * 100, b"salt", 2, 16)
    assert long_key == pbkdf2_sha256(compat_sha256(b"k" * 100), b"salt", 2, 16)
    assert len(long_key) == 16


def compat_sha256(data):
    import hashlib

    return hashlib.sha256(data).digest()


def test_a_new_terminal_is_factory_and_each_move_is_saved_and_reported():
    term = _Term("moves")
    assert get(term.store) == {"state": "FACTORY"}
    move(term, "PREPARED")
    move(term, "CREDENTIALS", merchant="100234", terminal="01")
    assert term.board.reported == ["PREPARED", "CREDENTIALS"]
    after = term.reboot()
    assert get(after.store) == {"state": "CREDENTIALS", "merchant": "100234", "terminal": "01"}
    # None removes a field; staying in a state only changes fields
    move(after, "CREDENTIALS", terminal=None, reason="x")
    assert get(after.reboot().store) == {
        "state": "CREDENTIALS",
        "merchant": "100234",
        "reason": "x",
    }


def test_moves_outside_the_flow_are_refused_and_change_nothing():
    term = _Term("refused")
    e = raises(ValueError, move, term, "ACTIVE")
    assert "FACTORY to ACTIVE" in str(e)
    assert get(term.reboot().store) == {"state": "FACTORY"}
    for state in ("PREPARED", "CREDENTIALS", "PASSWORD_SET", "CODE_SUBMITTED"):
        move(term, state)
    raises(ValueError, move, term, "TEST_TXN")  # not approved yet
    raises(ValueError, move, term, "FACTORY")
    for state in ("PENDING_REVIEW", "REJECTED", "CREDENTIALS", "PASSWORD_SET", "LOCKED"):
        move(term, state)
    move(term, "PASSWORD_SET")  # a burned code: on to a new one
    for state in ("CODE_SUBMITTED", "APPROVED", "TEST_TXN", "ACTIVE", "DEACTIVATED"):
        move(term, state)
    raises(ValueError, move, term, "ACTIVE")  # revoked is revoked: activate again
    move(term, "CREDENTIALS")
    assert get(term.store)["state"] == "CREDENTIALS"


def test_password_policy():
    assert problem("12345") == "pw-too-short"
    assert problem("") == "pw-too-short"
    assert problem("777777") == "pw-same-digits"
    assert problem("123456") == "pw-digit-run"
    assert problem("3456789") == "pw-digit-run"
    assert problem("987654") == "pw-digit-run"
    assert problem("123457") is None
    assert problem("480219") is None
    assert problem("112233") is None


def test_a_password_is_kept_salted_and_hashed_never_as_digits():
    kept = keep("480219")
    assert kept[0] == 1000
    assert len(kept[1]) == 32 and len(kept[2]) == 64
    assert "480219" not in "".join(str(k) for k in kept)
    assert keep("480219", kept) == kept
    assert keep("480218", kept) != kept
    assert keep("480219") != kept  # a new salt each time it is set
    # the hash is PBKDF2-HMAC-SHA256 of the digits under that salt
    assert kept[2] == hexlify(pbkdf2_sha256(b"480219", unhexlify(kept[1]), 1000))


def test_five_wrong_passwords_lock_for_lockout_s_and_a_reboot_does_not_reset_it():
    term = _Term("lockout", {"lockout_s": 60})
    assert lockout(term) == (0, 5)
    assert lockout(term, False) == (0, 4)
    assert lockout(term, False) == (0, 3)
    term = term.reboot()  # the count is on flash
    assert lockout(term) == (0, 3)
    assert lockout(term, False) == (0, 2)
    assert lockout(term, False) == (0, 1)
    assert lockout(term, False) == (60, 0)
    term = term.reboot()
    term.clock.now += 59
    assert lockout(term) == (1, 0)
    term.clock.now += 1
    assert lockout(term) == (0, 5)  # ran out: a fresh set of tries
    assert lockout(term, False) == (0, 4)
    assert lockout(term, True) == (0, 5)  # the right one clears the count
    assert not term.flash.exists("store/lockout.json")
    assert lockout(term.reboot()) == (0, 5)


def test_lockout_lasts_30_minutes_by_default():
    term = _Term("lockout-default")
    for _ in range(5):
        left = lockout(term, False)
    assert left == (1800, 0)


def test_pbkdf2_falls_back_to_the_same_bytes_without_hashlib_pbkdf2():
    # CPython has hashlib.pbkdf2_hmac; MicroPython runs the fallback anyway. Here both paths
    # meet: hide the fast one for a moment where it exists.
    import hashlib

    fast = getattr(hashlib, "pbkdf2_hmac", None)
    if fast is None:
        return
    try:
        del hashlib.pbkdf2_hmac
        slow = pbkdf2_sha256(b"pw", b"salt", 3, 40)
    finally:
        hashlib.pbkdf2_hmac = fast
    assert slow == fast("sha256", b"pw", b"salt", 3, 40)
