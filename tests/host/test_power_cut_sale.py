# A power cut at each step of a sale, at every write point of append, checkpoint and sync, on
# the real firmware process: it is frozen exactly at the point and killed, booted again, and
# then the flash journal and the host's database must agree: no approved sale lost, none
# sent twice, no money taken for a sale the terminal holds no approval of (docs/selling.md).
# Every point of every flow is cut (parametrised, not sampled) on CPython; on MicroPython the
# online card sale's and the offline sale's with its sync (MICROPYTHON_FLOWS): the others take
# the same journal and store code, and the whole suite must stay well under 15 min on 2 cores.
import json
import os
import sqlite3
import time

import pytest

from tests.host import cashier
from tools.sim.harness import Sim

APPEND = ("journal.append:start", "journal.append:torn", "journal.append:synced")
COUNTER = ("store.activation:torn", "store.activation:synced", "store.activation:renamed")
CKPT = ("journal.checkpoint:torn", "journal.checkpoint:synced", "journal.checkpoint:renamed")

# flow: (the cashier's steps, records on the journal before the first boot, the write points
# the flow passes in order). A new write point on a sale's path fails the trace test until it
# is added here, and then it is cut like the others.
FLOWS = {
    # P (the journal's first record starts a segment, so a checkpoint follows it), A (cash
    # approves itself: nothing to forward)
    "cash": (cashier.CASH, 0, APPEND + CKPT + APPEND),
    # P, checkpoint, the auth request's counter (saved before the request leaves), A
    "card": (cashier.CARD_SALE, 0, APPEND + CKPT + COUNTER + APPEND),
    # P, checkpoint, the counter (the request then fails at once: network down), A offline;
    # the network back, sync: the batch's counter, the SYNCED record
    "offline": (cashier.OFFLINE_THEN_SYNC, 0, APPEND + CKPT + COUNTER + APPEND + COUNTER + APPEND),
    # the card sale on a journal with 63 records and a checkpoint at the first: the sale's A
    # is the 64th record since, so the checkpoint falls due after it (checkpoint_every)
    "history": (cashier.CARD_SALE, 63, APPEND + COUNTER + APPEND + CKPT),
}
MICROPYTHON_FLOWS = ("card", "offline")  # cash and history: the same code paths


def _cases():
    cases = []
    for runtime in ("cpython", "micropython"):
        for flow, (_, _, points) in FLOWS.items():
            if runtime == "micropython" and flow not in MICROPYTHON_FLOWS:
                continue
            for i, point in enumerate(points):
                hit = points[: i + 1].count(point)
                cases.append(pytest.param(runtime, flow, i, id="%s-%s-%s-%d" % (
                    runtime, flow, point, hit)))  # fmt: skip
    return cases


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """One auto-approving host for the module: each test's terminal has its own serial."""
    from tools.host.process import HostProcess

    with HostProcess(str(tmp_path_factory.mktemp("host") / "host.sqlite"), "--auto-approve") as h:
        yield h
        assert "Traceback" not in h.log(), h.log()


def _prefill(flash, records):
    # cash sales (P, A) and a cash void: journaled as the firmware does, nothing to forward
    from firmware.flash import Flash
    from firmware.journal.journal import Journal

    j = Journal(Flash(flash))
    j.open()
    while j._next + 1 <= records:
        no = j._next
        j.begin(no, 100, "cash", "%08x-%d" % (no, no), cur="EUR", extra={"tnd": 100})
        j.approve(no, auth="CASH")
    if j._next <= records:
        j.void(j._next, no, "%08x-%d" % (no, no))
    j.close()
    assert j._next == records + 1


def _start(runtime, host, serial, prefill):
    """A terminal as a technician leaves it (Sim.provision, on the module's host), booted.
    Its flash is the Sim's own temporary directory, as for the scenario scripts: a path of
    one length whatever the test's name (under MicroPython every path the firmware builds
    is on its heap, and a device's flash root is just "/")."""
    from tools.sim.proxy import Proxy

    sim = Sim(runtime, None, {"serial": serial})
    sim.host = host
    sim.proxy = Proxy(host.url.split("//", 1)[1])
    try:
        sim.provision()
        if prefill:
            _prefill(sim.flash, prefill)
        sim.boot()
        _idle(sim)
    except BaseException:
        _close(sim)
        raise
    return sim


def _idle(sim):
    assert sim.wait_for(lambda: sim.on_screen("F1 Sale"), 20), (sim.rows, sim.tail(15))


def _close(sim):
    sim.host = None  # the module's host outlives this terminal
    sim.close()


def _journal(flash):
    """Every whole record on flash, oldest first, each with its "seq": read only (a torn
    last frame is not a record), so the flash stays exactly as the cut left it."""
    from firmware.flash import Flash
    from firmware.journal.history import decode, scan

    fl = Flash(flash)
    out = []
    names = sorted(n for n in os.listdir(os.path.join(flash, "journal")) if n.endswith(".seg"))
    for name in names:
        for _, seq, payload in scan(fl, int(name[:-4]), 0, -1, [], [0, None, 0]):
            rec = decode(payload)
            assert rec is not None, payload
            rec["seq"] = seq
            out.append(rec)
    return out


