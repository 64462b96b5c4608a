# Issue 9, the forms in Chinese: what is typed (merchant ID, password, activation code, PIN)
# stays on show above the hint whatever the prompt's length; the prompt, a refusal or the
# host's answer read in full, a page at a time.
from tests.unit.zh_fixtures import check, drop, english, key, terminal  # isort: skip
from firmware.ui.screen import wrap
from firmware.ui.text import t


def _field(screen, want):
    # every page of `screen` shows `want` as its field; the pages' lines, joined
    pages = check(screen)
    assert [p[2] for p in pages] == [want] * len(pages), pages
    return " ".join(p[1] for p in pages)


def test_activation_steps_keep_what_is_typed_on_show():
    term = terminal()
    try:
        from firmware.ui.setup import Setup

        screen = Setup(term, "merchant")
        for k in "1002":
            key(screen, k)
        assert _field(screen, "> 1002_") == " ".join(wrap(t("p-merchant")))
        screen = Setup(term, "pw1")
        key(screen, "7")
        assert _field(screen, "> *_") == " ".join(wrap(t("p-pw1")))
        rec = {"state": "PASSWORD_SET", "merchant": "100234", "terminal": "7", "tries": 2}
        term.put("activation", rec)
        screen = Setup(term, "code")
        shown = _field(screen, "____-____-____")
        assert t("serial", "SIM0000001") in shown and t("f2-edit-hint") in shown
        rec["reason"] = "bad-code"
        assert " ".join(wrap(t("c-bad-code", 2))) in _field(screen, "____-____-____")
        rec["state"] = "REJECTED"
        rec["reason"] = "duplicate"
        pages = check(Setup(term, "outcome"))
        assert pages[0][3] == t("h-REJECTED") and pages[0][0].strip().startswith(t("st-REJECTED"))
    finally:
        english()
        drop("firmware.ui.setup", "firmware.activation.password", "firmware.activation")


def test_the_pin_gate_and_the_pins_screen_fit():
    term = terminal()
    try:
        from firmware.ui.gate import Gate

        term.put("activation", {"state": "ACTIVE", "pw": "kept"})
        gate = Gate(term, "void", ("firmware.ui.manage", "Void"))
        key(gate, "1")
        assert _field(gate, "> *_") == " ".join(wrap(t("g-ask-technician")))
        term.put("lock-technician", {"n": 5, "until": term.clock.time() + 600})
        pages = check(gate)
        shown = " ".join(" ".join(p[1:3]) for p in pages)
        assert " ".join(wrap(t("g-locked-out", 10, "400-800-1234"))) in shown
        Gate = gate = None  # the module goes with them
        drop("firmware.ui.gate")
        from firmware.ui.pins import Pins

        pins = Pins(term)
        pages = check(pins)
        shown = [row for p in pages for row in p[1:3]]
        assert wrap(t("pin-choose"))[0] == pages[0][1]  # what to do first
        for row in shown:
            if row[:2] in ("1 ", "2 "):
                assert row.endswith(t("pin-not-set")) and len(row) >= 5
        assert len([r for r in shown if r[:2] in ("1 ", "2 ")]) == 2
        key(pins, "1")
        assert _field(pins, "> _") == " ".join(wrap(t("pin-type-new")))
    finally:
        english()
        drop("firmware.ui.pins", "firmware.ui.gate", "firmware.pos.roles")
        drop("firmware.activation.password", "firmware.activation", "firmware.pos.audit")
