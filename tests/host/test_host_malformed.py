# Malformed requests: each gets a 4xx with a JSON error, and the host keeps serving.
import json
import socket
from urllib.parse import urlsplit

import pytest

from tools.host import proto
from tools.host.client import http_post, http_request, parse_response
from tools.host.process import enrol


@pytest.fixture(scope="module")
def term(host, db):
    return enrol(host.url, db, "M1", "SN-BAD", "T1")


def post(host, path, data, content_type="application/json"):
    status, headers, body = http_post(host.url, path, data, content_type)
    assert headers["content-type"].startswith("application/json"), (status, body)
    return status, json.loads(body)


def still_alive(term):
    assert term.ping().body["status"] == "ok"


def env(**fields):
    doc = {"tid": 1, "ctr": 5, "body": "{}", "mac": "ab" * 32}
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


BAD_ENVELOPES = [
    (b"{bad", 400, "bad-json", "body is not JSON"),
    (b"", 400, "bad-json", "body is not JSON"),
    (b"\xff\xfe\x00", 400, "bad-json", "body is not JSON"),
    (b"[" * 5000 + b"]" * 5000, 400, "bad-json", "body is not JSON"),
    (b"[1, 2]", 400, "bad-request", "request must be a JSON object"),
    (b'"text"', 400, "bad-request", "request must be a JSON object"),
    (env(tid=None), 400, "bad-request", "missing field: tid"),
    (env(ctr=None), 400, "bad-request", "missing field: ctr"),
    (env(body=None), 400, "bad-request", "missing field: body"),
    (env(mac=None), 400, "bad-request", "missing field: mac"),
    (env(tid="1"), 400, "bad-request", "tid must be an integer"),
    (env(ctr=1.5), 400, "bad-request", "ctr must be an integer"),
    (env(ctr=True), 400, "bad-request", "ctr must be an integer"),
    (env(ctr=0), 400, "bad-request", "ctr must be between 1 and 9007199254740991"),
    (env(ctr=-3), 400, "bad-request", "ctr must be between 1 and 9007199254740991"),
    (env(ctr=2**60), 400, "bad-request", "ctr must be between 1 and 9007199254740991"),
    (env(body={"a": 1}), 400, "bad-request", "body must be a string holding JSON"),
    (env(mac=123), 400, "bad-request", "mac must be a string"),
    (env(mac="AB" * 32), 400, "bad-request", "mac must be 64 lowercase hex digits"),
    (env(mac="ab" * 31), 400, "bad-request", "mac must be 64 lowercase hex digits"),
    (b'{"tid":1,"ctr":5,"body":"\\ud800","mac":"' + b"ab" * 32 + b'"}', 400, "bad-request",
     "body must be valid Unicode"),
]  # fmt: skip


@pytest.mark.parametrize("path", ["/v1/activate", "/v1/auth", "/v1/batch"])
@pytest.mark.parametrize("case", range(len(BAD_ENVELOPES)))
def test_bad_envelopes(host, term, path, case):
    data, status, error, detail = BAD_ENVELOPES[case]
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    assert post(host, path, data) == (status, {"error": error, "detail": detail})
    if case % 7 == 0:
        still_alive(term)


BAD_ACTIVATIONS = [
    ("not json", "bad-json", "body is not JSON"),
    ("[]", "bad-request", "body must be a JSON object"),
    ('{"serial":"S","terminal":"T"}', "bad-request", "missing field: merchant"),
    ('{"merchant":7,"serial":"S","terminal":"T"}', "bad-request", "merchant must be a string"),
    ('{"merchant":"M\\nX","serial":"S","terminal":"T"}', "bad-request",
     "merchant must be 1-32 characters of A-Z a-z 0-9 . _ -"),
    ('{"merchant":"M","serial":"' + "S" * 33 + '","terminal":"T"}', "bad-request",
     "serial must be 1-32 characters of A-Z a-z 0-9 . _ -"),
]  # fmt: skip


@pytest.mark.parametrize("body, error, detail", BAD_ACTIVATIONS)
def test_bad_activation_bodies(host, body, error, detail):
    data = json.dumps({"tid": 0, "ctr": 1, "body": body, "mac": "00" * 32}).encode()
    assert post(host, "/v1/activate", data) == (400, {"error": error, "detail": detail})


def test_activation_needs_tid_zero(host):
    data = json.dumps({"tid": 4, "ctr": 1, "body": "{}", "mac": "00" * 32}).encode()
    assert post(host, "/v1/activate", data)[1]["detail"] == "tid must be 0 on activation"


GOOD_SALE = {"key": "k", "amount": 100, "currency": "EUR", "pan": "4111111111111111",
             "exp": "3012", "method": "tap"}  # fmt: skip
