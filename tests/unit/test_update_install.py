# Installing an update package from the media (firmware/maint/install.py) on this runtime: the
# fixture package is signed with the development vendor key; tampered copies are refused with
# nothing switched and nothing left staged.
import os

from compat import exists, listdir, mkdir_p, unhexlify
from firmware.flash import Flash
from firmware.maint import install
from firmware.store import Store
from tests.unit import update_fixtures as fx
from tests.unit.helpers import VirtualClock, run

_TMP = "/tmp/pos-unit-upd-%07d" % (os.getpid() if hasattr(os, "getpid") else 0)


class _Term:
    VERSION = "0.1.0"

    def __init__(self, name, data=None, board="sim"):
        root = _TMP + "-" + name
        install.rmtree(root)
        self.flash = Flash(root)
        self.store = Store(self.flash)
        self.clock = VirtualClock()
        self.config = {"board": board, "update_dir": root + "/media"}
        mkdir_p(root + "/media")
        with open(root + "/media/pos-9.0.1.pkg", "wb") as f:
            f.write(unhexlify(fx.PACKAGE) if data is None else data)


def _install(term):
    path, version = install.find_media(term)
    return run(install.install(term, install.Media(path)))


def _refused(term):
    try:
        _install(term)
    except install.Refused as e:
        return e.args[0]
    raise AssertionError("installed")


def _untouched(term):
    assert term.store.get("fw") is None
    assert listdir(term.flash.path("fw")) == []


def _tampered(at, delta=1):
    data = bytearray(unhexlify(fx.PACKAGE))
    data[at] ^= delta
    return bytes(data)


def test_a_signed_package_is_staged_then_switched_on_trial():
    term = _Term("good")
    assert install.find_media(term)[1] == fx.PACKAGE_VERSION
    assert _install(term) == "9.0.1"
    assert term.store.get("fw") == {
        "current": "9.0.1",
        "previous": None,
        "trial": True,
        "boots": 0,
    }
    root = term.flash.path("fw/9.0.1/")
    with open(root + "lib/upd_probe.py") as f:
        assert f.read() == "VALUE = 7\n"
    assert exists(root + "firmware/probe/__init__.py")
    assert exists(root + "manifest.json")
    assert sorted(listdir(term.flash.path("fw"))) == ["9.0.1"]


def test_a_bad_signature_is_refused_before_any_file_is_written():
    data = unhexlify(fx.PACKAGE)
    mlen = int.from_bytes(data[8:12], "big")
    term = _Term("badsig", _tampered(14 + mlen + 100))
    assert _refused(term) == "upd-bad-signature"
    _untouched(term)


def test_a_changed_manifest_fails_the_signature():
    term = _Term("badman", _tampered(40, 0x20))
    assert _refused(term) == "upd-bad-signature"
    _untouched(term)


def test_a_changed_file_fails_its_hash_and_the_staging_goes():
    term = _Term("badhash", _tampered(len(unhexlify(fx.PACKAGE)) - 1))
    assert _refused(term) == "upd-bad-hash"
    _untouched(term)


def test_truncated_extended_and_foreign_packages_are_refused():
    data = unhexlify(fx.PACKAGE)
    for name, bad, why in (
        ("short", data[:-5], "upd-truncated"),
        ("long", data + b"x", "upd-not-package"),
        ("junk", b"PK\x03\x04" + data[4:], "upd-not-package"),
        ("empty", b"", "upd-truncated"),
    ):
        term = _Term(name, bad)
        assert _refused(term) == why, name
        _untouched(term)
    term = _Term("board", board="esp32")
    assert _refused(term) == "upd-wrong-board"
    _untouched(term)


def test_the_running_version_is_refused_and_kept_older_ones_make_room():
    term = _Term("same")
    term.VERSION = "9.0.1"
    assert _refused(term) == "upd-same-version"
    term = _Term("room")
    term.VERSION = "8.0.0"
    term.store.put("fw", {"current": "8.0.0", "previous": "7.0.0", "trial": False})
    for v in ("7.0.0", "8.0.0"):
        mkdir_p(term.flash.path("fw/%s/firmware" % v))
    assert _install(term) == "9.0.1"
    assert sorted(listdir(term.flash.path("fw"))) == ["8.0.0", "9.0.1"]
    assert term.store.get("fw")["previous"] == "8.0.0"


def test_no_media_or_no_package_is_none():
    term = _Term("none")
    os.remove(term.flash.path("media/pos-9.0.1.pkg"))
    assert install.find_media(term) is None
    term.config["update_dir"] = term.flash.path("no-such-dir")
    assert install.find_media(term) is None
    del term.config["update_dir"]
    assert install.find_media(term) is None
