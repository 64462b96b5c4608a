# Online authorisation (test-card rules, idempotency), reversal, store-and-forward batches and
# what the host keeps of a card, against the real host process.
import glob
import json
import sqlite3
import time

import pytest

from tools.host.process import HostProcess, enrol, host_cli

APPROVE = "4111111111111111"
APPROVE_MC = "5555555555554444"
SLOW = "4000000000800096"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("pay") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db, "--slow-card-delay", "1.0") as h:
        yield h
        assert h.alive(), h.log()


@pytest.fixture(scope="module")
def term(host, db):
    return enrol(host.url, db, "M1", "SN-P1", "T1")


def audit(db, tid):
    return json.loads(host_cli(db, "audit", "--json", "--terminal", tid, "--limit", 1000).stdout)


@pytest.mark.parametrize(
    "pan, exp, amount, status, reason, code",
    [
        (APPROVE, "3012", 1250, "approved", None, "00"),
        (APPROVE_MC, "3012", 99999, "approved", None, "00"),
        ("4000000000000002", "3012", 1250, "declined", "do-not-honor", "05"),
        ("4000000000000051", "3012", 1250, "declined", "insufficient-funds", "51"),
        ("4000000000800054", "3012", 1250, "declined", "expired-card", "54"),
        ("4000000000100091", "3012", 1250, "declined", "issuer-unavailable", "91"),
        ("4111111111111112", "3012", 1250, "declined", "invalid-pan", "14"),
        (APPROVE, "2001", 1250, "declined", "expired-card", "54"),
        (APPROVE, "3012", 100000, "declined", "exceeds-limit", "61"),
    ],
)
def test_test_card_rules(term, pan, exp, amount, status, reason, code):
    key = "rule-%s-%s-%d" % (pan[-4:], exp, amount)
    answer = term.auth(key, amount, pan, exp=exp)
    assert (answer.http, answer.signed) == (200, True)
    body = answer.body
    want = {"status": status, "code": code, "key": key, "txn": body["txn"], "amount": amount,
            "currency": "EUR", "last4": pan[-4:]}  # fmt: skip
    if status == "approved":
        want["auth_code"] = body["auth_code"]
        assert len(body["auth_code"]) == 6 and body["auth_code"].isdigit()
    else:
        want["reason"] = reason
    assert body == want


def test_auth_is_idempotent(term, db):
    first = term.auth("idem-1", 4200, APPROVE)
    again = term.auth("idem-1", 4200, APPROVE)
    assert first.body == again.body and first.body["status"] == "approved"
    other = term.auth("idem-2", 4200, APPROVE)
    assert other.body["txn"] == first.body["txn"] + 1
    assert other.body["auth_code"] != first.body["auth_code"]
    reused = term.auth("idem-1", 9999, APPROVE)
    assert (reused.http, reused.signed, reused.body["error"]) == (409, True, "key-reused")
    rows = [r for r in audit(db, term.tid) if r["detail"].get("key") == "idem-1"]
    assert [r["event"] for r in rows] == ["auth", "auth-retry", "key-reused"]


def test_test_transaction_is_authorised_then_reversed(term, db):
    auth = term.auth("act-test-1", 100, APPROVE, kind="test")
    assert auth.body["status"] == "approved"
    assert reversed_at(db, "act-test-1") is None
    rev = term.reverse("act-test-1")
    assert (rev.http, rev.signed) == (200, True)
    assert rev.body == {"status": "reversed", "key": "act-test-1", "txn": auth.body["txn"]}
    when = reversed_at(db, "act-test-1")
    assert when is not None
    assert term.reverse("act-test-1").body == rev.body  # a retried reversal, same answer
    assert reversed_at(db, "act-test-1") == when


def reversed_at(db, key):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT reversed_at FROM auths WHERE key = ?", (key,)).fetchone()[0]
    finally:
        conn.close()


def test_reversal_of_declined_and_of_unknown(term):
    declined = term.auth("rev-d", 100, "4000000000000002")
    rev = term.reverse("rev-d")
    assert rev.body == {"status": "declined", "key": "rev-d", "txn": declined.body["txn"]}
    # The auth timed out and never reached the host: reversing it blocks the key, so a
    # delayed copy of that auth cannot charge the card afterwards.
    assert term.reverse("rev-lost").body == {"status": "not-found", "key": "rev-lost", "txn": None}
    late = term.auth("rev-lost", 100, APPROVE)
    assert (late.body["status"], late.body["reason"], late.body["code"]) == (
        "declined",
        "reversed",
        "05",
    )
    assert term.reverse("rev-lost").body["status"] == "not-found"


