# Event queue, flash write points and the atomic key/value store.
import os

from firmware.events import KEY, Event, EventQueue
from firmware.flash import Flash
from firmware.store import Store, StoreError
from tests.unit.helpers import raises, run

_TMP = "/tmp/pos-unit-store-%07d" % os.getpid() if hasattr(os, "getpid") else "/tmp/pos-unit-store"


def _fresh(name, cut=None):
    root = _TMP + "-" + name
    try:
        for f in os.listdir(root + "/store"):
            os.remove(root + "/store/" + f)
    except OSError:
        pass
    return Flash(root, cut)


def test_queue_is_fifo_and_flags_overflow_instead_of_blocking():
    q = EventQueue(2)
    assert q.put(Event(KEY, "1", 10))
    assert q.put(Event(KEY, "2", 11))
    assert not q.overflowed
    assert not q.put(Event(KEY, "3", 12))
    assert q.overflowed
    assert q.get_nowait() == Event(KEY, "1", 10)
    assert q.put(Event(KEY, "4", 13))
    assert [q.get_nowait().value, q.get_nowait().value] == ["2", "4"]
    assert q.get_nowait() is None


def test_queue_get_waits_for_a_put():
    from compat import asyncio

    async def scenario():
        q = EventQueue(4)
        got = []

        async def consumer():
            got.append(await q.get())

        task = asyncio.create_task(consumer())
        await asyncio.sleep(0)
        assert got == []
        q.put(Event(KEY, "ENTER", 5))
        await task
        return got

    assert run(scenario()) == [Event(KEY, "ENTER", 5)]


def test_store_round_trip_and_survives_a_new_instance():
    flash = _fresh("rt")
    s = Store(flash)
    assert s.get("contrast", 7) == 7
    s.put("contrast", 3)
    s.put("merchant", {"name": "Shop", "id": "M1"})
    s2 = Store(flash)
    assert s2.get("contrast") == 3
    assert s2.get("merchant") == {"name": "Shop", "id": "M1"}


def test_write_points_in_order():
    seen = []
    s = Store(_fresh("points", seen.append))
    s.put("boots", 1)
    assert seen == ["store.boots:torn", "store.boots:synced", "store.boots:renamed"]


class _Cut(Exception):
    pass


def _cut_at(point):
    def cut(name):
        if name == point:
            raise _Cut(name)

    return cut


def test_cut_at_each_point_keeps_old_or_new_value_and_drops_temp():
    for point, expected in (
        ("store.v:torn", 1),
        ("store.v:synced", 1),
        ("store.v:renamed", 2),
    ):
        flash = _fresh("cut" + point[-5:])
        Store(flash).put("v", 1)
        cutting = Flash(flash.root, _cut_at(point))
        raises(_Cut, Store(cutting).put, "v", 2)
        after = Store(Flash(flash.root))
        assert after.get("v") == expected, point
        assert not flash.exists("store/v.json.tmp")
        assert after.discarded == (["v.json.tmp"] if expected == 1 else [])


def test_bad_keys_and_corrupt_records_are_clear_errors():
    flash = _fresh("bad")
    s = Store(flash)
    raises(StoreError, s.put, "../etc", 1)
    with open(flash.path("store/x.json"), "wb") as f:
        f.write(b"{not json")
    e = raises(StoreError, Store(flash).get, "x")
    assert "corrupt" in str(e)
