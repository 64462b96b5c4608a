# The terminal's conversation with the host (docs/host.md): one HTTP/1.1 POST per TCP
# connection, written by hand and read to EOF under one deadline, carrying signed envelopes.
# A request's counter is saved before it leaves, so no counter is ever sent twice; a reply is
# believed only when its MAC verifies with our secret, it names our terminal, answers this
# very request (re) and is newer than every reply accepted before (ctr).
import json

from compat import asyncio, hexlify, hmac_sha256, unhexlify, wait_for_ms
from firmware.activation import get, move


class NetError(Exception):
    # args[0], a catalogue key after "err-": "network-down" (no link: cable out, no Wi-Fi),
    # "host-silent" (nothing answers at the host's address), "host-timeout", "reply-forged"
    # (not HTTP, not a JSON object, or a signed reply that does not verify), "reply-replayed"
    # (a verified reply to another or an older request), "host-refused" (an error the host
    # did not sign), "revoked" (the host deactivated this terminal), "reply-lost" (the request
    # went out and the connection broke before a reply). Only "network-down" and "host-silent"
    # prove the request never reached the host: a sale may then go offline; after any other
    # the host may have acted on it. Reasons are longer than
    # 10 characters where they can be: shorter literals become permanent interned strings.
    pass


async def post(term, path, data):
    """POST `data` (bytes, or a list of bytes sent in turn) to config "host" (HOST:PORT) →
    (HTTP status, body bytes)."""
    if not term.board.net.is_up():
        raise NetError("network-down")  # at once: waiting will not plug the cable in
    host = term.config.get("host", "")
    name, _, port = host.rpartition(":")
    try:
        conn = await wait_for_ms(asyncio.open_connection(name, int(port)), 4000)
    except (OSError, ValueError, asyncio.TimeoutError):
        raise NetError("host-silent")  # nothing was sent
    try:
        return await wait_for_ms(_exchange(conn, host, path, data), 8000)
    except asyncio.TimeoutError:
        raise NetError("host-timeout")
    except OSError as e:
        # MicroPython's open_connection returns before the handshake ends: a refused or
        # unreachable host shows up at the first write. ECONNREFUSED, EHOSTUNREACH (the same
        # numbers on Linux and in lwIP): no connection, so nothing was sent.
        raise NetError("host-silent" if e.args[:1] in ((111,), (113,)) else "reply-lost")
    except ValueError:
        raise NetError("reply-lost")


async def _exchange(conn, host, path, data):
    reader, writer = conn
    head = None
    body = b""
    if type(data) is not list:
        data = [data]
    n = 0
    for d in data:
        n += len(d)
    try:
        writer.write(
            (
                "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, host, n)
            ).encode()
        )
        for d in data:  # drained piece by piece: the stream never buffers the whole body
            writer.write(d)
            await writer.drain()
        # Small reads, and the headers dropped once past them: no allocation much larger than
        # the reply's body, on a heap where large free blocks are rare. A reply is at most
        # 4 KiB or, for a batch (a result per record), as long as the request.
        most = max(4096, n)
        while len(body) < most:
            chunk = await reader.read(128 if most == 4096 else 1024)
            if not chunk:
                break
            body += chunk
            if head is None and b"\r\n\r\n" in body:
                head, _, body = body.partition(b"\r\n\r\n")
    finally:
        writer.close()  # CPython closes here; on MicroPython wait_closed() does
        try:
            await writer.wait_closed()
        except OSError:
            pass
    if head is None and not body:
        raise OSError  # accepted and hung up without a word: nobody is serving there
    try:
        if head is None or not head.startswith(b"HTTP/1.") or len(body) >= most:
            raise ValueError
        return int(head[9:12]), body
    except ValueError:
        raise NetError("reply-forged")


def _mac(secret, direction, path, tid, ctr, re, body):
    # body: the JSON text, or a list of the pieces it is made of
    head = "pos1\n%s\n%s\n%d\n%d\n%d\n" % (direction, path, tid, ctr, re)
    return hexlify(hmac_sha256(secret, [head] + (body if type(body) is list else [body])))


def _verify(secret, path, tid, doc):
    """The reply body (a dict) if the envelope's MAC verifies and it names this terminal."""
    rtid = doc["tid"]
    good = _mac(secret, "H2T", path, rtid, doc["ctr"], doc["re"], doc["body"])
    mac = doc["mac"]
    diff = len(good) ^ len(mac)
    for i in range(min(len(good), len(mac))):  # in time that does not tell where they differ
        diff |= ord(good[i]) ^ ord(mac[i])
    if diff or (rtid != tid and path != "/v1/activate"):
        raise ValueError
    reply = json.loads(doc["body"])
    reply.get("status")  # a JSON object
    return reply


async def call(term, path, body, **fields):
    """Send `body` signed to `path` → (HTTP status, reply dict, signed). `body`: a dict, or
    a list of str whose concatenation is its JSON text (a batch, which then never exists in
    one piece: signed and sent piece by piece). The new counter is saved first, in one
    write with `fields` (and `state`, to move there). Raises NetError when nothing usable
    came back; a verified reply saying the terminal is revoked deactivates it first."""
    rec = get(term.store)
    ctr = rec.get("ctr", 0) + 1
    rec = move(term, fields.pop("state", rec["state"]), ctr=ctr, **fields)
    secret = unhexlify(rec["secret"])
    tid = rec.get("tid", 0)
    parts = body if type(body) is list else [json.dumps(body)]
    # the envelope {"tid", "ctr", "mac", "body"}: the body a JSON string, escaped (json.dumps
    # less its quotes) in runs of pieces up to 1 KiB: few calls, and no large block of heap
    data = [('{"tid": %d, "ctr": %d, "mac": "%s", "body": "' % (tid, ctr, _mac(
        secret, "T2H", path, tid, ctr, 0, parts))).encode()]  # fmt: skip
    run = ""
    for i in range(len(parts)):
        run += parts[i]
        if len(run) > 1024 or i == len(parts) - 1:
            data.append(json.dumps(run)[1:-1].encode())
            run = ""
    data.append(b'"}')
    status, raw = await post(term, path, data)
    try:
        doc = json.loads(raw)
        if "mac" not in doc:
            doc.get("error")  # unsigned: a JSON object, believed only as far as shown
            return status, doc, False
        reply = _verify(secret, path, tid, doc)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise NetError("reply-forged")
    if doc["re"] != ctr or doc["ctr"] <= rec.get("hctr", 0):
        raise NetError("reply-replayed")
    # Kept in memory and saved with the next write: `re` already ties a reply to a counter that
    # is never reused, so the high-water mark on flash may lag one exchange behind.
    rec["hctr"] = doc["ctr"]
    if "revoked" in (reply.get("error"), reply.get("status")):
        move(term, "DEACTIVATED", reason=reply.get("reason"), secret=None, key=None, stage=None)
        raise NetError("revoked")
    if status == 409 and ctr <= reply.get("last_ctr", 0):
        # Our counter went backwards (flash restored from a backup): catch up and send again.
        rec["ctr"] = reply["last_ctr"]
        return await call(term, path, body, **fields)
    return status, reply, True
