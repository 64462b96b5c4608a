# A fake terminal for the roles, audit and gate tests: a Store and a Flash on a temp
# directory, a virtual clock, and a reboot that keeps the flash and forgets everything else.
import os

from firmware.flash import Flash
from firmware.store import Store
from tests.unit.helpers import VirtualClock

_TMP = "/tmp/pos-unit-roles-%07d" % os.getpid() if hasattr(os, "getpid") else "/tmp/pos-ur"


def _wipe(flash):
    for sub in ("store", "audit"):
        if flash.exists(sub):
            for f in flash.listdir(sub):
                flash.remove(sub + "/" + f)


class Term:
    """What roles, audit and the gate use of firmware.app.Terminal."""

    def __init__(self, name, config=None, flash=None):
        if flash is None:
            flash = Flash(_TMP + "-" + name)
            _wipe(flash)
        self.flash = flash
        self.store = Store(flash)
        self.clock = VirtualClock()
        self.config = config or {}
        self.role = None

    def reboot(self):
        """The same flash and clock, a fresh store (nothing cached): after a power cut."""
        term = Term("", self.config, self.flash)
        term.clock = self.clock
        return term

    def home(self):
        self.role = None
        return ("firmware.ui.idle", "IdleScreen")


def activated(term, pw="480219"):
    """Give `term` an activation record with the technician password `pw`."""
    from firmware.activation.password import keep

    term.store.put(
        "activation", {"state": "ACTIVE", "pw": keep(pw), "tid": "T01", "terminal": "7"}
    )
