# The forwarder as a task (firmware/pos/sync.py) on virtual time: when it may send, backoff
# with full jitter, and wake() cutting a backoff short.
from compat import asyncio
from firmware.pos.sync import Sync
from tests.unit.helpers import VirtualClock, run
from tests.unit.sync_fixtures import _Host, _ids, _offline, _Term


def test_backoff_grows_with_full_jitter_and_resets_after_success():
    term = _Term("backoff", sync_base_ms=1000, sync_cap_ms=20000)
    _offline(term.journal, "S1", 100)
    host = _Host()
    host.fail = "host-silent"
    sync = Sync(term, call=host.call)
    delays = []
    for n in range(12):
        term.clock.advance(7)
        ms = run(sync.once())
        assert 0 <= ms < min(20000, 1000 << n), (n, ms)
        assert sync.state == "waiting" and sync.next_ms == term.clock.ticks_ms() + ms
        delays.append(ms)
    assert len(set(delays)) > 6  # jittered, not a fixed schedule
    assert max(delays[6:]) > 4000  # and the window grew (a miss here is ~1e-8)
    host.fail = None
    assert run(sync.once()) == 30000 and sync.state == "idle" and sync.next_ms is None
    _offline(term.journal, "S2", 100)
    host.fail = "host-silent"
    assert run(sync.once()) < 1000  # back to the first window


def test_nothing_is_sent_unless_active_online_and_something_waits():
    term = _Term("gate", sync_check_s=5)
    host = _Host()
    sync = Sync(term, call=host.call)
    assert run(sync.once()) == 5000 and sync.state == "idle"
    _offline(term.journal, "S1", 100)
    term.store["activation"]["state"] = "PENDING_REVIEW"
    assert run(sync.once()) == 5000 and sync.state == "off"
    term.store["activation"]["state"] = "ACTIVE"
    term.up = False
    run(sync.once())
    assert sync.state == "off"
    term.up = True
    journal = term.journal
    term.journal = None
    run(sync.once())
    assert sync.state == "off" and host.batches == []
    term.journal = journal
    run(sync.once())
    assert len(host.batches) == 1 and sync.state == "idle"


class _Alarms(VirtualClock):
    """Sleeps that end only when the test moves the time past them."""

    def __init__(self):
        super().__init__()
        self.sleeps = []
        self.timers = []

    async def sleep_ms(self, ms):
        self.sleeps.append(ms)
        ev = asyncio.Event()
        self.timers.append((self.now + ms, ev))
        await ev.wait()

    def advance(self, ms):
        self.now += ms
        for due, ev in self.timers:
            if due <= self.now:
                ev.set()


def test_run_waits_out_the_backoff_and_wake_cuts_it_short():
    clock = _Alarms()
    term = _Term("wake", clock, sync_base_ms=60000, sync_check_s=600)
    _offline(term.journal, "S1", 100)
    host = _Host()
    host.fail = "host-silent"
    sync = Sync(term, call=host.call)
    tries = []

    async def call(term, path, body):
        tries.append(clock.now)
        return await host.call(term, path, body)

    sync.call = call

    async def settle():
        for _ in range(20):
            await asyncio.sleep(0)

    async def main():
        task = asyncio.create_task(sync.run())
        await settle()
        assert sync.state == "waiting" and len(tries) == 1
        # the backoff ends only when its time has come
        wait = clock.sleeps[-1]
        clock.advance(wait - 1 if wait else 0)
        await settle()
        assert len(tries) == (2 if wait == 0 else 1)
        clock.advance(1)
        await settle()
        assert len(tries) == 2 and sync.state == "waiting"
        # wake() forwards now, in the middle of a backoff
        host.fail = None
        sync.wake()
        await settle()
        assert len(tries) == 3 and sync.state == "idle" and _ids(term.journal) == []
        assert tries[2] == tries[1]  # no time passed: the backoff did not run out
        assert clock.sleeps[-1] == 600000  # then it looks again every sync_check_s
        task.cancel()
        await settle()

    run(main())