def test_slow_card_is_approved_late(term):
    started = time.monotonic()
    answer = term.auth("slow-1", 100, SLOW)
    took = time.monotonic() - started
    assert answer.body["status"] == "approved" and 1.0 <= took < 4.0
    started = time.monotonic()
    again = term.auth("slow-1", 100, SLOW)  # the retry finds the stored answer at once
    assert again.body == answer.body and time.monotonic() - started < 0.9


def sale(key, amount=500, pan=APPROVE, **extra):
    rec = {"key": key, "amount": amount, "currency": "EUR", "pan": pan, "exp": "3012"}
    rec.update(method="insert", time=1700000000)
    rec.update(extra)
    return rec


def test_batch_stores_each_sale_once(host, db):
    t = enrol(host.url, db, "M1", "SN-P2", "T1")
    records = [
        sale("b-1"),
        sale("b-2", amount=700, pan=APPROVE_MC, method="tap"),
        sale("b-1"),  # the journal sent one sale twice
        sale("b-3", pan="4000000000000051"),
        sale("b-4", amount="7"),
        {"amount": 5},
        "not a record",
    ]
    first = t.batch(records)
    assert (first.http, first.signed) == (200, True)
    results = first.body["results"]
    s1, s2 = results[0]["sale"], results[1]["sale"]
    assert results == [
        {"key": "b-1", "result": "stored", "sale": s1},
        {"key": "b-2", "result": "stored", "sale": s2},
        {"key": "b-1", "result": "duplicate", "sale": s1},
        {"key": "b-3", "result": "rejected", "reason": "insufficient-funds"},
        {"key": "b-4", "result": "rejected", "reason": "amount must be an integer"},
        {"key": None, "result": "rejected", "reason": "missing field: key"},
        {"key": None, "result": "rejected", "reason": "record must be a JSON object"},
    ]
    # The reply was lost; the terminal sends the same batch again under a new counter.
    resent = t.batch(records)
    assert resent.body["results"][:3] == [
        {"key": "b-1", "result": "duplicate", "sale": s1},
        {"key": "b-2", "result": "duplicate", "sale": s2},
        {"key": "b-1", "result": "duplicate", "sale": s1},
    ]
    assert resent.body["results"][3:] == results[3:]
    changed = t.batch([sale("b-1", amount=501)])
    assert changed.body["results"] == [
        {"key": "b-1", "result": "rejected", "reason": "key-reused"}
    ]
    stored = [r for r in audit(db, t.tid) if r["event"] == "sale-stored"]
    assert [(r["detail"]["key"], r["detail"]["amount"]) for r in stored] == [
        ("b-1", 500),
        ("b-2", 700),
    ]
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT key, amount, last4, method, sale_time FROM sales WHERE tid = ? ORDER BY id",
            (t.tid,),
        ).fetchall()
    finally:
        conn.close()
    assert rows == [("b-1", 500, "1111", "insert", 1700000000), ("b-2", 700, "4444", "tap",
                    1700000000)]  # fmt: skip


def test_batch_shape_errors_are_signed_400(term):
    for body, detail in (
        ({}, "missing field: records"),
        ({"records": []}, "records must be a list of 1-200 sales"),
        ({"records": [sale("x")] * 201}, "records must be a list of 1-200 sales"),
        ({"records": {"a": 1}}, "records must be a list of 1-200 sales"),
    ):
        answer = term.call("/v1/batch", body)
        assert (answer.http, answer.signed) == (400, True)
        assert answer.body == {"error": "bad-request", "detail": detail}


def test_full_pan_is_never_stored(host, db, term):
    pan = "4000000000301111"
    term.auth("pci-1", 300, pan)
    term.batch([sale("pci-2", pan=pan)])
    term.auth("pci-3", 300, "4000000000000002")
    row = [r for r in audit(db, term.tid) if r["detail"].get("key") == "pci-1"][0]
    assert row["detail"]["last4"] == "1111"
    assert row["detail"]["token"].startswith("tok_") and len(row["detail"]["token"]) == 28
    tokens = {r["detail"]["token"] for r in audit(db, term.tid) if "token" in r["detail"]}
    assert len(tokens) >= 2  # different cards, different tokens
    host_cli(db, "review")  # any reader: WAL content is still on disk either way
    for path in glob.glob(db + "*"):
        with open(path, "rb") as f:
            data = f.read()
        for full in (pan, "4000000000000002", APPROVE):
            assert full.encode() not in data, path
    assert pan not in host.log()
