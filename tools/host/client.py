# A CPython reference client for the terminal side of the protocol (docs/host.md), used by the
# host's tests. It speaks HTTP the way the firmware will: one request per connection, written
# by hand on a plain socket, the reply read to EOF.
import json
import socket
from urllib.parse import urlsplit

from tools.host import proto
from tools.host.pinblock import build as pin_block  # pin_block(secret, pan, pin, rand=None)


class ReplyError(Exception):
    """A host reply that does not verify: wrong MAC, wrong terminal, old counter, not ours."""


class Answer:
    def __init__(self, http, body, signed):
        self.http = http  # HTTP status code
        self.body = body  # dict: the verified body when signed, else the plain JSON error
        self.signed = signed

    def __repr__(self):
        return "Answer(%d, %r, signed=%s)" % (self.http, self.body, self.signed)


def http_post(url, path, data, content_type="application/json", timeout=5.0):
    """POST data (bytes) to url + path → (status, headers dict, body bytes)."""
    return http_request(url, "POST", path, data, content_type, timeout)


def http_request(url, method, path, data=b"", content_type="application/json", timeout=5.0):
    parts = urlsplit(url)
    head = (
        "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
        "Connection: close\r\n\r\n" % (method, path, parts.netloc, content_type, len(data))
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as s:
        s.sendall(head.encode() + data)
        chunks = []
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks))


def parse_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return status, headers, body


class Terminal:
    """One terminal's side: its identity, secret and both counters."""

    def __init__(self, url, merchant, serial, terminal, timeout=5.0):
        self.url = url
        self.merchant = merchant
        self.serial = serial
        self.terminal = terminal
        self.timeout = timeout
        self.secret = None
        self.tid = 0
        self.ctr = 0  # last counter this terminal sent
        self.host_ctr = 0  # last counter it accepted from the host

    def envelope(self, path, body, ctr=None, secret=None):
        """The next request envelope (uses up a counter unless ctr is given)."""
        if ctr is None:
            self.ctr += 1
            ctr = self.ctr
        return proto.request(secret or self.secret, path, self.tid, ctr, body)

    def send(self, path, envelope_or_bytes):
        """POST without any checks → (status, parsed JSON or raw bytes when not JSON)."""
        data = envelope_or_bytes
        if not isinstance(data, (bytes, bytearray)):
            data = json.dumps(data).encode()
        status, _, raw = http_post(self.url, path, data, timeout=self.timeout)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def activate(self, code):
        secret = proto.derive_secret(code, self.serial)
        body = {"merchant": self.merchant, "serial": self.serial, "terminal": self.terminal}
        self.tid = 0
        env = self.envelope("/v1/activate", body, secret=secret)
        status, doc = self.send("/v1/activate", env)
        if not (isinstance(doc, dict) and "mac" in doc):
            return self._answer("/v1/activate", env, status, doc)
        # The reply names the identity the host gave this terminal; keep it only if it verifies.
        self.secret, self.tid = secret, doc.get("tid")
        try:
            return self._answer("/v1/activate", env, status, doc)
        except ReplyError:
            self.secret, self.tid = None, 0
            raise

    def call(self, path, body):
        env = self.envelope(path, body)
        status, doc = self.send(path, env)
        return self._answer(path, env, status, doc)

    def _answer(self, path, env, status, doc):
        if not isinstance(doc, dict):
            raise ReplyError("reply is not a JSON object: %r" % (doc,))
        if "mac" not in doc:
            return Answer(status, doc, False)
        self.check(path, env["ctr"], doc)
        return Answer(status, json.loads(doc["body"]), True)

    def check(self, path, sent_ctr, doc):
        """Verify a signed reply exactly as the terminal must; raise ReplyError if it fails."""
        try:
            tid, ctr, re, body, mac = (doc[k] for k in ("tid", "ctr", "re", "body", "mac"))
        except KeyError as e:
            raise ReplyError("reply lacks %s" % e)
        if self.secret is None or tid != self.tid:
            raise ReplyError("reply for terminal %r, not %r" % (tid, self.tid))
        if not proto.mac_ok(self.secret, proto.TO_TERMINAL, path, tid, ctr, re, body, mac):
            raise ReplyError("reply MAC does not verify")
        if re != sent_ctr:
            raise ReplyError("reply answers request %r, not %r" % (re, sent_ctr))
        if ctr <= self.host_ctr:
            raise ReplyError("reply counter %r is not above %r" % (ctr, self.host_ctr))
        self.host_ctr = ctr

    def status(self):
        return self.call("/v1/status", {})

    def ping(self):
        return self.call("/v1/ping", {})

    def auth(
        self,
        key,
        amount,
        pan,
        exp="3012",
        currency="EUR",
        method="insert",
        kind="sale",
        account=None,
        pb=None,
        member=None,
    ):
        """account "credit"|"debit", pb the hex PIN block (pin_block()), member: sent if given."""
        body = {"key": key, "amount": amount, "currency": currency, "pan": pan, "exp": exp}
        body.update(method=method, kind=kind)
        for name, value in (("account", account), ("pb", pb), ("member", member)):
            if value is not None:
                body[name] = value
        return self.call("/v1/auth", body)

    def pin_block(self, pan, pin, rand=None):
        return pin_block(self.secret, pan, pin, rand)

    def reverse(self, key):
        return self.call("/v1/reverse", {"key": key})

    def batch(self, records):
        return self.call("/v1/batch", {"records": records})

    def settle(self, batch, sales, refunds=(0, 0), voids=(0, 0), cash=(0, 0)):
        """The Z report's figures, each (count, amount) → the host's verdict."""
        body = {"batch": batch, "sales": list(sales), "refunds": list(refunds)}
        body.update(voids=list(voids), cash=list(cash))
        return self.call("/v1/settle", body)
