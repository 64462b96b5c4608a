# The PIN gate screen: digits shown only as "*", a wrong PIN says how many tries are left, a
# lockout says for how long and whom to call, and the right PIN opens the next screen.
from drivers.display.canvas import Canvas
from firmware.events import KEY, TICK, Event
from firmware.pos.audit import read
from firmware.pos.roles import set_pin
from firmware.ui.gate import Gate
from tests.unit.helpers import run
from tests.unit.roles_fixtures import Term, activated

THEN = ("firmware.ui.void", "Void", 17)


class _Device:
    def show(self, buf, pages):
        pass


# One for all the tests, made before any test runs: on a 64 KiB heap a 1 KiB buffer made
# later, once the tests have fragmented it, may find no hole.
_canvas = Canvas(_Device())


def _screen(term, action):
    gate = Gate(term, action, THEN)
    canvas = _canvas
    canvas.clear()
    nxt = run(gate.start())
    return gate, canvas, nxt


def _press(gate, canvas, *keys):
    nxt = None
    for k in keys:
        nxt = run(gate.handle(Event(KEY, k, 0)))
        gate.draw(canvas)
    return nxt


def _shown(canvas):
    return " ".join(" ".join(canvas.rows).split())


def test_no_cashier_pin_lets_a_sale_straight_through():
    term = Term("gate-open")
    activated(term)
    gate, canvas, nxt = _screen(term, "sale")
    assert nxt == THEN and term.role == "cashier"
    gate.draw(canvas)
    assert canvas.rows == [""] * 8  # nothing drawn on the way through


def test_digits_are_masked_and_the_right_pin_opens_the_next_screen():
    term = Term("gate-right")
    activated(term)
    set_pin(term, "supervisor", "2580")
    gate, canvas, nxt = _screen(term, "void")
    assert nxt is None
    gate.draw(canvas)
    assert "Void" in canvas.rows[0] and "Enter supervisor PIN" in _shown(canvas)
    _press(gate, canvas, "2", "5", "8", "0")
    assert "> ****_" in canvas.rows
    assert not [r for r in canvas.rows if "2580" in r or "258" in r]
    _press(gate, canvas, "CLEAR")
    assert "> ***_" in canvas.rows
    assert _press(gate, canvas, "0", "ENTER") == THEN
    assert term.role == "supervisor" and gate.text == ""
    assert read(term, 5) == []  # a right PIN is not audited by the gate


def test_a_cashier_pin_is_refused_at_a_supervisor_gate_with_tries_left_then_locked():
    term = Term("gate-wrong", {"hotline": "555-0100", "lockout_s": 1200})
    activated(term)
    set_pin(term, "cashier", "1357")
    set_pin(term, "supervisor", "2580")
    gate, canvas, _ = _screen(term, "refund")
    assert _press(gate, canvas, "1", "3", "5", "7", "ENTER") is gate
    assert "Wrong PIN. Tries left: 4." in _shown(canvas) and "> _" in canvas.rows
    assert term.role is None
    got = read(term, 5)
    assert [(e["act"], e["role"], e["gate"]) for e in got] == [
        ("pin-wrong", "supervisor", "refund")
    ]
    for _ in range(4):
        _press(gate, canvas, "0", "0", "0", "0", "ENTER")
    shown = _shown(canvas)
    assert "Locked for 20 min" in shown and "555-0100" in shown
    assert [e["act"] for e in read(term, 2)] == ["lockout", "pin-wrong"]
    # while locked the digits go nowhere and the right PIN does not open
    assert _press(gate, canvas, "2", "5", "8", "0", "ENTER") is gate
    assert gate.text == "" and term.role is None
    # a new gate after a reboot is still locked; the minutes count down on the tick
    term = term.reboot()
    gate, canvas, _ = _screen(term, "void")
    gate.draw(canvas)
    assert "Locked for 20 min" in _shown(canvas)
    term.clock.advance(600 * 1000)
    assert run(gate.handle(Event(TICK, None, 0))) is gate
    gate.draw(canvas)
    assert "Locked for 10 min" in _shown(canvas)
    term.clock.advance(600 * 1000)
    assert run(gate.handle(Event(TICK, None, 0))) is gate
    gate.draw(canvas)
    assert "Enter supervisor PIN" in _shown(canvas)
    assert run(gate.handle(Event(TICK, None, 0))) is None  # nothing left to count down
    assert _press(gate, canvas, "2", "5", "8", "0", "ENTER") == THEN


def test_cancel_goes_home_and_no_supervisor_pin_asks_the_technician():
    term = Term("gate-tech")
    activated(term, "480219")
    gate, canvas, nxt = _screen(term, "z-report")
    gate.draw(canvas)
    assert nxt is None and "Enter technician PIN" in _shown(canvas)
    term.role = "cashier"
    went = _press(gate, canvas, "4", "CANCEL")
    assert term.role is None and went == ("firmware.ui.idle", "IdleScreen")
    gate, canvas, _ = _screen(term, "z-report")
    assert _press(gate, canvas, *"480219") is gate
    assert _press(gate, canvas, "ENTER") == THEN and term.role == "technician"
