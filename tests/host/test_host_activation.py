# Activation channels, codes and review, against the real host process (docs/host.md).
import json
import re
import time
from urllib.parse import urlencode

import pytest

from tools.host import proto
from tools.host.client import Terminal, http_post, http_request
from tools.host.process import HostProcess, host_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("host") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db) as h:
        yield h
        assert h.alive(), h.log()


def issue(db, merchant, serial, terminal, *extra):
    out = host_cli(db, "issue-code", "--merchant", merchant, "--serial", serial,
                   "--terminal", terminal, "--json", *extra).stdout  # fmt: skip
    return json.loads(out)


def audit(db, tid=None):
    args = ["audit", "--json"] + (["--terminal", tid] if tid is not None else [])
    return json.loads(host_cli(db, *args).stdout)


def events(db, **match):
    return [
        r["event"]
        for r in audit(db)
        if all(r["detail"].get(k) == v or r.get(k) == v for k, v in match.items())
    ]


def test_cli_code_activates_and_waits_for_review(host, db):
    before = time.time()
    issued = issue(db, "M100", "SN-A1", "T1")
    after = time.time()
    assert re.fullmatch(r"[0-9]{12}", issued["code"])
    assert issued["tries"] == 5
    assert before + 86400 <= issued["expires_at"] <= after + 86400
    t = Terminal(host.url, "M100", "SN-A1", "T1")
    answer = t.activate(issued["code"])
    assert (answer.http, answer.signed) == (200, True)
    assert answer.body == {"status": "pending", "tid": t.tid}
    assert t.secret == proto.derive_secret(issued["code"], "SN-A1")
    assert t.status().body == {"status": "pending", "tid": t.tid}
    # Before approval only /v1/status answers; the rest is refused, signed.
    refused = t.ping()
    assert (refused.http, refused.signed) == (403, True)
    assert refused.body == {"error": "not-approved", "state": "pending"}
    pending = json.loads(host_cli(db, "review", "--json").stdout)
    mine = [r for r in pending if r["id"] == t.tid]
    assert [(r["serial"], r["merchant"], r["terminal"], r["channel"]) for r in mine] == [
        ("SN-A1", "M100", "T1", "cli")
    ]
    text = host_cli(db, "review").stdout
    assert re.search(r"^%d +M100 +T1 +SN-A1 +cli +pending" % t.tid, text, re.M), text
    assert host_cli(db, "approve", t.tid).stdout == "terminal %d approved\n" % t.tid
    assert t.status().body == {"status": "approved", "tid": t.tid}
    assert t.ping().body["status"] == "ok"
    assert t.tid not in [r["id"] for r in json.loads(host_cli(db, "review", "--json").stdout)]
    assert [r["event"] for r in audit(db, t.tid)] == ["activated", "approved"]


def test_code_is_single_use_and_a_lost_reply_retry_gets_the_same_identity(host, db):
    issued = issue(db, "M100", "SN-A2", "T2")
    t = Terminal(host.url, "M100", "SN-A2", "T2")
    first = t.activate(issued["code"])
    tid = t.tid
    # The reply was "lost": the terminal retries with a fresh counter and the same code.
    again = t.activate(issued["code"])
    assert again.body == first.body == {"status": "pending", "tid": tid}
    # Anyone else presenting the used code for this terminal is refused.
    other = Terminal(host.url, "M100", "SN-A2", "T2")
    used = other.activate("0" * 12 if issued["code"] != "0" * 12 else "1" * 12)
    assert (used.http, used.body["error"]) == (410, "code-used")
    # A code is bound to its serial: the same code on another device is unknown there.
    clone = Terminal(host.url, "M100", "SN-OTHER", "T2")
    assert clone.activate(issued["code"]).body["error"] == "unknown-terminal"


