# A technician who activates a simulated terminal from whatever screen it shows: reads the
# display, does what it asks (types, presses, swipes a card) and waits for that screen to go.
# Used where a script cannot know in advance where the terminal resumes (after power cuts).
import time

MERCHANT = "1"
TERMINAL = "1"
PASSWORD = "480219"
CARD = ("4111111111111111", "3012")

# (text on the screen, what to do): the first match wins.
RULES = (
    ("Password, then ENTER.", PASSWORD),
    ("Type the merchant ID", MERCHANT),
    ("Type the terminal number", TERMINAL),
    ("6+ digits", PASSWORD),
    ("Type the password again", PASSWORD),
    ("F2: edit details", "code"),
    ("Swipe, insert or tap a card", "card"),
    ("ENTER: activate", ""),
    ("ENTER: continue", ""),
    ("ENTER: next", ""),
    ("ENTER: test sale", ""),
    ("ENTER: retry", ""),
    ("ENTER: reprint", ""),
)


class Stuck(Exception):
    pass


def act(sim, timeout_s=20):
    """Do what the screen asks once; returns the rule's text, or None when nothing is asked
    (busy, or ACTIVE). Returns early when the firmware froze at an armed cut point."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sim.cut_point is not None or not sim.running:
            return None
        screen = sim.screen_text()
        rule = next((r for r in RULES if r[0] in screen), None)
        if rule is None:
            if sim.state == "ACTIVE" and "Ready" in screen:
                return None
            time.sleep(0.05)  # busy: sending, printing, checking
            continue
        text, what = rule
        if what == "card":
            sim.device(sim.card.swipe(*CARD))
        else:
            for key in sim.code if what == "code" else what:
                sim.send(c="key", k=key)
            sim.send(c="key", k="ENTER")
        sim.wait_for(
            lambda t=text: sim.cut_point is not None or t not in sim.screen_text(), timeout_s
        )
        return text
    raise Stuck("nothing to do on %r (state %s)\n%s" % (sim.rows, sim.state, sim.tail(10)))


def activate(sim, max_steps=40):
    """Act until the terminal is ACTIVE (True) or frozen at the armed cut point (False)."""
    for _ in range(max_steps):
        if act(sim) is None:
            if sim.cut_point is not None:
                return False
            if sim.state == "ACTIVE":
                return True
            if not sim.running:
                raise Stuck("the firmware died:\n" + sim.tail(20))
    raise Stuck("no end after %d steps: %r (state %s)" % (max_steps, sim.rows, sim.state))
