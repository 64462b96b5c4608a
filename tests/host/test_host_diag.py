# POST /v1/diag: a terminal's diagnostic report is stored as sent, once per request, audited,
# signed like every reply; a malformed or oversized one is refused, and a terminal the host
# has not approved cannot file one.
import json
import sqlite3

import pytest

from tools.host.process import HostProcess, enrol, host_cli

REPORT = {
    "version": "0.1.0",
    "serial": "SN-D1",
    "tid": None,
    "state": "ACTIVE",
    "boots": 3,
    "journal": {"unsynced": 2, "count": 1, "total": 1250, "pending": 0, "oldest": None},
    "sync": ["waiting", "host-silent"],
    "printer": "paper-out",
    "errors": {"printer": "paper-out", "sync": "host-silent"},
    "heap": 40960,
    "flash": 1048576,
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("diag") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db) as h:
        yield h
        assert h.alive(), h.log()


def _rows(db, tid):
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        q = "SELECT * FROM diag_reports WHERE tid = ? ORDER BY id"
        return [dict(r) for r in c.execute(q, (tid,))]


def test_a_report_is_stored_as_sent_and_audited(host, db):
    t = enrol(host.url, db, "M1", "SN-D1", "T1")
    first = t.call("/v1/diag", dict(REPORT, tid=t.tid))
    assert first.signed and first.http == 200
    assert first.body["status"] == "stored"
    again = t.call("/v1/diag", dict(REPORT, tid=t.tid, boots=4))
    assert again.body["report"] == first.body["report"] + 1  # each report is a new row
    rows = _rows(db, t.tid)
    assert [r["id"] for r in rows] == [first.body["report"], again.body["report"]]
    assert (rows[0]["version"], rows[0]["state"]) == ("0.1.0", "ACTIVE")
    assert json.loads(rows[0]["report"]) == dict(REPORT, tid=t.tid)
    assert json.loads(rows[1]["report"])["boots"] == 4
    log = json.loads(host_cli(db, "audit", "--json", "--terminal", str(t.tid)).stdout)
    diag = [e for e in log if e["event"] == "diag-report"]
    assert [e["detail"]["report"] for e in diag] == [r["id"] for r in rows]
    assert diag[0]["detail"]["state"] == "ACTIVE"


def test_a_malformed_or_oversized_report_is_refused_and_not_stored(host, db):
    t = enrol(host.url, db, "M1", "SN-D2", "T1")
    missing = dict(REPORT)
    del missing["version"]
    answer = t.call("/v1/diag", missing)
    assert (answer.http, answer.signed, answer.body["error"]) == (400, True, "bad-request")
    assert "version" in answer.body["detail"]
    answer = t.call("/v1/diag", dict(REPORT, state="no spaces allowed"))
    assert answer.http == 400
    answer = t.call("/v1/diag", dict(REPORT, errors={"x": "y" * 5000}))
    assert answer.http == 400 and "at most" in answer.body["detail"]
    assert _rows(db, t.tid) == []


def test_a_pending_terminal_cannot_file_a_report(host, db):
    t = enrol(host.url, db, "M1", "SN-D3", "T1", approve=False)
    answer = t.call("/v1/diag", REPORT)
    assert (answer.http, answer.body["error"]) == (403, "not-approved")
    assert _rows(db, t.tid) == []
