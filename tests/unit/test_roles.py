# Roles and their PINs: what each action needs, the PIN policy, a higher role's PIN opening a
# lower gate and never the other way, and the wrong-try count per role on flash.
from firmware.activation.password import lockout
from firmware.pos.roles import ORDER, asks, check, has_pin, lock_state, needs, problem, set_pin
from firmware.ui.text import lookup
from tests.unit.helpers import raises
from tests.unit.roles_fixtures import Term, activated

ACTIONS = ("sale", "void", "refund", "z-report", "settings", "diagnostics", "activation", "pins")


def test_what_each_action_needs_and_every_gate_has_its_words():
    got = [needs(a) for a in ACTIONS]
    assert got == ["cashier"] + ["supervisor"] * 3 + ["technician"] * 4
    raises(ValueError, needs, "open-drawer")
    for a in ACTIONS:  # the gate builds these keys at run time
        assert lookup("g-title-" + a) != "g-title-" + a, a
    for r in ORDER:
        assert lookup("g-ask-" + r) != "g-ask-" + r, r


def test_pin_policy_and_its_messages():
    assert problem("1357") is None and problem("25801234") is None
    for pin, why in (
        ("135", "pin-length"),
        ("135792468", "pin-length"),
        ("12a4", "pin-length"),
        ("7777", "pin-same-digits"),
        ("1234", "pin-digit-run"),
        ("87654321", "pin-digit-run"),
    ):
        assert problem(pin) == why, pin
        assert lookup(why) != why
    term = Term("policy")
    for pin in ("7777", "123", "3456"):
        e = raises(ValueError, set_pin, term, "cashier", pin)
        assert lookup(e.args[0]) != e.args[0]
    assert not has_pin(term, "cashier")


def test_only_cashier_and_supervisor_pins_are_set_and_kept_salted():
    term = Term("set")
    activated(term)
    raises(ValueError, set_pin, term, "technician", "2580")
    assert not has_pin(term, "supervisor")
    set_pin(term, "supervisor", "2580")
    assert has_pin(term, "supervisor") and not has_pin(term, "cashier")
    kept = term.reboot().store.get("roles")
    assert list(kept) == ["supervisor"] and len(kept["supervisor"]) == 3
    assert "2580" not in repr(kept)
    assert check(term, "supervisor", "2580") == "supervisor"
    set_pin(term, "supervisor", "9146")  # a new PIN replaces the old one
    assert check(term, "supervisor", "2580") is None
    assert check(term, "supervisor", "9146") == "supervisor"


def test_one_pin_cannot_serve_two_roles():
    term = Term("in-use")
    activated(term, "480219")
    set_pin(term, "cashier", "2580")
    assert raises(ValueError, set_pin, term, "supervisor", "2580").args[0] == "pin-in-use"
    assert raises(ValueError, set_pin, term, "cashier", "480219").args[0] == "pin-in-use"
    set_pin(term, "cashier", "2580")  # its own PIN again is fine


def test_the_technician_pin_is_the_activation_password():
    term = Term("tech")
    assert has_pin(term, "technician") is False
    activated(term, "480219")
    assert has_pin(term, "technician")
    assert check(term, "technician", "480219") == "technician"
    assert check(term, "technician", "480218") is None
    assert check(term, "supervisor", "480219") == "technician"
    assert check(term, "cashier", "480219") == "technician"


def test_a_higher_pin_opens_a_lower_gate_never_the_reverse():
    term = Term("rank")
    activated(term, "480219")
    set_pin(term, "cashier", "1357")
    set_pin(term, "supervisor", "2580")
    assert check(term, "cashier", "1357") == "cashier"
    assert check(term, "cashier", "2580") == "supervisor"
    assert check(term, "supervisor", "2580") == "supervisor"
    assert check(term, "supervisor", "1357") is None  # cashier PIN at a supervisor gate
    assert check(term, "technician", "2580") is None
    assert lock_state(term, "supervisor") == (0, 4)
    assert lock_state(term, "technician") == (0, 4)


def test_whose_pin_a_gate_asks_for():
    term = Term("asks")
    # before activation nothing is set: every gate lets everyone through
    assert [asks(term, r) for r in ORDER] == [None, None, None]
    activated(term)
    # no cashier PIN: anyone sells; no supervisor PIN: the technician steps in
    assert [asks(term, r) for r in ORDER] == [None, "technician", "technician"]
    set_pin(term, "supervisor", "2580")
    assert [asks(term, r) for r in ORDER] == [None, "supervisor", "technician"]
    set_pin(term, "cashier", "1357")
    assert [asks(term, r) for r in ORDER] == ["cashier", "supervisor", "technician"]


def test_five_wrong_pins_lock_that_role_only_and_a_reboot_keeps_the_count():
    term = Term("lock", {"lockout_s": 600})
    activated(term, "480219")
    set_pin(term, "cashier", "1357")
    set_pin(term, "supervisor", "2580")
    for left in (4, 3):
        assert check(term, "supervisor", "0000") is None
        assert lock_state(term, "supervisor") == (0, left)
    term = term.reboot()  # the count is on flash
    assert lock_state(term, "supervisor") == (0, 3)
    for _ in range(3):
        assert check(term, "supervisor", "9999") is None
    assert lock_state(term, "supervisor") == (600, 0)
    assert check(term, "supervisor", "2580") is None  # locked: even the right PIN
    assert check(term, "supervisor", "480219") is None
    term = term.reboot()
    assert lock_state(term, "supervisor") == (600, 0)
    assert check(term, "supervisor", "2580") is None
    # the other roles' gates are untouched, and so is the activation password's lockout
    assert lock_state(term, "cashier") == (0, 5)
    assert check(term, "cashier", "1357") == "cashier"
    assert check(term, "cashier", "2580") == "supervisor"
    assert check(term, "technician", "480219") == "technician"
    assert lockout(term) == (0, 5)
    term.clock.advance(599 * 1000)
    assert lock_state(term, "supervisor") == (1, 0)
    term.clock.advance(1000)
    assert lock_state(term, "supervisor") == (0, 5)
    assert check(term, "supervisor", "2580") == "supervisor"
    assert not term.flash.exists("store/lock-supervisor.json")


def test_a_right_pin_clears_the_count_and_a_new_pin_unlocks():
    term = Term("clear")
    activated(term)
    set_pin(term, "cashier", "1357")
    check(term, "cashier", "0000")
    check(term, "cashier", "0000")
    assert lock_state(term, "cashier") == (0, 3)
    assert check(term, "cashier", "1357") == "cashier"
    assert lock_state(term, "cashier") == (0, 5)
    for _ in range(5):
        check(term, "cashier", "0000")
    assert lock_state(term, "cashier") == (1800, 0)  # the default lockout_s
    set_pin(term, "cashier", "9146")  # the technician gives the cashier a new PIN
    assert lock_state(term, "cashier") == (0, 5)
    assert check(term, "cashier", "9146") == "cashier"
