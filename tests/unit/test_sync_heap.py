# What the forwarder (firmware/pos/sync.py) loads for a pass leaves the heap after it, unless
# somebody else still uses it.
import sys

from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Term

USES = "firmware.journal.history"  # this module stands in for a screen that lists history


def _drop(name):
    mod = sys.modules.pop(name, None)
    parent, _, child = name.rpartition(".")
    if mod is not None and getattr(sys.modules[parent], child, None) is mod:
        delattr(sys.modules[parent], child)
    return mod


def _put(name, mod):
    # back as it was before the test: the same module object, or none
    if mod is None:
        return _drop(name)
    sys.modules[name] = mod
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, mod)


def test_net_and_history_leave_the_heap_after_a_pass_unless_in_use():
    term = _Term("unload")
    # the real firmware.net.call: it saves its counter, then finds the link down at once
    term.store["activation"] = {"state": "ACTIVE", "secret": "00" * 32, "tid": 3, "ctr": 1}
    links = []
    term.is_up = lambda: links.append(1) or len(links) % 2  # up for once(), down for the call
    term.journal.void(1, 1, 1, offline=True)  # no card: cardcrypt is not needed
    sync = Sync(term)
    names = ("firmware.net", "firmware.journal.history")
    saved = [_drop(n) for n in names]
    # screens other tests of this process left loaded would count as users (their USES)
    screens = [(n, _drop(n)) for n in list(sys.modules) if n.startswith("firmware.ui.")]
    try:
        run(sync.once())
        assert sync.last_error == "network-down" and term.store["activation"]["ctr"] == 2
        assert [n for n in names if n in sys.modules] == []
        # while the sale screen is loaded, firmware.net stays
        sys.modules["firmware.ui.pay"] = sys.modules["firmware.pos.sync"]
        run(sync.once())
        assert [n for n in names if n in sys.modules] == ["firmware.net"]
        # loaded before the pass: somebody else's, left alone; and what a screen lists in USES
        del sys.modules["firmware.ui.pay"]
        sys.modules["firmware.ui.zz"] = sys.modules[__name__]
        run(sync.once())
        assert [n for n in names if n in sys.modules] == [
            "firmware.net",
            "firmware.journal.history",
        ]
        assert term.store["activation"]["ctr"] == 4 and sync.sent == 0
    finally:
        sys.modules.pop("firmware.ui.pay", None)
        sys.modules.pop("firmware.ui.zz", None)
        for i in range(2):
            _put(names[i], saved[i])
        for name, mod in screens:
            _put(name, mod)
