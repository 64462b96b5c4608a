# A power cut at every write point of a whole activation, on both runtimes: the terminal is
# frozen exactly there and killed; after boot the record holds the old state or the new one
# (never garbage, no temp file left), and activation carries on from there to ACTIVE with no
# test sale left charged on the host.
import json
import os
import sqlite3

import pytest

from tests.host import technician
from tools.sim.harness import Sim

# Each write of the activation record in order, (state before, state after, test stage after);
# each write passes the points torn, synced and renamed (firmware/flash.py).
WRITES = [
    ("FACTORY", "PREPARED", None),  # the self-check passed
    ("PREPARED", "CREDENTIALS", None),  # merchant and terminal
    ("CREDENTIALS", "PASSWORD_SET", None),  # the technician password
    ("PASSWORD_SET", "CODE_SUBMITTED", None),  # the code's secret and the first counter
    ("CODE_SUBMITTED", "APPROVED", None),  # the host approved (auto-approve)
    ("APPROVED", "TEST_TXN", "new"),  # the test sale's idempotency key
    ("TEST_TXN", "TEST_TXN", "sent"),  # the auth's counter, with the stage
    ("TEST_TXN", "TEST_TXN", "sent"),  # the reversal's counter
    ("TEST_TXN", "TEST_TXN", "done"),  # authorised and reversed
    ("TEST_TXN", "ACTIVE", None),  # the slip printed
]
POINTS = ("torn", "synced", "renamed")
CASES = [(n, point) for n in range(len(WRITES)) for point in POINTS]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """One auto-approving host for the module: each test's terminal has its own serial."""
    from tools.host.process import HostProcess

    with HostProcess(str(tmp_path_factory.mktemp("host") / "host.sqlite"), "--auto-approve") as h:
        yield h


def _start(runtime, flash, host, serial):
    from tools.sim.proxy import Proxy

    sim = Sim(runtime, flash, {"serial": serial})
    sim.host = host
    sim.proxy = Proxy(host.url.split("//", 1)[1])
    sim.issue_code(technician.MERCHANT, technician.TERMINAL, "web")
    sim.boot()
    return sim


def _close(sim):
    sim.host = None  # the module's host outlives this terminal
    sim.close()


def _record(flash):
    with open(os.path.join(flash, "store", "activation.json")) as f:
        return json.load(f)


def test_write_points_are_the_ones_this_test_cuts(host, tmp_path):
    sim = _start("cpython", str(tmp_path / "flash"), host, "PC-TRACE")
    try:
        sim.send(c="trace", on=True)
        assert technician.activate(sim)
        expected = [("state", "FACTORY")]
        for _, new, _ in WRITES:
            expected += [("point", "store.activation:" + p) for p in POINTS]
            expected.append(("state", new))
        assert sim.log == expected
    finally:
        _close(sim)


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
@pytest.mark.parametrize("write,point", CASES, ids=["%d-%s" % case for case in CASES])
def test_cut_at_each_write_point_then_resume_to_active(runtime, write, point, host, tmp_path):
    flash = str(tmp_path / "flash")
    old, new, stage = WRITES[write]
    serial = "PC-%s-%d-%s" % (runtime, write, point)
    sim = _start(runtime, flash, host, serial)
    try:
        sim.arm_cut("store.activation:" + point, write + 1)
        assert not technician.activate(sim), "never reached the cut point"
        sim.power_cut()
        assert sim.cut_point == "store.activation:" + point
        # on flash: the new record only once it is renamed into place
        leftovers = os.listdir(os.path.join(flash, "store"))
        assert ("activation.json.tmp" in leftovers) == (point != "renamed")
        if point == "renamed":
            rec = _record(flash)
            assert (rec["state"], rec.get("stage")) == (new, stage)
            expected = new
        else:
            expected = old
            if write:  # the first write has no record before it
                assert _record(flash)["state"] == old
        sim.boot()
        assert sim.wait_for(lambda: sim.state == expected, 10), (sim.state, expected)
        assert "activation.json.tmp" not in os.listdir(os.path.join(flash, "store"))
        assert technician.activate(sim)
        assert sim.wait_for(lambda: sim.on_screen("Ready"), 5), sim.rows
    finally:
        _close(sim)
    # Whatever the cut interrupted, no test sale stays charged on the host.
    conn = sqlite3.connect(host.db)
    try:
        rows = conn.execute(
            "SELECT a.status, a.reversed_at FROM auths a JOIN terminals t ON t.id = a.tid "
            "WHERE t.serial = ? AND a.kind = 'test'",
            (serial,),
        ).fetchall()
    finally:
        conn.close()
    assert any(status == "approved" for status, _ in rows), rows
    assert all(reversed_at is not None for status, reversed_at in rows if status == "approved")
