# Store-and-forward throughput (CPython, host disk): N offline card sales forwarded by the
# firmware's forwarder (firmware.pos.sync.Sync with firmware.net.call, the journal on disk)
# to a real host process, in batches of 50 against one request per record (batch size 1), in
# the same run against the same host: two terminals enrolled on it, one per way, each with
# its own journal of the same N sales. What is timed is the whole pass a terminal makes:
# reading the journal, the signed HTTP exchanges, the host's durable writes and the
# journal's SYNCED records.
#   python -m tools.bench.sync_bench [-n 200]
import asyncio
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for _p in (ROOT, os.path.join(ROOT, "lib")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

TARGET_RATIO = 20  # batching must forward at least this many times faster


class _Term:
    """What Sync and firmware.net use of the Terminal, around a real Store and Journal."""

    def __init__(self, root, url, client, n, batch):
        from compat import Clock
        from firmware.flash import Flash
        from firmware.journal.journal import Journal
        from firmware.store import Store

        flash = Flash(root)
        self.store = Store(flash)
        rec = {"state": "ACTIVE", "secret": client.secret.hex(), "tid": client.tid}
        rec.update(ctr=client.ctr, hctr=client.host_ctr)
        self.store.put("activation", rec)
        self.config = {
            "host": url.split("//")[1],
            "currency": "EUR",
            "sync_batch": batch,
            "sync_bytes": 48000,
        }
        self.clock = Clock()
        self.board = self.net = self
        self.net_lock = asyncio.Lock()
        self.journal = Journal(flash, self.clock, key=os.urandom(32))
        self.journal.open()
        for i in range(n):
            sid = "S%d" % i
            self.journal.begin(sid, 1000 + i, "credit", "b%d-%d" % (batch, i),
                               pan="4111111111111111=3012", cur="EUR")  # fmt: skip
            self.journal.approve(sid, offline=True)

    def is_up(self):
        return True


def _forward(term):
    """One pass of the forwarder → (seconds, seconds inside net.call, request sizes, records
    acknowledged)."""
    import firmware.net as net
    from firmware.pos.sync import Sync

    requests = []
    inside = [0.0]

    async def call(t, path, body):
        requests.append(len(body) - 1)  # the batch's JSON text in pieces: one a record
        start = time.perf_counter()
        try:
            return await net.call(t, path, body)
        finally:
            inside[0] += time.perf_counter() - start

    sync = Sync(term, call=call)
    start = time.perf_counter()
    asyncio.run(sync.once())
    took = time.perf_counter() - start
    if sync.state != "idle" or term.journal.summary()["unsynced"]:
        raise SystemExit("sync bench: pass failed (%s): %r" % (sync.last_error, requests))
    return took, inside[0], requests, sync.sent


def sync_batched(n=200, runs=3):
    """Records/s forwarding n offline sales in batches of 50 and one per request, same host,
    same run (best of `runs` each, alternating, each on fresh journals); the ratio against
    TARGET_RATIO. `host_share`: the part of the time spent waiting for net.call (HTTP, the
    host's work and its durable commit); the rest is the terminal's (journal reads, PAN
    decryption, SYNCED records)."""
    # As installed on a Pi (tools/install_pi.py byte-compiles the code): a module the
    # forwarder loads for a pass is read from bytecode, not compiled again each pass.
    pyc = tempfile.TemporaryDirectory(prefix="pos-bench-pyc-")
    saved = sys.dont_write_bytecode, sys.pycache_prefix
    sys.dont_write_bytecode, sys.pycache_prefix = False, pyc.name
    try:
        return _sync_batched(n, runs)
    finally:
        sys.dont_write_bytecode, sys.pycache_prefix = saved
        pyc.cleanup()


def _sync_batched(n, runs):
    # loaded before timing, so that neither way pays for first imports (and, loaded here,
    # the forwarder leaves them loaded: both ways run warm)
    import firmware.journal.cardcrypt  # noqa: F401
    import firmware.journal.history  # noqa: F401
    import firmware.net  # noqa: F401
    import firmware.pos.sync  # noqa: F401
    from tools.host.process import HostProcess, enrol

    out = {"records": n, "runs": runs}
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "host.sqlite")
        with HostProcess(db) as host:
            for run in range(runs):
                for batch in (200, 1):
                    name = "T%d-%d" % (batch, run)
                    client = enrol(host.url, db, "M1", "SN-" + name, name)
                    term = _Term(os.path.join(tmp, name), host.url, client, n, batch)
                    took, inside, requests, sent = _forward(term)
                    term.journal.close()
                    if sent != n:
                        raise SystemExit("sync bench: %d of %d acknowledged" % (sent, n))
                    if batch not in best or took < best[batch][0]:
                        best[batch] = (took, inside, requests)
            if not host.alive():
                raise SystemExit("sync bench: the host died: %s" % host.log())
    for batch, name in ((200, "batched"), (1, "single")):
        took, inside, requests = best[batch]
        out[name] = {
            "batch": batch,
            "requests": len(requests),
            "seconds": round(took, 4),
            "records_per_s": round(n / took, 1),
            "host_share": round(inside / took, 2),
        }
    out["ratio"] = round(out["batched"]["records_per_s"] / out["single"]["records_per_s"], 1)
    out["target_ratio"] = TARGET_RATIO
    out["ratio_vs_target"] = round(out["ratio"] / TARGET_RATIO, 2)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tools.bench.sync_bench")
    ap.add_argument("-n", type=int, default=200)
    print(json.dumps(sync_batched(ap.parse_args().n), indent=2))
