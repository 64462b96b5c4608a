# The host client (firmware/net): HTTP over a real loopback socket, and the signed envelope —
# MACs against the vectors of docs/host.md, counters saved before sending, and every reply
# that does not verify refused — on both runtimes.
import json
import os

import firmware.net as net
from compat import asyncio, unhexlify
from firmware.activation import get
from firmware.flash import Flash
from firmware.store import Store
from tests.unit.helpers import run

_TMP = "/tmp/pos-unit-net-%07d" % os.getpid() if hasattr(os, "getpid") else "/tmp/pos-unit-net"
SECRET = "86dd782b1069584f4c2c4ab23f8387cfb0fcd22d28f388a5096ab3e0f1dbba66"


class _Net:
    up = True

    def is_up(self):
        return self.up


class _Board:
    def __init__(self):
        self.net = _Net()
        self.reported = []

    def state(self, name):
        self.reported.append(name)


class _Term:
    def __init__(self, name, state="APPROVED", **fields):
        flash = Flash(_TMP + "-" + name)
        if flash.exists("store"):
            for f in flash.listdir("store"):
                flash.remove("store/" + f)
        self.store = Store(flash)
        self.board = _Board()
        self.config = {}
        if state != "FACTORY":
            rec = {"state": state, "secret": SECRET, "tid": 3, "ctr": 16, "hctr": 8}
            rec.update(fields)
            self.store.put("activation", rec)


class _Host:
    """Stands in for net.post: records what was sent and answers with `reply(request)`."""

    def __init__(self, term, reply):
        self.term = term
        self.reply = reply
        self.sent = []

    async def post(self, term, path, data):
        request = json.loads(b"".join(data) if type(data) is list else data)
        saved = Store(term.store._flash).get("activation")  # what is on flash right now
        self.sent.append((path, request, saved["ctr"]))
        status, doc = self.reply(path, request)
        return status, doc if type(doc) is bytes else json.dumps(doc).encode()


def _signed(path, request, body, ctr=9, tid=None, status=200):
    tid = request["tid"] if tid is None else tid
    text = json.dumps(body)
    mac = net._mac(unhexlify(SECRET), "H2T", path, tid, ctr, request["ctr"], text)
    return status, {"tid": tid, "ctr": ctr, "re": request["ctr"], "body": text, "mac": mac}


def _call(term, reply, path="/v1/ping", body=None, **fields):
    host = _Host(term, reply)
    saved = net.post
    net.post = host.post
    try:
        result = run(net.call(term, path, body or {}, **fields))
    except net.NetError as e:
        result = e
    finally:
        net.post = saved
    return result, host


def test_macs_match_the_protocol_vectors():
    secret = unhexlify(SECRET)
    body = '{"merchant":"M1001","serial":"SN0001","terminal":"T01"}'
    assert net._mac(secret, "T2H", "/v1/activate", 0, 1, 0, body) == (
        "0f3c573bba88d10c313528a928921d19f613fddee10c3737805cfaca71ff3378"
    )
    assert net._mac(secret, "T2H", "/v1/ping", 3, 17, 0, "{}") == (
        "284ede8bc52f04b4173a720c584b12844dfc577f63942dd2c3a07c21cdafa605"
    )
    assert net._mac(secret, "H2T", "/v1/ping", 3, 9, 17, '{"status":"ok","time":1700000000}') == (
        "921e4ed9f1864bffbd6f6028ac26c1a4dbbe09a43c837a84627b2d39a31a76f7"
    )


def test_the_counter_is_saved_before_the_request_leaves_and_a_good_reply_is_believed():
    term = _Term("good")
    result, host = _call(term, lambda p, r: _signed(p, r, {"status": "ok", "time": 5}))
    assert result == (200, {"status": "ok", "time": 5}, True)
    path, request, saved_ctr = host.sent[0]
    assert (path, request["tid"], request["ctr"], saved_ctr) == ("/v1/ping", 3, 17, 17)
    assert request["body"] == "{}"
    assert request["mac"] == net._mac(unhexlify(SECRET), "T2H", "/v1/ping", 3, 17, 0, "{}")
    assert get(term.store)["hctr"] == 9  # in memory now, on flash with the next write
    # the next request has the next counter, and a reply must be newer than the last
    result, host = _call(term, lambda p, r: _signed(p, r, {"status": "ok"}, ctr=10))
    assert host.sent[0][1]["ctr"] == 18 and result[2]
    assert Store(term.store._flash).get("activation")["hctr"] == 9


def test_fields_go_in_the_same_write_as_the_counter():
    term = _Term("fields", "TEST_TXN", key="K1", stage="new")
    result, host = _call(term, lambda p, r: _signed(p, r, {"status": "ok"}), stage="sent")
    assert Store(term.store._flash).get("activation")["stage"] == "sent"
    assert term.board.reported == ["TEST_TXN"]