BAD_SALES = [
    ({"key": None}, "missing field: key"),
    ({"key": 5}, "key must be a string"),
    ({"key": "k" * 65}, "key must be 1-64 characters of A-Z a-z 0-9 . _ : -"),
    ({"key": "a b"}, "key must be 1-64 characters of A-Z a-z 0-9 . _ : -"),
    ({"amount": "100"}, "amount must be an integer"),
    ({"amount": 0}, "amount must be between 1 and 99999999"),
    ({"amount": False}, "amount must be an integer"),
    ({"amount": None}, "missing field: amount"),
    ({"currency": "eur"}, "currency must be three capital letters (ISO 4217)"),
    ({"pan": 4111111111111111}, "pan must be a string"),
    ({"pan": "4111-1111-1111-1111"}, "pan must be 12-19 digits"),
    ({"pan": "41111111111"}, "pan must be 12-19 digits"),
    ({"pan": "4" * 20}, "pan must be 12-19 digits"),
    ({"pan": "\u0664" * 16}, "pan must be 12-19 digits"),
    ({"exp": "3013"}, "exp must be YYMM"),
    ({"exp": "30-12"}, "exp must be YYMM"),
    ({"method": "wave"}, "method must be one of swipe, insert, tap, manual"),
    ({"method": ["tap"]}, "method must be one of swipe, insert, tap, manual"),
    ({"kind": "refund"}, "kind must be one of sale, test"),
]


@pytest.mark.parametrize("change, detail", BAD_SALES)
def test_bad_auth_bodies_get_signed_400(term, change, detail):
    body = dict(GOOD_SALE, **change)
    body = {k: v for k, v in body.items() if v is not None}
    answer = term.call("/v1/auth", body)
    assert (answer.http, answer.signed) == (400, True)
    assert answer.body == {"error": "bad-request", "detail": detail}


@pytest.mark.parametrize(
    "body, error, detail",
    [
        ("nope", "bad-json", "body is not JSON"),
        ("[1]", "bad-request", "body must be a JSON object"),
        ("[" * 3000, "bad-json", "body is not JSON"),
    ],
)
def test_bad_inner_bodies_get_signed_400(term, body, error, detail):
    term.ctr += 1
    env = {"tid": term.tid, "ctr": term.ctr, "body": body}
    env["mac"] = proto.sign(term.secret, "T2H", "/v1/ping", term.tid, term.ctr, 0, body)
    status, doc = term.send("/v1/ping", env)
    term.check("/v1/ping", term.ctr, doc)
    assert (status, json.loads(doc["body"])) == (400, {"error": error, "detail": detail})


def test_huge_bodies(host, term):
    big = b'{"pad":"' + b"x" * (proto.MAX_BODY) + b'"}'
    detail = "bodies are limited to %d bytes" % proto.MAX_BODY
    too_large = (413, {"error": "too-large", "detail": detail})
    for path in ("/v1/activate", "/v1/batch", "/"):
        assert post(host, path, big) == too_large
    # Without a Content-Length the limit holds all the same.
    status, headers, body = _chunked(host.url, "/v1/auth", big)
    assert (status, json.loads(body)) == too_large
    # Just under the limit is read and judged on its content.
    fits = b'{"pad":"' + b"x" * (proto.MAX_BODY - 11) + b'"}'
    assert len(fits) < proto.MAX_BODY
    assert post(host, "/v1/auth", fits)[1]["detail"] == "missing field: tid"
    still_alive(term)


def test_wrong_paths_and_methods(host, term):
    status, doc = post(host, "/v1/nothing", b"{}")
    assert (status, doc) == (404, {"error": "not-found", "detail": "no endpoint /v1/nothing"})
    status, headers, body = http_request(host.url, "GET", "/v1/ping")
    assert status == 405 and json.loads(body)["error"] == "method-not-allowed"
    status, headers, body = http_request(host.url, "GET", "/admin")
    assert status == 404 and json.loads(body)["error"] == "not-found"
    status, doc = post(host, "/", b"merchant=M", "text/plain")
    assert (status, doc["error"]) == (415, "unsupported-media-type")
    for data in (b"{", b"[]", b'{"merchant":"M","serial":"S"}', b'{"merchant":"M\\n"'):
        status, doc = post(host, "/", data)
        assert status == 400 and doc["error"] in ("bad-json", "bad-request")
    still_alive(term)


def test_garbage_that_is_not_http(host, term):
    parts = urlsplit(host.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(b"\x16\x03\x01 hello this is not http\r\n\r\n")
        reply = s.recv(4096)
    assert reply.split(b"\r\n")[0] in (b"HTTP/1.0 400 Bad Request", b"HTTP/1.1 400 Bad Request")
    still_alive(term)


def _chunked(url, path, data):
    parts = urlsplit(url)
    head = (
        "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % path
    ).encode()
    body = b""
    for i in range(0, len(data), 4096):
        chunk = data[i : i + 4096]
        body += b"%x\r\n%s\r\n" % (len(chunk), chunk)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(head + body + b"0\r\n\r\n")
        raw = b""
        while chunk := s.recv(4096):
            raw += chunk
    return parse_response(raw)
