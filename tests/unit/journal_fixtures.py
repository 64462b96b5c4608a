# Set-up shared by the journal's unit tests (both runtimes). Small on purpose: each test
# module runs alone in a 64 KiB MicroPython heap, so only what most of them use lives here.
import os

from firmware.flash import Flash
from firmware.journal import history
from firmware.journal.journal import Journal
from tests.unit.helpers import VirtualClock

_OPEN = []  # journals of the running test; closed by the next _flash() (files stay open)


def _flash(name):
    while _OPEN:
        _OPEN.pop().close()
    # the pid fixed-width: a path's length moves what the 64 KiB heap holds where
    root = "/tmp/pos-unit-jr-%07d-%s" % (os.getpid() if hasattr(os, "getpid") else 0, name)
    try:
        for n in os.listdir(root + "/journal"):
            os.remove(root + "/journal/" + n)
    except OSError:
        pass
    return Flash(root)


def _journal(flash, clock=None, **kw):
    j = Journal(flash, clock or VirtualClock(), key=b"0123456789abcdef", **kw)
    _OPEN.append(j)
    return j


def _sell(j, sid, amount, offline=True):
    j.begin(sid, amount, "tap", "K-" + sid, last4="4242")
    return j.approve(sid, None if offline else "A1B2", offline)


def _segments(flash):
    return sorted(n for n in flash.listdir("journal") if n.endswith(".seg"))


def _bytes(flash, name):
    return flash.read("journal/" + name)


def _ids(j):
    return [r["id"] for r in history.unsynced(j)]
