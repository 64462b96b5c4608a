# A cashier who rings up sales on a simulated terminal, step by step, waiting for each screen
# the way a person would, and who stops as soon as the firmware froze at an armed cut point
# (tests/host/test_power_cut_sale.py). Flows are tuples of (what, argument):
#   press KEY | type DIGITS | insert (the card below) | net up|down
#   see TEXT (wait until the screen shows it) | gone TEXT (wait until it does not)
CARD = ("4111111111111111", "3012")  # the reference host approves it

CASH = (
    ("press", "F1"),
    ("see", "Total"),
    ("type", "900"),
    ("press", "ENTER"),
    ("see", "1 Cash"),
    ("press", "1"),
    ("see", "ENTER: exact/ok"),
    ("press", "ENTER"),
    ("see", "PAID"),
    ("see", "ENTER: done"),
    ("press", "ENTER"),
    ("see", "F1 Sale"),
)

# A credit card sale, authorised online; both copies printed.
CARD_SALE = (
    ("press", "F1"),
    ("see", "Total"),
    ("type", "1250"),
    ("press", "ENTER"),
    ("see", "2 Credit card"),
    ("press", "2"),
    ("see", "Swipe, insert"),
    ("insert", None),
    ("see", "APPROVED"),
    ("see", "ENTER: next copy"),
    ("press", "ENTER"),
    ("see", "ENTER: done"),
    ("press", "ENTER"),
    ("see", "F1 Sale"),
)

# The network down: the card sale is approved offline; back up, sync forwards it.
OFFLINE_THEN_SYNC = (
    ("net", "down"),
    ("see", "OFFLINE"),
    ("press", "F1"),
    ("see", "Total"),
    ("type", "1500"),
    ("press", "ENTER"),
    ("see", "2 Credit card"),
    ("press", "2"),
    ("see", "Swipe, insert"),
    ("insert", None),
    ("see", "Approved offline"),
    ("see", "ENTER: next copy"),
    ("press", "ENTER"),
    ("see", "ENTER: done"),
    ("press", "ENTER"),
    ("see", "OFFLINE 1/15.00"),
    ("net", "up"),
    ("see", "Online"),
    ("gone", "1/15.00"),  # the idle screen's waiting count: cleared once the host acked
)


class Stuck(Exception):
    pass


def _shows(sim, what, text):
    # the condition a "see" or "gone" step waits for, or the cut point frozen on the way
    return sim.cut_point is not None or sim.on_screen(text) == (what == "see")


def ring_up(sim, flow, timeout_s=15):
    """Play `flow`; True when it ran to its end, False when the firmware froze at the armed
    cut point on the way (the steps after it are not played)."""
    for what, arg in flow:
        if sim.cut_point is not None:
            return False
        if what == "press":
            sim.send(c="key", k=arg)
        elif what == "type":
            for digit in arg:
                sim.send(c="key", k=digit)
        elif what == "insert":
            sim.device(sim.card.insert(*CARD))
        elif what == "net":
            sim.send(c="net", up=arg == "up")
        elif not sim.wait_for(lambda s=(sim, what, arg): _shows(*s), timeout_s):
            state = "stuck" if sim.running else "the firmware died"
            raise Stuck("%s waiting to %s %r: screen %r\n%s" % (state, what, arg, sim.rows,
                                                                sim.tail(15)))  # fmt: skip
    return sim.cut_point is None
