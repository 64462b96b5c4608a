# The flash filesystem as the firmware sees it: one root directory, durable writes, and the
# named write points where a test may cut the power.
import os

from compat import exists, fsync, listdir, mkdir_p


class Flash:
    """Files under one root. `cut` (settable later, by the board) is called with a write
    point's name at each durable step; the simulator uses it to freeze the process there so
    the harness can kill it."""

    def __init__(self, root, cut=None):
        root = root.rstrip("/") or "/"
        self.root = root
        self.cut = cut
        if not exists(root):
            mkdir_p(root)

    def path(self, name):
        return name if self.root == "/" and name.startswith("/") else self.root + "/" + name

    def point(self, name):
        if self.cut is not None:
            self.cut(name)

    def exists(self, name):
        return exists(self.path(name))

    def listdir(self, sub=""):
        return listdir(self.path(sub) if sub else self.root)

    def makedirs(self, sub):
        mkdir_p(self.path(sub))

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def remove(self, name):
        try:
            os.remove(self.path(name))
        except OSError:
            pass

    def size(self, name):
        return os.stat(self.path(name))[6]

    def write_atomic(self, name, data, label=None):
        """Replace `name` with `data` so that after a power cut at any instant it holds either
        the old bytes or the new ones: write a temp file, sync it, then rename over."""
        label = label or name
        tmp = self.path(name + ".tmp")
        half = len(data) // 2
        with open(tmp, "wb") as f:
            f.write(data[:half])
            f.flush()
            self.point(label + ":torn")  # a cut here leaves a half-written temp file
            f.write(data[half:])
            fsync(f)
        self.point(label + ":synced")
        os.rename(tmp, self.path(name))
        self.point(label + ":renamed")

    def append_line(self, name, line, roll, label=None):
        """Append `line` (bytes ending in a newline) to the log `name`, synced; past `roll`
        bytes the log moves to `name.1` first (the one before is dropped). Write points
        `<label>:rolled`, `<label>:synced` when a label is given."""
        path = self.path(name)
        size = self.size(name) if self.exists(name) else 0
        if size and size + len(line) > roll:
            self.remove(name + ".1")
            os.rename(path, path + ".1")
            if label:
                self.point(label + ":rolled")
            size = 0
        if size:
            # A power cut mid-append leaves a line with no end: end it, so the torn entry stays
            # on a line of its own (readers skip it) instead of spoiling this one.
            with open(path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    line = b"\n" + line
        with open(path, "ab") as f:
            f.write(line)
            fsync(f)
        if label:
            self.point(label + ":synced")

    def statvfs(self):
        """(total, free) bytes of the filesystem holding the root, or None if unknown."""
        if not hasattr(os, "statvfs"):
            return None
        st = os.statvfs(self.root)
        return st[0] * st[2], st[0] * st[3]
