# Set-up shared by the forwarder's unit tests (test_sync*.py, both runtimes): a fake Terminal
# around a real Journal, and a fake /v1/batch that dedupes by key like the host. Light, so
# that each test module runs inside the 64 KiB heap: no firmware.net (a look-alike NetError
# instead), and history only once a pass has loaded it.
import json
import os

from compat import asyncio
from firmware.flash import Flash
from firmware.journal.journal import Journal
from firmware.overlay import unload
from tests.unit.helpers import VirtualClock

PAN = "4111111111111111=3012"
_OPEN = []  # the journal of the last _Term, closed by the next


def _journal(flash, clock):
    while _OPEN:
        _OPEN.pop().close()
    j = Journal(flash, clock, key=b"0123456789abcdef")
    _OPEN.append(j)
    j.open()
    unload("firmware.journal.upkeep")  # boot recovery goes once done, as at boot
    return j


class _Store(dict):
    def put(self, key, value):
        self[key] = value


class _Term:
    """The Terminal as the forwarder sees it; its own board and network link."""

    up = True

    def __init__(self, name, clock=None, **config):
        self.clock = clock or VirtualClock()
        # the pid fixed-width: a path's length moves what the 64 KiB heap holds where
        root = "/tmp/pos-unit-sync-%07d-%s" % (os.getpid() if hasattr(os, "getpid") else 0, name)
        try:
            for n in os.listdir(root + "/journal"):
                os.remove(root + "/journal/" + n)
        except OSError:
            pass
        self.journal = _journal(Flash(root), self.clock)
        self.store = _Store(activation={"state": "ACTIVE"})
        self.board = self.net = self
        self.config = config
        self.net_lock = asyncio.Lock()

    def is_up(self):
        return self.up


def _records(pieces):
    # The forwarder's batch, the pieces of its JSON text: '{"records": [' and the first
    # record, then ", " and a record each, then "]}". Parsed a record at a time, as the
    # small heap cannot hold the whole batch twice.
    out = []
    for i in range(len(pieces) - 1):
        out.append(json.loads(pieces[i][13:] if i == 0 else pieces[i][2:]))
    if "".join(pieces[:1])[:13] != '{"records": [' or pieces[-1] != "]}":
        raise AssertionError("not a batch: %r" % pieces[:1])
    return out


class _Host:
    """A fake /v1/batch: stores each (type, key) once, answers "duplicate" after; `fail`
    raises NetError before the host sees the batch, `lose` after it committed. keep=False
    (a small heap): batches are kept as [count, first key, last key], and every record is
    answered "voided" without being remembered."""

    def __init__(self, keep=True):
        self.keep = keep
        self.batches = []
        self.seen = {}
        self.fail = None
        self.lose = None
        self.answer = None  # (status, reply, signed) instead of results

    async def call(self, term, path, body):
        if not term.net_lock.locked():
            raise AssertionError("called without the lock")
        if self.fail:
            _fail(self.fail)
        recs = _records(body)
        if not self.keep:
            self.batches.append([len(recs), recs[0]["key"], recs[-1]["key"]])
            return 200, {"results": [{"result": "voided"}] * len(recs)}, True
        self.batches.append(recs)
        if self.answer:
            return self.answer
        out = []
        for r in recs:
            k = r["type"] + " " + r["key"]
            if k in self.seen:
                res = "duplicate"
            elif r["type"] == "sale" and "pan" not in r:
                res = "rejected"
            else:
                res = {"reverse": "not-found", "void": "voided"}.get(r["type"], "stored")
                self.seen[k] = 1
            out.append({"key": r["key"], "result": res})
        await asyncio.sleep(0)
        if self.lose:
            _fail(self.lose)
        return 200, {"results": out}, True


class NetError(Exception):
    # firmware.net's is told by its name: the forwarder's tests need not load that module
    pass


def _fail(why):
    raise NetError(why)


def _offline(j, sid, amount, m="credit", pan=PAN, **extra):
    j.begin(sid, amount, m, "K-" + sid, pan=pan, cur=extra.pop("cur", None))
    rec = {"t": "A", "id": sid, "auth": "OFFLINE", "off": 1}
    rec.update(extra)
    return j.append(rec)


def _reopen(term):
    # a reboot: the journal opened again, recovery turning pending sales into aborted ones
    j = term.journal = _journal(term.journal.flash, term.clock)
    return j


def _ids(j):
    from firmware.journal import history

    return [r["id"] for r in history.unsynced(j)]


def _synced_ids(j):
    # every id a SYNCED record names, in the order written
    from firmware.journal import history

    out = []
    for _, payload in history.frames(j, 0):
        rec = history.decode(payload)
        if rec and rec["t"] == "S":
            out += rec["ids"]
    return out