def _sales(records):
    # sale id -> its records' types in order (P, then A / D / X) and the last record
    out = {}
    for rec in records:
        if rec["t"] in "PADX":
            kinds, _ = out.get(rec["id"], ("", None))
            out[rec["id"]] = (kinds + rec["t"], rec)
    return out


def _unsynced(records):
    acked = set()
    for rec in records:
        if rec["t"] == "S":
            acked.update(rec["q"])
    return [
        r
        for r in records
        if r["seq"] not in acked and (r["t"] == "X" or (r["t"] in "AVR" and r.get("off")))
    ]


def _after_sync(sim, flash, timeout_s=30):
    """The journal once sync has forwarded everything (the host answered each record)."""
    deadline = time.monotonic() + timeout_s
    while True:
        records = _journal(flash)
        if not _unsynced(records):
            return records
        assert time.monotonic() < deadline, (
            "still unsynced after %d s: %r\n%s" % (timeout_s, _unsynced(records), sim.tail(15))
        )  # fmt: skip
        assert sim.running, sim.tail(20)
        time.sleep(0.1)


def _host(db, serial):
    """(auths as {key: (status, reversed_at, kind)}, sales keys in a list) of this terminal."""
    conn = sqlite3.connect(db)
    try:
        q = "SELECT %s FROM %s x JOIN terminals t ON t.id = x.tid WHERE t.serial = ?"
        auths = conn.execute(q % ("x.key, x.status, x.reversed_at, x.kind", "auths"), (serial,))
        auths = {key: row for key, *row in auths.fetchall()}
        sales = [k for (k,) in conn.execute(q % ("x.key", "sales"), (serial,)).fetchall()]
    finally:
        conn.close()
    return auths, sales


def test_write_points_are_the_ones_this_test_cuts(host):
    for flow, (steps, prefill, points) in FLOWS.items():
        sim = _start("cpython", host, "PS-TRACE-" + flow, prefill)
        try:
            sim.send(c="trace", on=True)
            assert cashier.ring_up(sim, steps)
            time.sleep(0.5)  # anything written after the last screen would show up here
            passed = tuple(name for kind, name in sim.log if kind == "point")
            assert passed == points, (flow, passed)
        finally:
            _close(sim)


@pytest.mark.parametrize("runtime,flow,index", _cases())
def test_power_cut_at_each_write_point_of_a_sale(runtime, flow, index, host):
    steps, prefill, points = FLOWS[flow]
    point = points[index]
    serial = "PS-%s-%s-%d" % (runtime[0], flow, index)
    sim = _start(runtime, host, serial, prefill)
    flash = sim.flash
    try:
        sim.arm_cut(point, points[: index + 1].count(point))
        assert not cashier.ring_up(sim, steps), "never reached the cut point"
        sim.power_cut()
        assert sim.cut_point == point
        at_cut = _journal(flash)
        sim.boot()
        _idle(sim)
        after = _after_sync(sim, flash)
        sim.power_cut()  # nothing writes while the flash is read below
        for sub in ("store", "journal"):
            left = [n for n in os.listdir(os.path.join(flash, sub)) if n.endswith(".tmp")]
            assert not left, (sub, left)
        with open(os.path.join(flash, "store", "cardkey.json")) as f:
            key = bytes.fromhex(json.load(f))
    finally:
        _close(sim)

    # The sale rung up: no record before its P was whole on flash, pending (so aborted at
    # boot) until its A was, approved from then on. The first and second synced appends of
    # every flow are its P and its A.
    synced = [i for i, p in enumerate(points) if p == "journal.append:synced"]
    no = prefill + 1
    before, now = _sales(at_cut), _sales(after)
    if index < synced[0]:
        want_cut, want_now = None, None
    elif index < synced[1]:
        want_cut, want_now = "P", "PX"
    else:
        want_cut, want_now = "PA", "PA"
    assert (before.get(no, (None,))[0], now.get(no, (None,))[0]) == (want_cut, want_now)

    # Boot changes nothing but pending sales, which it aborts: no sale lost, none made up.
    assert sorted(before) == sorted(now)
    for sid, (kinds, _) in before.items():
        assert now[sid][0] == (kinds + "X" if kinds == "P" else kinds), (sid, kinds, now[sid])
    assert len([r for r in after if r["t"] == "A"]) == len(now) - (want_now == "PX")

    # The host: an online approval for each approved card sale, one stored sale for each
    # offline one, and every aborted sale's key reversed (or blocked before its auth could
    # arrive): nothing charged that the terminal did not approve, nothing stored twice.
    auths, sales = _host(host.db, serial)
    online, offline, aborted = set(), [], set()
    for _, rec in now.values():
        if rec["t"] == "A" and rec["m"] != "cash":
            from firmware.journal.cardcrypt import decrypt_pan

            assert decrypt_pan(key, bytes.fromhex(rec["pe"])) == "%s=%s" % cashier.CARD
            (offline.append if rec["off"] else online.add)(rec["k"])
        elif rec["t"] == "X":
            aborted.add(rec["k"])
    charged = {k for k, (status, rev, kind) in auths.items() if status == "approved" and not rev}
    assert charged == online, (charged, online, auths)
    assert sorted(sales) == sorted(offline), (sales, offline)
    for k in aborted:
        assert k in auths, "the reversal of %s never reached the host" % k
        status, rev, _ = auths[k]
        assert status in ("blocked", "declined") or rev, (k, auths[k])