def test_web_form_issues_a_code_that_activates(host, db):
    page = http_post(host.url, "/", b"", "application/x-www-form-urlencoded")
    assert page[0] == 400  # empty form: says what is missing
    assert "missing field: merchant" in page[2].decode()
    status, headers, body = http_request(host.url, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<form method="post" action="/">' in body
    for field in (b"merchant", b"serial", b"terminal"):
        assert b'name="' + field + b'"' in body
    form = urlencode({"merchant": "M200", "serial": "SN-W1", "terminal": "T9"}).encode()
    status, headers, body = http_post(host.url, "/", form, "application/x-www-form-urlencoded")
    assert status == 200, body
    shown = re.search(rb'id="code">([0-9-]+)<', body).group(1).decode()
    assert re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", shown)
    t = Terminal(host.url, "M200", "SN-W1", "T9")
    assert t.activate(shown).body == {"status": "pending", "tid": t.tid}
    rows = json.loads(host_cli(db, "review", "--json").stdout)
    assert [r["channel"] for r in rows if r["id"] == t.tid] == ["web"]


def test_web_form_escapes_what_it_echoes(host):
    form = urlencode({"merchant": "<b>x", "serial": "S", "terminal": "T"}).encode()
    status, _, body = http_post(host.url, "/", form, "application/x-www-form-urlencoded")
    assert status == 400
    assert b"&lt;b&gt;x" in body and b"<b>x" not in body


def test_app_channel_gets_json(host):
    data = json.dumps({"merchant": "M300", "serial": "SN-J1", "terminal": "T1"}).encode()
    status, _, body = http_post(host.url, "/", data)
    issued = json.loads(body)
    assert status == 200 and sorted(issued) == ["code", "code_id", "expires_at", "tries"]
    t = Terminal(host.url, "M300", "SN-J1", "T1")
    assert t.activate(issued["code"]).http == 200
    status, _, body = http_post(host.url, "/", json.dumps({"merchant": "M300"}).encode())
    assert (status, json.loads(body)["error"]) == (400, "bad-request")


def test_five_wrong_codes_burn_it(host, db):
    issued = issue(db, "M100", "SN-B1", "T1")
    wrong = "%012d" % ((int(issued["code"]) + 1) % 10**12)
    t = Terminal(host.url, "M100", "SN-B1", "T1")
    seen = []
    for _ in range(5):
        a = t.activate(wrong)
        seen.append((a.http, a.body["error"], a.body["tries_left"], a.signed))
    assert seen == [
        (403, "bad-code", 4, False),
        (403, "bad-code", 3, False),
        (403, "bad-code", 2, False),
        (403, "bad-code", 1, False),
        (410, "code-burned", 0, False),
    ]
    # Burned means burned: the right code no longer works either.
    right = t.activate(issued["code"])
    assert (right.http, right.body["error"]) == (410, "code-burned")
    assert t.secret is None and t.tid == 0
    got = events(db, serial="SN-B1")
    assert got == ["code-issued"] + ["bad-code"] * 4 + ["code-burned"] * 2
    text = host_cli(db, "audit").stdout
    line = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC -    bad-code +terminal +code_id=%d "
    line += r"merchant=M100 serial=SN-B1 terminal=T1 tries_left=2$"
    assert re.search(line % issued["code_id"], text, re.M), text
    # A fresh code replaces the burned one.
    fresh = issue(db, "M100", "SN-B1", "T1")
    assert t.activate(fresh["code"]).body["status"] == "pending"


def test_expired_code(host, db):
    issued = issue(db, "M100", "SN-E1", "T1", "--ttl", "0.3")
    time.sleep(0.4)
    t = Terminal(host.url, "M100", "SN-E1", "T1")
    a = t.activate(issued["code"])
    assert (a.http, a.body["error"]) == (410, "code-expired")
    assert events(db, serial="SN-E1") == ["code-issued", "code-expired"]


def test_a_new_code_supersedes_the_old_one(host, db):
    old = issue(db, "M100", "SN-S1", "T1")
    new = issue(db, "M100", "SN-S1", "T1")
    t = Terminal(host.url, "M100", "SN-S1", "T1")
    assert t.activate(old["code"]).body == {"error": "bad-code", "tries_left": 4,
                                            "detail": "wrong code"}  # fmt: skip
    assert t.activate(new["code"]).body["status"] == "pending"


def test_unknown_terminal(host):
    t = Terminal(host.url, "M999", "SN-NONE", "T1")
    a = t.activate("123412341234")
    assert (a.http, a.body["error"], a.signed) == (404, "unknown-terminal", False)


def test_reject_with_reason(host, db):
    issued = issue(db, "M100", "SN-R1", "T1")
    t = Terminal(host.url, "M100", "SN-R1", "T1")
    t.activate(issued["code"])
    missing = host_cli(db, "reject", t.tid, check=False)
    assert missing.returncode == 2 and "--reason" in missing.stderr
    host_cli(db, "reject", t.tid, "--reason", "serial not on the merchant's contract")
    answer = t.status()
    assert answer.signed and answer.body == {
        "status": "rejected",
        "tid": t.tid,
        "reason": "serial not on the merchant's contract",
    }
    again = host_cli(db, "approve", t.tid, check=False)
    assert again.returncode == 2
    assert again.stderr == "error: terminal %d is rejected, not pending\n" % t.tid
    assert host_cli(db, "approve", 9999, check=False).stderr == "error: no terminal 9999\n"


def test_reactivated_device_supersedes_its_old_identity(host, db):
    first = Terminal(host.url, "M100", "SN-X1", "T1")
    first.activate(issue(db, "M100", "SN-X1", "T1")["code"])
    host_cli(db, "approve", first.tid)
    second = Terminal(host.url, "M100", "SN-X1", "T1")
    second.activate(issue(db, "M100", "SN-X1", "T1")["code"])
    assert first.ping().body["status"] == "ok"  # still fine until the new one is approved
    host_cli(db, "approve", second.tid)
    gone = first.ping()
    assert (gone.http, gone.body) == (
        403,
        {"error": "revoked", "reason": "superseded by terminal %d" % second.tid},
    )
    assert second.ping().body["status"] == "ok"


def test_auto_approve(tmp_path):
    db = str(tmp_path / "auto.sqlite")
    with HostProcess(db, "--auto-approve") as h:
        t = Terminal(h.url, "M1", "SN-AUTO", "T1")
        answer = t.activate(issue(db, "M1", "SN-AUTO", "T1")["code"])
        assert answer.body == {"status": "approved", "tid": t.tid}
        assert t.ping().body["status"] == "ok"
        assert [(r["event"], r["actor"]) for r in audit(db, t.tid)] == [
            ("activated", "terminal"),
            ("approved", "auto"),
        ]


def test_serve_default_ttl_is_configurable(tmp_path):
    db = str(tmp_path / "ttl.sqlite")
    with HostProcess(db, "--code-ttl", "0.3") as h:
        data = json.dumps({"merchant": "M1", "serial": "SN-TTL", "terminal": "T1"}).encode()
        before = time.time()
        issued = json.loads(http_post(h.url, "/", data)[2])
        assert before + 0.3 <= issued["expires_at"] <= time.time() + 0.3
        time.sleep(0.4)
        t = Terminal(h.url, "M1", "SN-TTL", "T1")
        assert t.activate(issued["code"]).body["error"] == "code-expired"
