# What the harness adds for activation scripts: the loopback proxy that plays a recorded host
# reply back (`host replay`), `config KEY VALUE`, and their parsing.
import json
import socket
import socketserver
import threading

import pytest

from tools.sim.harness import Sim
from tools.sim.proxy import Proxy
from tools.sim.script import ScriptError, parse


class _Upstream(socketserver.ThreadingTCPServer):
    """A host stand-in: answers each request with a reply naming how many it has seen."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.requests = []
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.server_address[1]


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.request.recv(4096)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += self.request.recv(4096)
        self.server.requests.append(body)
        answer = json.dumps({"n": len(self.server.requests)}).encode()
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(answer) + answer
        )


def _post(address, body):
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return reply
            reply += chunk


def test_the_proxy_relays_and_plays_the_last_reply_back_once():
    upstream = _Upstream()
    proxy = Proxy(upstream.address)
    try:
        with pytest.raises(ValueError):
            proxy.replay()  # nothing relayed yet
        first = _post(proxy.address, b'{"a":1}')
        assert first.endswith(b'{"n": 1}')
        proxy.replay()
        assert _post(proxy.address, b'{"a":2}') == first  # byte for byte, host not asked
        assert upstream.requests == [b'{"a":1}']
        assert _post(proxy.address, b'{"a":3}').endswith(b'{"n": 2}')
        assert upstream.requests == [b'{"a":1}', b'{"a":3}']
        assert proxy.replayed == 1
    finally:
        proxy.close()
        upstream.shutdown()
        upstream.server_close()


def test_a_dead_host_behind_the_proxy_is_a_closed_connection():
    upstream = _Upstream()
    address = upstream.address
    upstream.shutdown()
    upstream.server_close()
    proxy = Proxy(address)
    try:
        assert _post(proxy.address, b"{}") == b""
    finally:
        proxy.close()


def test_config_changes_one_key_of_the_flash_config(tmp_path):
    sim = Sim("cpython", str(tmp_path / "flash"))
    try:
        sim.set_config("lockout_s", 8)
        with open(tmp_path / "flash" / "config.json") as f:
            config = json.load(f)
        assert config["lockout_s"] == 8
        assert config["hotline"] == "400-800-1234" and config["board"] == "sim"
    finally:
        sim.close()


def test_parse_config_and_host_replay():
    steps = parse("config lockout_s 8\nhost replay\nconfig hotline 555-0100\n", "p.sim")
    assert [(s.name, s.args) for s in steps] == [
        ("config", ["lockout_s", "8"]),
        ("host", ["replay"]),
        ("config", ["hotline", "555-0100"]),
    ]
    for bad in ("config lockout_s", "host replay now"):
        with pytest.raises(ScriptError) as e:
            parse(bad, "p.sim")
        assert "usage" in str(e.value)
