# Installing an update package (docs/update.md) from the update media or the host
# (firmware/maint/hostsrc.py): streamed into <flash>/fw/<version>/ in small chunks, the
# vendor's signature checked over the manifest before any file is written, each file checked
# against the manifest's SHA-256, and only then the store record "fw" switched, so main.py
# runs the new version on trial at the next boot. Anything wrong leaves the record as it was
# and the staging deleted. Loaded only to install.
import hashlib
import json
import os

from compat import const, fsync, hexlify, listdir, mkdir_p, sleep_ms

_MAGIC = b"POSUPD1\n"
_MAX_MANIFEST = const(32768)
_CHUNK = const(512)
_NAME = "-._0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TOPS = ("firmware", "drivers", "lib")


class Refused(Exception):
    # args[0]: the catalogue key of why (upd-*, or err-* for the network's reasons); nothing
    # was switched and the staging is gone.
    pass


def running(term):
    """The update version this boot runs, or None for the image deployed on the device."""
    cur = (term.store.get("fw") or {}).get("current")
    return cur if cur == term.VERSION else None


def fmt():
    """The code format this firmware runs from, so the one it can load: "mpy" where it was
    compiled (mpy-cross), else "py"."""
    return "mpy" if __file__.endswith(".mpy") else "py"


def _mpy():
    # The .mpy format version this runtime loads: byte 1 of this very module's file.
    with open(__file__, "rb") as f:
        return f.read(2)[1]


def _name_ok(s, n):
    if not s or len(s) > n or s[0] == ".":
        return False
    for ch in s:
        if ch not in _NAME:
            return False
    return True


def rmtree(path):
    """Remove a file or a folder with everything in it (full paths); quiet if it is gone."""
    try:
        if os.stat(path)[0] & 0x4000:
            for name in listdir(path):
                rmtree(path + "/" + name)
            os.rmdir(path)
        else:
            os.remove(path)
    except OSError:
        pass


class Media:
    """A package file on the update media (config "update_dir"), read as a stream."""

    def __init__(self, path):
        self.size = os.stat(path)[6]
        self.done = 0
        self._f = open(path, "rb")

    async def read(self, n):
        data = self._f.read(n)
        self.done += len(data)
        await sleep_ms(0)  # a chunk at a time: keys and the clock go on meanwhile
        return data

    def close(self):
        self._f.close()


def find_media(term):
    """(path, version as its manifest says) of the package on the update media — the last
    *.pkg by name — or None. The version is only shown: install() checks everything."""
    d = term.config.get("update_dir")
    if not d:
        return None
    try:
        names = [n for n in listdir(d) if n.endswith(".pkg")]
    except OSError:
        return None  # no media in the slot, or none configured
    if not names:
        return None
    path = d + "/" + max(names)
    try:
        with open(path, "rb") as f:
            line = f.read(256)[14:].split(b"\n")[0]
        return path, json.loads(line.decode() + "]}")["version"]
    except (OSError, ValueError, KeyError, TypeError, UnicodeError):
        return path, "?"


async def _exact(src, n):
    data = b""
    while len(data) < n:
        part = await src.read(n - len(data))
        if not part:
            raise Refused("upd-truncated")
        data += part
    return data


def _head(term, line):
    # The manifest's first line, once its signature verified: what the package is for.
    try:
        head = json.loads(line.decode() + "]}")
        version = head["version"]
        form = head["format"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise Refused("upd-not-package")
    if not _name_ok(version, 24):
        raise Refused("upd-not-package")
    if head.get("board") != term.config.get("board", "sim"):
        raise Refused("upd-wrong-board")
    if form not in ("py", fmt()) or (form == "mpy" and head.get("mpy") != _mpy()):
        raise Refused("upd-wrong-format")
    if version == running(term) or version == term.VERSION:
        raise Refused("upd-same-version")
    return version


def _entry(line):
    try:
        e = json.loads(line.decode().rstrip().rstrip(","))
        path, size, digest = e["path"], e["size"], e["sha256"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise Refused("upd-not-package")
    parts = path.split("/")
    ok = parts[0] in _TOPS and len(path) <= 96 and type(size) is int and 0 <= size
    for p in parts:
        ok = ok and _name_ok(p, 48)
    if not ok or len(digest) != 64:
        raise Refused("upd-not-package")
    return path, size, digest


async def install(term, src):
    """Stage the package `src` streams (Media or Host: read(n), done, size, close()), check
    it and make it the version of the next boot, on trial; returns the version. Raises
    Refused (nothing switched, staging deleted)."""
    flash = term.flash
    fw = term.store.get("fw") or {}
    keep = (running(term), fw.get("previous") if fw.get("trial") else None)
    flash.makedirs("fw")
    for name in listdir(flash.path("fw")):  # old versions and half-staged ones: room first
        if name not in keep:
            rmtree(flash.path("fw/" + name))
    tmp = flash.path("fw/manifest.tmp")
    stage = None
    try:
        head = await _exact(src, 14)
        mlen = int.from_bytes(head[8:12], "big")
        if head[:8] != _MAGIC or not 0 < mlen <= _MAX_MANIFEST:
            raise Refused("upd-not-package")
        h = hashlib.sha256()
        with open(tmp, "wb") as f:
            left = mlen
            while left:
                part = await _exact(src, min(_CHUNK, left))
                h.update(part)
                f.write(part)
                left -= len(part)
        sig = await _exact(src, int.from_bytes(head[12:14], "big"))
        from firmware.maint import verify
        from firmware.overlay import unload

        ok = verify.check(h.digest(), sig)
        unload("firmware.maint.vendor_key")
        unload("firmware.maint.verify")
        if not ok:
            raise Refused("upd-bad-signature")
        with open(tmp, "rb") as m:
            version = _head(term, m.readline())
            stage = "fw/" + version
            while True:
                line = m.readline()
                if line.startswith(b"]}"):
                    break
                path, size, digest = _entry(line)
                dest = flash.path(stage + "/" + path)
                mkdir_p(dest.rpartition("/")[0])
                h = hashlib.sha256()
                with open(dest, "wb") as out:
                    left = size
                    while left:
                        part = await src.read(min(_CHUNK, left))
                        if not part:
                            raise Refused("upd-truncated")
                        h.update(part)
                        out.write(part)
                        left -= len(part)
                    fsync(out)
                if hexlify(h.digest()) != digest:
                    raise Refused("upd-bad-hash")
        if await src.read(1):
            raise Refused("upd-not-package")  # more than the manifest lists
        os.rename(tmp, flash.path(stage + "/manifest.json"))
    except (Refused, OSError) as e:
        rmtree(tmp)
        if stage:
            rmtree(flash.path(stage))
        if isinstance(e, Refused):
            raise
        raise Refused("upd-no-space" if e.args and e.args[0] == 28 else "upd-flash-failed")
    finally:
        src.close()
    # The switch: one atomic write. main.py runs `version` from the next boot, counts its
    # boots until it shows the idle screen, and goes back to `previous` if it never does.
    rec = {"current": version, "previous": running(term), "trial": True, "boots": 0}
    term.store.put("fw", rec)
    return version
