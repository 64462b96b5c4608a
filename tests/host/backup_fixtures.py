# A fake terminal for the backup and restore tests: the firmware's real Flash, Store and Journal
# on a temp directory with its own card key and an activation record, a virtual clock.
# Term("", flash=old.flash) is the same terminal after a power cut. CPython only: with the
# journal and the backup code, an old and a new terminal do not fit the unit tests' 64 KiB
# MicroPython heap (the simulator's scenario runs them under MicroPython, in the firmware).
import os

from compat import unhexlify
from firmware.flash import Flash
from firmware.journal.journal import Journal
from firmware.overlay import unload
from firmware.store import Store
from tests.unit.helpers import VirtualClock

KEY = b"merchant-key-16b"  # the merchant's backup key (the host's, in real life)
PAN = "4111111111111111=3012"
_OPEN = []  # the journal of the last Term: closed by the next


class Term:
    """What the backup code uses of firmware.app.Terminal."""

    def __init__(self, name, merchant="M1", serial="SN1", tid=1, flash=None):
        while _OPEN:
            _OPEN.pop().close()
        if flash is None:
            root = "/tmp/pos-unit-bk-%d-%s" % (os.getpid() if hasattr(os, "getpid") else 0, name)
            for sub in ("/journal", "/store", "/audit", ""):
                try:
                    for n in os.listdir(root + sub):
                        if "." in n or sub:  # files; the directories stay
                            os.remove(root + sub + "/" + n)
                except OSError:
                    pass
            flash = Flash(root)
            store = Store(flash)
            store.put("cardkey", "%064x" % (tid * 7919))
            store.put("activation", {"state": "ACTIVE", "merchant": merchant, "tid": tid,
                                     "terminal": "01", "secret": "ab" * 32})  # fmt: skip
        self.flash = flash
        self.store = Store(flash)
        self.clock = VirtualClock()
        self.config = {}
        self.role = "technician"
        self.board = self
        self.serial = serial
        j = self.journal = Journal(flash, self.clock, key=unhexlify(self.store.get("cardkey")))
        _OPEN.append(j)
        j.open()
        unload("firmware.journal.upkeep")


def sell(j, amount, m="cash", pan=None, off=0):
    """A sale as firmware/ui/sale.py journals it: its receipt number is its P record's seq."""
    no = j._next
    extra = {"tnd": amount} if m == "cash" else {"em": "insert"}
    j.begin(no, amount, m, "k-%d" % no, pan=pan, cur="EUR", extra=extra)
    auth = "CASH" if m == "cash" else ("OFFLINE" if off else "123456")
    j.append({"t": "A", "id": no, "auth": auth, "off": off})
    return no


def write(term, key=KEY, path=None):
    """Back `term` up into a file (under its flash unless `path`) → (path, info)."""
    from firmware.pos import backup

    path = path or term.flash.path("out.pbk")
    info = {}
    with open(path, "wb") as f:
        for data in backup.archive(term, key, info):
            f.write(data)
    return path, info


def take(term, path, key=KEY, upto=None):
    """verify, ready and restore as the screen runs them → info; `upto`: stop after ready."""
    from firmware.pos import backup

    info = {}
    with open(path, "rb") as f:
        for _ in backup.verify(term, key, f, info):
            pass
        why = backup.ready(term, info)
        if why or upto:
            return why
        f.seek(0)
        for _ in backup.restore(term, key, f, info):
            pass
    return info


def old_terminal(name):
    """The old terminal: a cash sale, an online and an offline card sale, a void, a card
    refund, the settings and PINs a terminal keeps, an audit line, an item file."""
    from firmware.journal import history, lookup

    old = Term(name + "-old")
    j = old.journal
    sell(j, 1234)
    sell(j, 2500, "credit", PAN)
    off = sell(j, 700, "credit", "5555555555554444=3012", off=1)
    j.void(j._next, off, "k-%d" % off, offline=True)
    r = {"t": "R", "id": j._next, "ref": 3, "amt": 500, "k": "k-r", "off": 1, "l4": "1111"}
    r["pe"] = lookup.find(j, 3)["pe"]
    j.append(r)
    history.mark_synced(j, [5])  # the host has the offline sale: an S record between
    store = old.store
    store.put("contrast", 4)
    store.put("batch", {"no": 7, "from": 1})
    store.put("roles", {"cashier": [1000, "00", "11"]})
    store.put("lock-cashier", {"n": 2})
    old.flash.makedirs("audit")
    with open(old.flash.path("audit/log"), "wb") as f:
        f.write(b'{"act": "z-report"}\n')
    with open(old.flash.path("items.csv"), "wb") as f:
        f.write(b"4006381333931,Pencil HB,120\n")
    return old
