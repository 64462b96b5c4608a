# The host's backup endpoints (docs/backup.md, tools/host/backups.py) against the real host
# process: one backup key per merchant, wrapped for each terminal under its own secret in the
# firmware's cardcrypt format; archives uploaded in parts, checked whole, and fetched by any
# terminal of the same merchant, never by another's.
import hashlib
import hmac
import json
import os
import sqlite3

import pytest

from firmware.journal import cardcrypt
from tools.host import backups, proto
from tools.host.process import enrol, host_cli


def _key(term):
    answer = term.call("/v1/backup-key", {})
    assert (answer.http, answer.signed) == (200, True), answer
    return bytes.fromhex(answer.body["key"])


def _upload(term, data, part_size=backups.PART_MAX, name=None):
    name = name or os.urandom(16).hex()
    parts = [data[i : i + part_size] for i in range(0, len(data), part_size)] or [b""]
    for i, chunk in enumerate(parts):
        body = {"id": name, "part": i, "data": chunk.hex()}
        if i == len(parts) - 1:
            body.update(end=True, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        answer = term.call("/v1/backup", body)
        assert (answer.http, answer.signed) == (200, True), answer
    assert answer.body == {
        "status": "complete",
        "id": name,
        "parts": len(parts),
        "size": len(data),
    }
    return name


def _download(term, name="latest"):
    out = b""
    part, parts = 0, 1
    while part < parts:
        answer = term.call("/v1/backup-fetch", {"id": name, "part": part})
        assert (answer.http, answer.signed) == (200, True), answer
        body = answer.body
        assert len(body["data"]) <= 2 * backups.FETCH_PART
        out += bytes.fromhex(body["data"])
        parts = body["parts"]
        part += 1
    assert body["size"] == len(out) and body["sha256"] == hashlib.sha256(out).hexdigest()
    return out, body


def test_one_key_per_merchant_wrapped_for_each_terminal_in_the_firmware_format(host, db):
    a = enrol(host.url, db, "M-BK", "SN-BK1", "T1")
    b = enrol(host.url, db, "M-BK", "SN-BK2", "T2")
    other = enrol(host.url, db, "M-OTHER", "SN-BK3", "T1")
    wa, wb, wo = _key(a), _key(b), _key(other)
    assert wa != wb  # each under its own terminal's secret
    keys = []
    for term, blob in ((a, wa), (b, wb), (other, wo)):
        # what the terminal does (firmware.pos.backup.key), on the firmware's own code
        wrap = hmac.new(term.secret, b"pos1 backup wrap", "sha256").digest()
        keys.append(bytes.fromhex(cardcrypt.decrypt_pan(wrap, blob)))
        assert backups.unwrap(term.secret, blob) == keys[-1]
        with pytest.raises(ValueError):
            cardcrypt.decrypt_pan(
                hmac.new(b"x" * 32, b"pos1 backup wrap", "sha256").digest(), blob
            )
    assert keys[0] == keys[1] != keys[2] and len(keys[0]) == 16
    assert _key(a) != wa and backups.unwrap(a.secret, _key(a)) == keys[0]  # a fresh IV
    with sqlite3.connect(db) as c:
        master = bytes.fromhex(
            c.execute("SELECT v FROM meta WHERE k = 'backup_master'").fetchone()[0]
        )
    assert backups.merchant_key(master, "M-BK") == keys[0]
    events = json.loads(host_cli(db, "audit", "--json", "--terminal", a.tid).stdout)
    assert "backup-key" in [e["event"] for e in events]


def test_an_archive_goes_up_in_parts_and_comes_back_to_another_terminal_of_the_merchant(host, db):
    a = enrol(host.url, db, "M-UP", "SN-UP1", "T1")
    b = enrol(host.url, db, "M-UP", "SN-UP2", "T2")
    data = os.urandom(3 * backups.PART_MAX + 100)
    # the largest part keeps the request under the host's 16 KiB limit
    env = a.envelope("/v1/backup", {"id": "0" * 32, "part": 0, "data": "ab" * backups.PART_MAX})
    assert len(json.dumps(env)) < proto.MAX_BODY
    a.ctr -= 1  # that envelope was not sent
    name = _upload(a, data)
    got, body = _download(b)
    assert got == data
    assert (body["id"], body["serial"], body["tid"]) == (name, "SN-UP1", a.tid)
    assert _download(b, name)[0] == data
    # a newer one, in other part sizes, is the latest; the older stays fetchable by id
    newer = os.urandom(5000)
    name2 = _upload(b, newer, 1000)
    assert _download(a)[0] == newer and _download(a, name)[0] == data
    assert body["parts"] == -(-len(data) // backups.FETCH_PART)
    # a reply to a fetch fits what a terminal reads (firmware/net: 4 KiB)
    env = b.envelope("/v1/backup-fetch", {"id": name2, "part": 0})
    b.ctr -= 1
    assert len(json.dumps(env)) < 4096
    last = b.call("/v1/backup-fetch", {"id": name2, "part": 0})
    raw = json.dumps(proto.reply(b.secret, "/v1/backup-fetch", b.tid, 99, 1, last.body))
    assert len(raw) < 4096


def test_another_merchant_gets_nothing_and_an_unfinished_archive_is_never_served(host, db):
    a = enrol(host.url, db, "M-SEC", "SN-SEC1", "T1")
    _upload(a, b"only M-SEC may have this")
    other = enrol(host.url, db, "M-ELSE", "SN-SEC2", "T1")
    answer = other.call("/v1/backup-fetch", {"id": "latest", "part": 0})
    assert (answer.http, answer.signed, answer.body["error"]) == (404, True, "not-found")
    b = enrol(host.url, db, "M-HALF", "SN-SEC3", "T1")
    answer = b.call("/v1/backup", {"id": "1" * 32, "part": 0, "data": "00" * 10})
    assert answer.body == {"status": "stored", "id": "1" * 32, "part": 0, "parts": 1}
    for name in ("latest", "1" * 32):
        answer = b.call("/v1/backup-fetch", {"id": name, "part": 0})
        assert (answer.http, answer.body["error"]) == (404, "not-found")


def test_parts_out_of_order_changed_or_not_making_the_archive_are_refused(host, db):
    t = enrol(host.url, db, "M-ERR", "SN-ERR1", "T1")
    name = "2" * 32

    def send(part, data, **end):
        return t.call("/v1/backup", dict({"id": name, "part": part, "data": data.hex()}, **end))

    assert send(1, b"x").body["error"] == "part-gap"  # never began
    assert send(0, b"abc").http == 200
    again = send(0, b"abc")  # a resend after a lost reply: the same answer
    assert (again.http, again.body["parts"]) == (200, 1)
    changed = send(0, b"abd")
    assert (changed.http, changed.body["error"]) == (409, "part-mismatch")
    assert send(2, b"x").body["error"] == "part-gap"
    wrong = send(1, b"def", end=True, size=6, sha256=hashlib.sha256(b"abcdeX").hexdigest())
    assert (wrong.http, wrong.body["error"]) == (400, "archive-mismatch")
    good = send(1, b"def", end=True, size=6, sha256=hashlib.sha256(b"abcdef").hexdigest())
    assert good.body == {"status": "complete", "id": name, "parts": 2, "size": 6}
    assert send(
        1, b"def", end=True, size=6, sha256=hashlib.sha256(b"abcdef").hexdigest()
    ).body == (good.body)
    assert send(2, b"more").body["error"] == "backup-complete"
    for bad in ({"id": "nothex", "part": 0, "data": ""}, {"id": name, "part": -1, "data": ""},
                {"id": name, "part": 0, "data": "zz"},
                {"id": name, "part": 0, "data": "00" * (backups.PART_MAX + 1)}):  # fmt: skip
        answer = t.call("/v1/backup", bad)
        assert (answer.http, answer.signed, answer.body["error"]) == (400, True, "bad-request")
    theirs = enrol(host.url, db, "M-ERR", "SN-ERR2", "T2")
    answer = theirs.call("/v1/backup", {"id": name, "part": 0, "data": "616263"})
    assert (answer.http, answer.body["error"]) == (409, "not-yours")
    out_of_range = theirs.call("/v1/backup-fetch", {"id": name, "part": 1})
    assert (out_of_range.http, out_of_range.body["error"]) == (400, "bad-request")
    assert _download(theirs, name)[0] == b"abcdef"
    events = [e["event"] for e in json.loads(host_cli(db, "audit", "--json").stdout)]
    assert "backup-stored" in events and "backup-fetch" in events
