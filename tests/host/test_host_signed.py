# Signed envelopes: MACs, counters, revocation, the reply checks a terminal makes, the spec's
# MicroPython-safe crypto, and a clean shutdown.
import json
import signal
import subprocess

import pytest

from tests.runtimes import ROOT, micropython_cmd
from tools.host import proto, spec_mpy
from tools.host.client import ReplyError, Terminal
from tools.host.process import HostProcess, enrol, host_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("signed") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db) as h:
        yield h
        assert h.alive(), h.log()


def audit(db, tid):
    return json.loads(host_cli(db, "audit", "--json", "--terminal", tid).stdout)


def test_good_request_and_reply(host, db):
    t = enrol(host.url, db, "M1", "SN-G1", "T1")
    env = t.envelope("/v1/ping", {})
    status, doc = t.send("/v1/ping", env)
    assert status == 200
    assert sorted(doc) == ["body", "ctr", "mac", "re", "tid"]
    assert (doc["tid"], doc["re"]) == (t.tid, env["ctr"])
    # The reply's MAC is over exactly the documented bytes.
    expected = proto.sign(t.secret, "H2T", "/v1/ping", t.tid, doc["ctr"], env["ctr"], doc["body"])
    assert doc["mac"] == expected
    assert json.loads(doc["body"])["status"] == "ok"
    # The host's counter for this terminal climbs by one per reply.
    t.host_ctr = doc["ctr"]
    assert t.ping().body["status"] == "ok" and t.host_ctr == doc["ctr"] + 1


def test_bad_mac_is_401_with_an_audit_row(host, db):
    t = enrol(host.url, db, "M1", "SN-G2", "T1")
    env = t.envelope("/v1/ping", {})
    env["mac"] = ("0" if env["mac"][0] != "0" else "1") + env["mac"][1:]
    status, doc = t.send("/v1/ping", env)
    assert (status, doc) == (
        401,
        {"error": "bad-mac", "detail": "the request's MAC does not verify"},
    )
    # A body changed after signing fails the same way.
    env = t.envelope("/v1/ping", {})
    env["body"] = '{"x":1}'
    assert t.send("/v1/ping", env)[0] == 401
    # So does a valid MAC presented on another endpoint.
    env = t.envelope("/v1/status", {})
    assert t.send("/v1/ping", env)[0] == 401
    rows = [r for r in audit(db, t.tid) if r["event"] == "bad-mac"]
    assert [(r["detail"]["path"], r["detail"]["ctr"]) for r in rows] == [
        ("/v1/ping", t.ctr - 2),
        ("/v1/ping", t.ctr - 1),
        ("/v1/ping", t.ctr),
    ]
    # None of those used up a counter: the next one in sequence is still fresh.
    assert t.ping().body["status"] == "ok"


def test_replayed_and_stale_counters(host, db):
    t = enrol(host.url, db, "M1", "SN-G3", "T1")
    env = t.envelope("/v1/ping", {})
    assert t.send("/v1/ping", env)[0] == 200
    t.host_ctr = 10**9  # skip reply checks below by reading raw documents
    status, doc = t.send("/v1/ping", env)
    assert status == 409
    assert json.loads(doc["body"]) == {"error": "replay", "last_ctr": env["ctr"]}
    # The 409 is signed, so the terminal can trust last_ctr and move past it.
    assert doc["mac"] == proto.sign(
        t.secret, "H2T", "/v1/ping", t.tid, doc["ctr"], env["ctr"], doc["body"]
    )
    old = t.envelope("/v1/ping", {"n": 1}, ctr=env["ctr"] - 1)
    status, doc = t.send("/v1/ping", old)
    assert status == 409
    assert json.loads(doc["body"]) == {"error": "stale-counter", "last_ctr": env["ctr"]}
    same = t.envelope("/v1/ping", {"n": 2}, ctr=env["ctr"])
    assert json.loads(t.send("/v1/ping", same)[1]["body"])["error"] == "stale-counter"
    rows = audit(db, t.tid)
    kinds = [(r["event"], r["detail"].get("ctr")) for r in rows]
    assert kinds == [
        ("activated", None),
        ("approved", None),
        ("replay", env["ctr"]),
        ("stale-counter", env["ctr"] - 1),
        ("stale-counter", env["ctr"]),
    ]
    # Counters may jump forward (a terminal that skipped some is fine).
    t.ctr += 100
    t.host_ctr = 0
    assert t.ping().body["status"] == "ok"


