# The forwarder (firmware/pos/sync.py) with the firmware's own net.call against the real host
# process: offline sales stored exactly once, an aborted sale reversed, a void and a refund
# accepted, and a reply lost after the host committed resent without a second copy.
import asyncio
import sqlite3

import firmware.net as net
from compat import Clock
from firmware.flash import Flash
from firmware.journal import lookup
from firmware.journal.journal import Journal
from firmware.pos.sync import Sync
from firmware.store import Store
from tools.host.process import enrol

PAN = "4111111111111111=3012"
KEY = bytes(range(32))


class _Term:
    """What Sync and firmware.net use of the Terminal, around a real Store and Journal."""

    def __init__(self, root, url, client):
        flash = Flash(str(root))
        self.store = Store(flash)
        self.store.put(
            "activation",
            {"state": "ACTIVE", "secret": client.secret.hex(), "tid": client.tid,
             "ctr": client.ctr, "hctr": client.host_ctr},
        )  # fmt: skip
        self.config = {"host": url.split("//")[1], "currency": "EUR"}
        self.clock = Clock()
        self.board = self
        self.net = self
        self.net_lock = asyncio.Lock()
        self.journal = None
        self.reopen()

    def is_up(self):
        return True

    def reopen(self):
        # a reboot: recovery turns a sale left pending into an aborted one (X)
        if self.journal:
            self.journal.close()
        self.journal = Journal(self.store._flash, self.clock, key=KEY)
        self.journal.open()
        return self.journal


def query(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _sell(j, n, amount):
    sid = "S%d" % n
    j.begin(sid, amount, "credit", "key-%d" % n, pan=PAN, cur="EUR")
    j.approve(sid, offline=True)
    return sid


def _spy(replies, lose=False):
    async def call(term, path, body):
        status, reply, signed = await net.call(term, path, body)
        replies.append((status, reply, signed))
        if lose:  # the host committed; the reply never reaches the terminal
            raise net.NetError("host-timeout")
        return status, reply, signed

    return call


def test_forwarded_once_and_resent_after_a_lost_reply(host, db, tmp_path):
    client = enrol(host.url, db, "M1", "SN-SYNC1", "T1")
    term = _Term(tmp_path, host.url, client)
    j = term.journal
    for n in range(5):
        _sell(j, n, 1000 + n)
    j.begin("S5", 700, "credit", "key-5", pan=PAN, cur="EUR")
    j = term.reopen()
    j.void("V1", "S0", "key-0", offline=True)
    sale1 = lookup.find(j, "S1")
    j.append({"t": "R", "id": "R1", "ref": "S1", "rk": sale1["k"], "amt": 300, "k": "key-r1",
              "off": 1, "l4": "1111", "pe": sale1["pe"], "m": "credit",
              "em": "manual"})  # fmt: skip
    assert j.summary()["unsynced"] == 8

    replies = []
    sync = Sync(term, call=_spy(replies))
    assert asyncio.run(sync.once()) == 30000
    assert (sync.state, sync.last_error, sync.sent) == ("idle", None, 8)
    assert j.summary()["unsynced"] == 0 and j.summary()["count"] == 0
    [(status, reply, signed)] = replies
    assert (status, signed) == (200, True)
    got = [(r["key"], r["result"]) for r in reply["results"]]
    want = [("key-%d" % n, "stored") for n in range(5)]
    want += [("key-5", "not-found"), ("key-0", "voided"), ("key-r1", "stored")]
    assert got == want
    rows = query(db, "SELECT key, amount, voided_at IS NOT NULL FROM sales WHERE tid = ?"
                 " ORDER BY id", client.tid)  # fmt: skip
    assert rows == [("key-0", 1000, 1)] + [("key-%d" % n, 1000 + n, 0) for n in range(1, 5)]
    # the aborted sale: its key is blocked, so a late auth can never charge the card
    assert query(db, "SELECT status FROM auths WHERE tid = ? AND key = 'key-5'", client.tid) == [
        ("blocked",)
    ]
    assert query(db, "SELECT ref, amount FROM refunds WHERE tid = ?", client.tid) == [
        ("key-1", 300)
    ]

    # three more; the host commits them but the reply is lost: nothing is marked...
    for n in range(6, 9):
        _sell(j, n, 2000 + n)
    lost = []
    sync.call = _spy(lost, lose=True)
    asyncio.run(sync.once())
    assert (sync.state, sync.last_error, j.summary()["unsynced"]) == ("waiting", "host-timeout", 3)
    assert [r["result"] for r in lost[0][1]["results"]] == ["stored"] * 3
    # ...so the same records go again, and the host knows them
    again = []
    sync.call = _spy(again)
    asyncio.run(sync.once())
    assert (sync.state, sync.last_error, sync.sent, j.summary()["unsynced"]) == (
        "idle",
        None,
        11,
        0,
    )
    assert [(r["key"], r["result"]) for r in again[0][1]["results"]] == [
        ("key-%d" % n, "duplicate") for n in range(6, 9)
    ]
    keys = query(db, "SELECT key, COUNT(*) FROM sales WHERE tid = ? GROUP BY key", client.tid)
    assert sorted(keys) == [("key-%d" % n, 1) for n in (0, 1, 2, 3, 4, 6, 7, 8)]
    # every request took a new counter, saved before it left
    assert term.store.get("activation")["ctr"] == client.ctr + 3
    j.close()


def test_the_default_call_is_firmware_net(host, db, tmp_path):
    client = enrol(host.url, db, "M1", "SN-SYNC2", "T2")
    term = _Term(tmp_path, host.url, client)
    _sell(term.journal, 1, 500)
    sync = Sync(term)
    asyncio.run(sync.once())
    assert (sync.state, sync.sent, term.journal.summary()["unsynced"]) == ("idle", 1, 0)
    assert query(db, "SELECT key FROM sales WHERE tid = ?", client.tid) == [("key-1",)]
    term.journal.close()