def test_replies_that_do_not_verify_are_refused():
    def bad_mac(p, r):
        status, doc = _signed(p, r, {"status": "ok"})
        doc["mac"] = doc["mac"][:-1] + ("0" if doc["mac"][-1] != "0" else "1")
        return status, doc

    def other_path(p, r):
        return _signed("/v1/status", r, {"status": "ok"})

    cases = [
        (bad_mac, "reply-forged"),
        (other_path, "reply-forged"),
        (lambda p, r: _signed(p, r, {"status": "ok"}, tid=4), "reply-forged"),
        (lambda p, r: (200, b"<html>"), "reply-forged"),
        (lambda p, r: (200, [1, 2]), "reply-forged"),
        (lambda p, r: (200, {"tid": 3, "ctr": 9, "body": "{}", "mac": "00"}), "reply-forged"),
        (lambda p, r: _signed(p, dict(r, ctr=r["ctr"] - 1), {"status": "ok"}), "reply-replayed"),
        (lambda p, r: _signed(p, r, {"status": "ok"}, ctr=8), "reply-replayed"),
    ]
    for reply, reason in cases:
        term = _Term("refused")
        result, host = _call(term, reply)
        assert isinstance(result, net.NetError) and result.args[0] == reason, (reason, result)
        rec = get(term.store)
        assert rec["state"] == "APPROVED" and rec["hctr"] == 8 and rec["ctr"] == 17


def test_a_body_that_is_not_a_json_object_is_refused_even_with_a_good_mac():
    term = _Term("body")

    def reply(p, r):
        text = "[1]"
        mac = net._mac(unhexlify(SECRET), "H2T", p, 3, 9, r["ctr"], text)
        return 200, {"tid": 3, "ctr": 9, "re": r["ctr"], "body": text, "mac": mac}

    result, _ = _call(term, reply)
    assert result.args[0] == "reply-forged"


def test_unsigned_errors_come_back_marked_unsigned():
    term = _Term("unsigned")
    result, _ = _call(term, lambda p, r: (401, {"error": "bad-mac", "detail": "x"}))
    assert result == (401, {"error": "bad-mac", "detail": "x"}, False)
    assert get(term.store)["state"] == "APPROVED"


def test_activation_takes_the_terminal_id_the_host_assigns():
    term = _Term("activate", "CODE_SUBMITTED", tid=0, hctr=0)
    body = {"status": "pending", "tid": 7}
    result, host = _call(term, lambda p, r: _signed(p, r, body, ctr=1, tid=7), "/v1/activate")
    assert host.sent[0][1]["tid"] == 0
    assert result == (200, body, True)


def test_a_revoked_reply_deactivates_and_wipes_the_secret():
    term = _Term("revoked", "ACTIVE")
    body = {"error": "revoked", "reason": "stolen"}
    result, _ = _call(term, lambda p, r: _signed(p, r, body, status=403))
    assert result.args[0] == "revoked"
    rec = Store(term.store._flash).get("activation")
    assert rec["state"] == "DEACTIVATED" and rec["reason"] == "stolen"
    assert "secret" not in rec
    assert term.board.reported[-1] == "DEACTIVATED"


def test_a_counter_behind_the_host_catches_up_once():
    term = _Term("behind")

    def reply(p, r):
        if r["ctr"] <= 40:
            return _signed(p, r, {"error": "stale-counter", "last_ctr": 40}, status=409)
        return _signed(p, r, {"status": "ok"}, ctr=10)

    result, host = _call(term, reply)
    assert [sent[1]["ctr"] for sent in host.sent] == [17, 41]
    assert result == (200, {"status": "ok"}, True)


async def _serve(answer):
    """A one-shot HTTP server on loopback: answers every connection with `answer` bytes."""
    got = []

    async def client(reader, writer):
        got.append(await reader.read(2048))
        if answer:
            writer.write(answer)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    for _ in range(20):  # MicroPython's server cannot say which port 0 became: pick one
        port = 20000 + int.from_bytes(os.urandom(2), "big") % 40000
        try:
            return await asyncio.start_server(client, "127.0.0.1", port), port, got
        except OSError:
            pass
    raise OSError("no free port")


def _post(answer, up=True):
    term = _Term("http", "FACTORY")
    term.board.net.up = up

    async def go():
        server, port, got = await _serve(answer)
        term.config["host"] = "127.0.0.1:%d" % port
        try:
            return await net.post(term, "/v1/ping", b'{"a":1}'), got
        except net.NetError as e:
            return e.args[0], got
        finally:
            server.close()
            await server.wait_closed()

    return run(go())


def test_http_post_writes_the_request_by_hand_and_reads_the_reply_to_eof():
    (status, body), got = _post(
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )
    assert (status, body) == (403, b"{}")
    request = got[0]
    assert request.startswith(b"POST /v1/ping HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"Content-Length: 7\r\nConnection: close\r\n\r\n" in request
    assert request.endswith(b'\r\n\r\n{"a":1}')


def test_http_failures_have_their_reasons():
    assert _post(b"garbage")[0] == "reply-forged"
    # accepted, then hung up without a word: the request may have been acted on
    assert _post(b"")[0] == "reply-lost"
    assert _post(b"HTTP/1.1 200 OK\r\n\r\n{}", up=False)[0] == "network-down"


def test_nobody_listening_is_host_silent():
    term = _Term("refused-port", "FACTORY")
    term.config["host"] = "127.0.0.1:1"  # a privileged port nothing here serves

    async def go():
        try:
            await net.post(term, "/v1/ping", b"{}")
        except net.NetError as e:
            return e.args[0]

    assert run(go()) == "host-silent"
