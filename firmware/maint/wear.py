# Flash wear the firmware causes, counted where it already marks each durable step
# (Flash.point): syncs (a write that reached the flash: store records, checkpoints, journal
# and audit appends), replacements (atomic renames) and rolls (a log segment started, moved
# or dropped). Kept in <flash>/wear as [syncs, replacements, rolls], written at most once per
# 64 counted steps and never through a write point: the counter adds under 2% to the wear it
# counts and nothing to the power-cut tests' point sequences. A power cut loses at most the
# last 63 counts, so the figures are a lower bound.
import json
import os

from compat import const, fsync
from firmware.flash import Flash

_EVERY = const(64)
_FILE = "wear"


class WearFlash(Flash):
    """Flash that counts its writes; main.py makes the terminal's flash one of these."""

    def __init__(self, root, cut=None):
        super().__init__(root, cut)
        self._due = 0
        try:
            w = json.loads(self.read(_FILE))
            self.wear = [int(w[0]), int(w[1]), int(w[2])]
        except (OSError, ValueError, TypeError, IndexError):
            self.wear = [0, 0, 0]  # never written yet, or unreadable: count from here

    def point(self, name):
        w = self.wear
        what = name[name.rfind(":") + 1 :]
        if what == "synced":
            w[0] += 1
        elif what == "renamed":
            w[1] += 1
        if what in ("rolled", "removed") or name == "journal.roll:renamed":
            w[2] += 1
        if what in ("synced", "renamed", "rolled", "removed"):
            self._due += 1
            if self._due >= _EVERY:
                self.save()
        super().point(name)

    def save(self):
        """Write the counts now (the save itself counted: one sync, one replacement)."""
        self._due = 0
        w = self.wear
        w[0] += 1
        w[1] += 1
        path = self.path(_FILE)
        try:
            with open(path + ".tmp", "w") as f:
                f.write(json.dumps(w))
                fsync(f)
            os.rename(path + ".tmp", path)
        except OSError:
            pass  # a full flash: counting must not break the write it counts