def test_terminal_rejects_bad_replies(host, db):
    t = enrol(host.url, db, "M1", "SN-G4", "T1")
    env = t.envelope("/v1/ping", {})
    status, doc = t.send("/v1/ping", env)
    good = dict(doc)
    t.check("/v1/ping", env["ctr"], good)  # accepted once
    with pytest.raises(ReplyError, match="counter"):
        t.check("/v1/ping", env["ctr"], good)  # the same reply again: a replay
    t.host_ctr = 0
    forged = dict(good, body='{"status":"ok","time":0}')
    with pytest.raises(ReplyError, match="MAC"):
        t.check("/v1/ping", env["ctr"], forged)
    with pytest.raises(ReplyError, match="answers request"):
        t.check("/v1/ping", env["ctr"] + 1, good)  # a reply to another request
    with pytest.raises(ReplyError, match="MAC"):
        t.check("/v1/status", env["ctr"], good)  # a reply from another endpoint
    with pytest.raises(ReplyError, match="terminal"):
        t.check("/v1/ping", env["ctr"], dict(good, tid=t.tid + 1))


def test_unknown_tid(host):
    t = Terminal(host.url, "M1", "SN-NOPE", "T1")
    t.secret, t.tid = b"k" * 32, 987654
    answer = t.ping()
    assert (answer.http, answer.body["error"], answer.signed) == (404, "unknown-terminal", False)


def test_revoke_is_answered_on_next_contact(host, db):
    t = enrol(host.url, db, "M1", "SN-G5", "T1")
    assert t.ping().body["status"] == "ok"
    out = host_cli(db, "revoke", t.tid, "--reason", "stolen")
    assert out.stdout == "terminal %d revoked; it is told so on its next request\n" % t.tid
    for call in (t.ping, lambda: t.auth("k1", 100, "4111111111111111")):
        answer = call()
        assert (answer.http, answer.signed) == (403, True)
        assert answer.body == {"error": "revoked", "reason": "stolen"}
    assert t.status().body == {"status": "revoked", "tid": t.tid, "reason": "stolen"}
    events = [r["event"] for r in audit(db, t.tid)]
    assert events == ["activated", "approved", "revoked", "revoked-contact", "revoked-contact"]
    again = host_cli(db, "revoke", t.tid, check=False)
    assert (again.returncode, again.stderr.strip()) == (
        2,
        "error: terminal %d is revoked, not pending or approved" % t.tid,
    )


def test_unicode_bodies_sign_as_utf8(host, db):
    t = enrol(host.url, db, "M1", "SN-G6", "T1")
    env = proto.request(t.secret, "/v1/ping", t.tid, t.ctr + 1, {})
    env["body"] = '{"note":"caf\u00e9 \u20ac"}'
    env["mac"] = proto.sign(t.secret, "T2H", "/v1/ping", t.tid, env["ctr"], 0, env["body"])
    t.ctr += 1
    status, doc = t.send("/v1/ping", env)
    assert status == 200, doc
    assert proto.mac_input("T2H", "/v1/ping", 7, 3, 0, "\u00e9") == (
        b"pos1\nT2H\n/v1/ping\n7\n3\n0\n\xc3\xa9"
    )


