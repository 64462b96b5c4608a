# The update the host offers (docs/update.md): /v1/update-check says which, /v1/update-fetch
# gives it in parts, both in the signed envelope of docs/host.md, one exchange at a time
# (net_lock). The host only relays the package: install.py trusts the vendor's signature.
import gc

from compat import const
from firmware.maint.install import Refused, fmt

# Bytes per fetch: a part passes through several copies on its way in (the reply, the
# envelope's body, the MAC's input, the base64 text), each one allocation, so a heap with
# little room gets small parts; at most 2 KiB, for the signed reply to fit firmware/net's 4 KiB.
_SMALL = const(1024)
_LARGE = const(2048)
_ROOMY = const(49152)


class Host:
    """The package the host offers (/v1/update-check), fetched in parts (/v1/update-fetch)
    through the signed envelope of docs/host.md, one exchange at a time (net_lock)."""

    def __init__(self, term, version, size):
        self.term = term
        self.version = version
        self.size = size
        self.done = 0
        self._at = 0
        self._buf = b""

    async def read(self, n):
        if not self._buf and self._at < self.size:
            body = {"version": self.version, "board": self.term.config.get("board", "sim")}
            gc.collect()  # the last part's copies are garbage: free them before the next ones
            roomy = not hasattr(gc, "mem_free") or gc.mem_free() > _ROOMY
            body.update(format=fmt(), offset=self._at, size=_LARGE if roomy else _SMALL)
            reply = await ask(self.term, "/v1/update-fetch", body)
            from binascii import a2b_base64

            data = a2b_base64(reply.get("data") or "")
            if reply.get("offset") != self._at or not data:
                raise Refused("upd-host-refused")
            self._buf = data
            self._at += len(data)
        data = self._buf[:n]
        self._buf = self._buf[n:]
        self.done += len(data)
        return data

    def close(self):
        pass


async def ask(term, path, body):
    """One signed exchange with the host → its verified reply, or Refused."""
    from firmware.net import NetError, call

    if (term.store.get("activation") or {}).get("state") != "ACTIVE":
        raise Refused("upd-not-active")
    try:
        async with term.net_lock:
            status, reply, signed = await call(term, path, body)
    except NetError as e:
        raise Refused("err-" + e.args[0])
    if status != 200 or not signed:
        raise Refused("upd-host-refused")
    return reply


async def offered(term):
    """(version, size) of the update the host has for this terminal, or None."""
    body = {"version": term.VERSION, "board": term.config.get("board", "sim"), "format": fmt()}
    reply = await ask(term, "/v1/update-check", body)
    version = reply.get("version")
    return (version, reply.get("size", 0)) if version else None
