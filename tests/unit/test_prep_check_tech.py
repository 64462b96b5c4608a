# The technician's preparation check (firmware/ui/selfcheck.py, mode "tech"): the keypad test
# first, scrolling, and the host lock. (test_prep_report.py has its report.)
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load (64 KiB).
from tests.unit.care_fixtures import Host, Term, activate, run, shown  # isort: skip
from compat import asyncio
from firmware.activation import get
from firmware.events import KEY, TICK, Event
from firmware.ui.selfcheck import SelfCheck


def test_the_keypad_test_comes_first_and_enter_checks_again():
    term = Term()
    activate(term)
    term.problem = "printer-offline"
    screen = SelfCheck(term, "tech")
    assert run(screen.start()) is None  # waits for the keypad test
    assert "Keypad test: press any key." in shown(term.draw(screen))
    assert run(screen.handle(Event(TICK, None, 0))) is None
    check = run(screen.handle(Event(KEY, "5", 0)))
    assert check.key == "5" and check.mode == "tech"
    with Host(lambda p, b: (200, {"status": "ok"}, True)) as host:
        assert run(check.start()) is check
    assert host.sent == [("/v1/ping", {})]  # activated: the signed ping
    assert "Keypad        OK" in check.lines and " key 5" in check.lines
    assert get(term)["state"] == "ACTIVE"  # only activation's check moves the state
    again = run(check.handle(Event(KEY, "ENTER", 0)))
    assert again.mode == "tech" and again.key is None  # checks again, a key first


def test_no_key_within_twenty_seconds_fails_the_keypad_and_cancel_leaves():
    term = Term()
    term.problem = "printer-offline"
    screen = SelfCheck(term, "tech")
    nxt = None
    for _ in range(20):
        nxt = run(screen.handle(Event(TICK, None, 0)))
    assert nxt.key is False
    with Host(lambda p, b: (200, {}, True)):
        run(nxt.start())
    assert not nxt.ok and "Keypad      FAIL" in nxt.lines
    assert "check the keypad cable" in " ".join(nxt.lines)
    assert run(SelfCheck(term, "tech").handle(Event(KEY, "CANCEL", 0)))[1] == "IdleScreen"


def test_the_list_scrolls_within_its_length():
    term = Term()
    term.problem = "printer-offline"
    screen = SelfCheck(term, "tech", "1")
    with Host(lambda p, b: (200, {}, True)):
        run(screen.start())
    n = len(screen.lines)
    assert n > 6
    for _ in range(n + 3):
        run(screen.handle(Event(KEY, "DOWN", 0)))
    assert screen.top == n - 6  # the last line on the last row above the hint
    assert term.draw(screen)[6] == screen.lines[-1]
    for _ in range(n + 3):
        run(screen.handle(Event(KEY, "UP", 0)))
    assert screen.top == 0


def test_the_ping_waits_for_a_sale_holding_the_host_lock():
    term = Term()
    activate(term)
    term.problem = "printer-offline"
    order = []

    def reply(path, body):
        order.append("ping")
        return (200, {"status": "ok"}, True)

    async def scenario():
        await term.net_lock.acquire()
        check = asyncio.create_task(SelfCheck(term, "tech", "1").start())
        await asyncio.sleep(0.2)
        order.append("sale done")
        term.net_lock.release()
        await check

    with Host(reply):
        run(scenario())
    assert order == ["sale done", "ping"]
