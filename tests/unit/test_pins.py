# The technician's PIN screen: choose the role, type the PIN twice under the policy; the
# audit trail says whose PIN was set, never the digits.
from drivers.display.canvas import Canvas
from firmware.events import KEY, Event
from firmware.pos.audit import read
from firmware.pos.roles import check, has_pin
from firmware.ui.pins import Pins
from tests.unit.helpers import run
from tests.unit.roles_fixtures import Term, activated


class _Device:
    def show(self, buf, pages):
        pass


# Made at import, before the terminal's files are opened: on a 64 KiB heap a 1 KiB buffer
# made later may find no hole (test_gate.py does the same).
_CANVAS = Canvas(_Device())


def _press(screen, canvas, keys):
    nxt = None
    for k in keys:
        nxt = run(screen.handle(Event(KEY, k, 0)))
        screen.draw(canvas)
    return nxt


def _shown(canvas):
    return " ".join(" ".join(canvas.rows).split())


def test_setting_the_supervisor_pin_twice_typed_masked_and_audited():
    term = Term("pins")
    activated(term, "480219")
    term.role = "technician"
    screen = Pins(term)
    canvas = _CANVAS
    screen.draw(canvas)
    assert "1 Cashier    ---" in canvas.rows and "2 Supervisor ---" in canvas.rows
    _press(screen, canvas, "2")
    assert "Supervisor" in canvas.rows[0] and "New PIN" in _shown(canvas)
    _press(screen, canvas, "1234" + "E")  # "E" is no key: ignored
    assert "> ****_" in canvas.rows
    _press(screen, canvas, ["ENTER"])
    assert "A run like 1234" in _shown(canvas)
    _press(screen, canvas, list("480219") + ["ENTER"])  # the technician's own password
    _press(screen, canvas, list("480219") + ["ENTER"])
    assert "Another role has this PIN" in _shown(canvas)
    _press(screen, canvas, list("2580") + ["ENTER"])
    assert "Type the PIN again." in _shown(canvas)
    _press(screen, canvas, list("2581") + ["ENTER"])
    assert "differ" in _shown(canvas) and not has_pin(term, "supervisor")
    _press(screen, canvas, list("2580") + ["ENTER"] + list("2580") + ["ENTER"])
    assert "PIN saved." in _shown(canvas) and "2 Supervisor set" in canvas.rows
    assert check(term, "supervisor", "2580") == "supervisor"
    got = read(term, 5)
    assert [(e["act"], e["role"], e["of"]) for e in got] == [
        ("pin-set", "technician", "supervisor")
    ]
    assert b"2580" not in term.flash.read("audit/log")
    assert _press(screen, canvas, ["CANCEL"]) == ("firmware.ui.idle", "IdleScreen")