# Fixed vectors: docs/host.md quotes these, and the firmware's own tests can reuse them.
VECTOR_CODE = "123456789012"
VECTOR_SERIAL = "SN0001"
VECTOR_SECRET = "86dd782b1069584f4c2c4ab23f8387cfb0fcd22d28f388a5096ab3e0f1dbba66"
VECTOR_MACS = [
    (("T2H", "/v1/activate", 0, 1, 0, '{"merchant":"M1001","serial":"SN0001","terminal":"T01"}'),
     "0f3c573bba88d10c313528a928921d19f613fddee10c3737805cfaca71ff3378"),
    (("T2H", "/v1/ping", 3, 17, 0, "{}"),
     "284ede8bc52f04b4173a720c584b12844dfc577f63942dd2c3a07c21cdafa605"),
    (("H2T", "/v1/ping", 3, 9, 17, '{"status":"ok","time":1700000000}'),
     "921e4ed9f1864bffbd6f6028ac26c1a4dbbe09a43c837a84627b2d39a31a76f7"),
]  # fmt: skip


def test_secret_vector_and_code_forms():
    secret = proto.derive_secret(VECTOR_CODE, VECTOR_SERIAL)
    assert secret.hex() == VECTOR_SECRET
    for args, mac in VECTOR_MACS:
        assert proto.sign(secret, *args) == mac
    assert proto.derive_secret("1234-5678-9012", VECTOR_SERIAL) == secret
    assert proto.derive_secret("1234 5678 9012", VECTOR_SERIAL) == secret
    for bad in ("12345678901", "1234567890123", "12345678901x"):
        with pytest.raises(ValueError):
            proto.normalize_code(bad)


def test_spec_crypto_matches_in_cpython():
    secret = spec_mpy.derive_secret(VECTOR_CODE, VECTOR_SERIAL)
    assert secret == proto.derive_secret(VECTOR_CODE, VECTOR_SERIAL)
    body = '{"amount":1250,"key":"a1"}'
    for args in (("T2H", "/v1/auth", 3, 17, 0, body), ("H2T", "/v1/auth", 3, 9, 17, body)):
        assert spec_mpy.sign(secret, *args) == proto.sign(secret, *args)
    long_key = bytes(range(100))
    assert spec_mpy.hmac_sha256(long_key, b"m") == __import__("hmac").digest(
        long_key, b"m", "sha256"
    )
    assert spec_mpy.same("ab" * 32, "ab" * 32) and not spec_mpy.same("ab" * 32, "ac" * 32)


def test_spec_crypto_matches_under_micropython():
    secret = proto.derive_secret(VECTOR_CODE, VECTOR_SERIAL)
    body = '{"pan":"4111111111111111","note":"\u00e9"}'
    want = proto.sign(secret, "T2H", "/v1/auth", 3, 17, 0, body)
    script = (
        "import gc\n"
        "gc.collect(); before = gc.mem_free()\n"
        "from tools.host import spec_mpy as s\n"
        "gc.collect(); print(before - gc.mem_free())\n"
        "k = s.derive_secret(%r, %r)\n"
        "import binascii; print(binascii.hexlify(k).decode())\n"
        "print(s.sign(k, 'T2H', '/v1/auth', 3, 17, 0, %r))\n"
    ) % (VECTOR_CODE, VECTOR_SERIAL, body)
    env = {"MICROPYPATH": ROOT, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        micropython_cmd("-c", script),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    heap, got_secret, got_mac = proc.stdout.split()
    assert (got_secret, got_mac) == (secret.hex(), want)
    assert int(heap) < 8 * 1024


def test_sigterm_stops_cleanly(tmp_path):
    db = str(tmp_path / "stop.sqlite")
    with HostProcess(db) as h:
        t = enrol(h.url, db, "M1", "SN-STOP", "T1")
        assert t.ping().http == 200
        port = h.url.rsplit(":", 1)[1]
        taken = host_cli(db, "serve", "--port", port, check=False)
        assert taken.returncode == 2
        assert taken.stderr.startswith("error: cannot listen on 127.0.0.1:%s: " % port)
        assert h.stop(signal.SIGTERM) == 0
        assert h.log().endswith("host stopped\n")
    with HostProcess(db) as h:  # the same database serves again, state intact
        t.url = h.url
        assert t.ping().body["status"] == "ok"
        assert h.stop(signal.SIGINT) == 0
