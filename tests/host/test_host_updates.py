# Updates at the host: `publish-update` takes only signed packages (unless forced), and an
# approved terminal finds the newest one for its board and format (/v1/update-check) and
# fetches it in signed parts of at most 8 KiB (/v1/update-fetch) that add up to the package.
import base64
import json

import pytest

from tools.host.process import HostProcess, enrol, host_cli
from tools.update import package

FILES = [("firmware/__init__.py", b""), ("lib/probe.py", b"X = 1\n" * 3000)]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("updates") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db) as h:
        yield h
        assert h.alive(), h.log()


def _package(tmp_path, version, board="sim", fmt="py", bad=False):
    data = bytearray(package.pack(version, board, fmt, FILES, package.load_key()))
    if bad:
        mlen = int.from_bytes(data[8:12], "big")
        data[14 + mlen + 7] ^= 0x10
    path = tmp_path / ("%s-%s-%s.pkg" % (version, board, fmt))
    path.write_bytes(bytes(data))
    return str(path), bytes(data)


def test_publish_takes_signed_packages_only_unless_forced(host, db, tmp_path):
    path, _ = _package(tmp_path, "3.0.0")
    out = host_cli(db, "publish-update", path).stdout
    assert "published update 3.0.0 for sim (py): 2 files" in out
    again = host_cli(db, "publish-update", path, check=False)
    assert again.returncode == 2 and "already published" in again.stderr
    bad, _ = _package(tmp_path, "3.0.1", bad=True)
    refused = host_cli(db, "publish-update", bad, check=False)
    assert refused.returncode == 2 and "signature does not verify" in refused.stderr
    junk = tmp_path / "junk.pkg"
    junk.write_bytes(b"PK\x03\x04 not a package")
    refused = host_cli(db, "publish-update", str(junk), check=False)
    assert refused.returncode == 2 and "not an update package" in refused.stderr
    forced = host_cli(db, "publish-update", bad, "--force").stdout
    assert "signature NOT checked" in forced
    events = [r["event"] for r in json.loads(host_cli(db, "audit", "--json").stdout)]
    assert events.count("update-published") == 2


def test_a_terminal_finds_the_newest_update_for_its_board_and_fetches_it_in_parts(
    host, db, tmp_path
):
    _, wanted = _package(tmp_path, "4.0.0")
    for version, board, fmt in (
        ("4.0.0", "sim", "py"),
        ("4.0.0", "sim", "mpy"),
        ("5.0.0", "pi", "py"),
    ):
        path, _ = _package(tmp_path, version, board, fmt)
        if (board, fmt) == ("sim", "py"):
            with open(path, "rb") as f:
                assert f.read() == wanted
        host_cli(db, "publish-update", path)
    t = enrol(host.url, db, "M1", "SN-UPD1", "T1")
    offer = t.call("/v1/update-check", {"version": "0.1.0", "board": "sim", "format": "py"})
    assert offer.signed and offer.http == 200
    assert offer.body == {"version": "4.0.0", "size": len(wanted), "sha256": offer.body["sha256"]}
    none = t.call("/v1/update-check", {"version": "4.0.0", "board": "sim", "format": "py"})
    assert none.body == {"version": None}
    other = t.call("/v1/update-check", {"version": "0.1.0", "board": "esp32", "format": "mpy"})
    assert other.body == {"version": None}
    got = b""
    while len(got) < len(wanted):
        body = {"version": "4.0.0", "board": "sim", "format": "py", "offset": len(got)}
        part = t.call("/v1/update-fetch", dict(body, size=8192))
        assert part.signed and part.http == 200 and part.body["offset"] == len(got)
        data = base64.b64decode(part.body["data"])
        assert 0 < len(data) <= 8192
        got += data
    assert got == wanted
    body = {"version": "4.0.0", "board": "sim", "format": "py"}
    too_big = t.call("/v1/update-fetch", dict(body, offset=0, size=8193))
    assert too_big.http == 400 and too_big.signed
    past = t.call("/v1/update-fetch", dict(body, offset=len(wanted), size=100))
    assert past.http == 400
    unknown = t.call("/v1/update-fetch", dict(body, version="9.9.9", offset=0, size=100))
    assert unknown.http == 404 and unknown.body["error"] == "unknown-update"
    events = [r["event"] for r in json.loads(host_cli(db, "audit", "--json").stdout)]
    assert "update-offered" in events and "update-fetched" in events


def test_a_terminal_not_approved_gets_no_update(host, db):
    t = enrol(host.url, db, "M1", "SN-UPD2", "T2", approve=False)
    ans = t.call("/v1/update-check", {"version": "0.1.0", "board": "sim", "format": "py"})
    assert ans.http == 403 and ans.body["error"] == "not-approved"
