# Journal benchmarks (CPython, host disk): durable appends per second against SQLite (WAL,
# synchronous=FULL, one row per transaction) in the same run on the same disk, and boot
# recovery at 100k records: checkpoint + tail against a full replay.
#   python -m tools.bench_journal [--dir DIR] [-n APPENDS] [--records N]
# Also the disk's ceilings: a bare write + fsync loop per record, growing a file and
# overwriting a zero-filled one.
import argparse
import json
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _p in (ROOT, os.path.join(ROOT, "lib")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from binascii import crc32  # noqa: E402

from compat import compact_json  # noqa: E402
from firmware.boards.pi import PiBoard  # noqa: E402
from firmware.flash import Flash  # noqa: E402
from firmware.journal import history  # noqa: E402
from firmware.journal import journal as _journal_mod  # noqa: E402
from firmware.journal.journal import Journal  # noqa: E402


class _Clock:
    def __init__(self):
        self.t = 1764100000

    def time(self):
        return self.t


def _sale_records(n):
    """n journal records as a terminal writes them: PENDING then APPROVED (offline), with a
    SYNCED every 20 sales so the unsynced index stays what a connected terminal has."""
    out = []
    sale = 0
    while len(out) < n:
        sale += 1
        sid = "T1-%08d" % sale
        key = "k-%s-%08x" % (sid, sale * 2654435761 % 2**32)
        out.append({"t": "P", "id": sid, "amt": 1000 + sale % 5000, "m": "tap", "k": key})
        out[-1]["l4"] = "4242"
        out.append({"t": "A", "id": sid, "auth": "OFFLINE", "off": 1})
        if sale % 20 == 0:
            ids = ["T1-%08d" % i for i in range(sale - 19, sale + 1)]
            out.append({"t": "S", "ids": ids})
    return out[:n]


def _append_all(j, recs, state=None):
    """Write `recs` as a terminal does: sale records with append(), each SYNCED marker with
    history.mark_synced() given what a sync pass read (each sale's seq and amount). `state`
    carries that knowledge between calls on one journal."""
    state = {} if state is None else state
    for rec in recs:
        t = rec["t"]
        if t == "S":
            ids = [i for i in rec["ids"] if type(state.get(i)) is bytes]
            history.mark_synced(j, ids, b"".join([state.pop(i) for i in ids]))
            continue
        seq = j.append(dict(rec))
        if t == "P":
            state[rec["id"]] = rec["amt"]
        elif t == "A":
            state[rec["id"]] = struct.pack(">II", seq, state[rec["id"]])
    return state


# the layouts: the ESP32's and the simulator's (appending to 16 KiB segments on littlefs), and
# the Raspberry Pi board's (big zero-filled segments, rarer checkpoints: firmware/pos/till.py)
DEVICE = {"segment_bytes": 16384, "checkpoint_every": 64, "preallocate": False}
PI = PiBoard.journal_layout


def _journal_rate(path, recs, layout):
    shutil.rmtree(path, ignore_errors=True)
    j = Journal(Flash(path), _Clock(), **layout)
    j.open()
    t = time.perf_counter()
    _append_all(j, recs)
    dt = time.perf_counter() - t
    j.close()
    return len(recs) / dt


def _disk_rate(path, recs, overwrite):
    """What the disk allows: one write + fsync per record and nothing else, appending to a
    growing file or overwriting a zero-filled one (what a preallocated segment does)."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    name = os.path.join(path, "bare")
    bodies = [json.dumps(r, separators=(",", ":")).encode() for r in recs]
    if overwrite:
        with open(name, "wb") as f:
            f.write(bytes(sum(len(b) for b in bodies)))
            f.flush()
            os.fsync(f.fileno())
    sync = getattr(os, "fdatasync", os.fsync)
    with open(name, "r+b" if overwrite else "ab", buffering=0) as f:
        t = time.perf_counter()
        for body in bodies:
            f.write(body)
            sync(f.fileno())
        dt = time.perf_counter() - t
    return len(recs) / dt


def _floor_rate(path, recs):
    """The least a journal written in Python must do for a record: encode it (JSON, the
    fastest way the runtime has), frame it (head, CRC32), write it in one call and fdatasync
    it, into a zero-filled file: the floor of any Python journal on this disk, with none of
    the checks, index or limits."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    name = os.path.join(path, "floor")
    with open(name, "wb") as f:
        f.write(bytes(256 * len(recs)))
        f.flush()
        os.fsync(f.fileno())
    sync = getattr(os, "fdatasync", os.fsync)
    with open(name, "r+b", buffering=0) as f:
        t = time.perf_counter()
        for seq, rec in enumerate(recs):
            payload = compact_json(rec).encode()
            head = struct.pack(">BHI", 0xD5, len(payload), seq)
            f.write(head + payload + struct.pack(">I", crc32(payload, crc32(head))))
            sync(f.fileno())
        dt = time.perf_counter() - t
    return len(recs) / dt


def _sqlite_rate(path, recs):
    """The same records as a SQLite journal keeps them: each encoded as the journal encodes
    it (both are handed a record, not its bytes) and inserted as a row, a transaction each."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    db = sqlite3.connect(os.path.join(path, "journal.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE journal (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    t = time.perf_counter()
    for rec in recs:
        db.execute("BEGIN")
        db.execute("INSERT INTO journal (body) VALUES (?)", (compact_json(rec).encode(),))
        db.execute("COMMIT")
    dt = time.perf_counter() - t
    db.close()
    return len(recs) / dt


def _recovery(path, records, tail):
    """Boot times (s) with `records` on flash: checkpoint + a `tail`-record tail, and a full
    replay. Building the journal is not timed and skips fsync to keep the run short."""
    shutil.rmtree(path, ignore_errors=True)
    j = Journal(Flash(path), _Clock())
    j.open()
    real = _journal_mod.fsync
    _journal_mod.fsync = lambda f: f.flush()
    try:
        state = _append_all(j, _sale_records(records - tail))
    finally:
        _journal_mod.fsync = real
    j.checkpoint()
    _append_all(j, _sale_records(records)[records - tail :], state)
    j.close()
    segments = len([n for n in os.listdir(os.path.join(path, "journal")) if n.endswith(".seg")])
    t = time.perf_counter()
    fast = Journal(Flash(path), _Clock())
    rep = fast.open()
    t_ckpt = time.perf_counter() - t
    fast.close()
    t = time.perf_counter()
    full = Journal(Flash(path), _Clock())
    rep_full = full.open(replay=True)
    t_full = time.perf_counter() - t
    full.close()
    if rep["checkpoint"] != "used" or fast.summary() != full.summary():
        raise RuntimeError("checkpoint boot and full replay disagree")
    return {
        "records": records,
        "segments": segments,
        "checkpoint_boot_s": round(t_ckpt, 4),
        "checkpoint_boot_scanned": rep["scanned"],
        "full_replay_s": round(t_full, 3),
        "full_replay_scanned": rep_full["scanned"],
    }


def run(tmpdir, n=3000, records=100000, tail=50):
    """Measure in `tmpdir` (the disk under test); returns a dict of results. The append race
    writes what a terminal writes (_sale_records): PENDING, APPROVED, and the SYNCED marker
    of each 20 sales, so the unsynced index stays the size a terminal has (the offline
    limits stop one at 200 offline sales; docs/selling.md). SQLite gets the same records, a
    row and a transaction each."""
    recs = _sale_records(n)
    base = os.path.join(tmpdir, "bench-journal")
    # alternate the contenders so drift in the disk's speed hits them alike; best of 3
    rates = {"journal": [], "journal_pi": [], "sqlite": [], "append": [], "overwrite": []}
    rates["floor"] = []
    for _ in range(3):
        rates["sqlite"].append(_sqlite_rate(base + "-sqlite", recs))
        rates["journal"].append(_journal_rate(base + "-log", recs, DEVICE))
        rates["journal_pi"].append(_journal_rate(base + "-pre", recs, PI))
        rates["append"].append(_disk_rate(base + "-bare", recs, False))
        rates["overwrite"].append(_disk_rate(base + "-bare", recs, True))
        rates["floor"].append(_floor_rate(base + "-floor", recs))
    best = {k: max(v) for k, v in rates.items()}
    sqlite = best["sqlite"]
    out = {
        "appends": n,
        "journal_appends_per_s": round(best["journal"]),
        "journal_pi_layout_appends_per_s": round(best["journal_pi"]),
        "sqlite_wal_full_rows_per_s": round(sqlite),
        "ratio": round(best["journal"] / sqlite, 2),
        "ratio_pi_layout": round(best["journal_pi"] / sqlite, 2),
        # the ceilings: a bare write + fsync loop, growing a file (what the device
        # layout does) or overwriting zeros (the Pi layout's zero-filled segments)
        "disk_append_fsync_ratio": round(best["append"] / sqlite, 2),
        "disk_overwrite_fsync_ratio": round(best["overwrite"] / sqlite, 2),
        # and what Python itself allows on it: encode, frame, write, fdatasync (_floor_rate)
        "python_floor_ratio": round(best["floor"] / sqlite, 2),
        "recovery": _recovery(base + "-boot", records, tail),
    }
    for suffix in ("-sqlite", "-log", "-pre", "-bare", "-floor", "-boot"):
        shutil.rmtree(base + suffix, ignore_errors=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", default=None, help="directory on the disk under test")
    ap.add_argument("-n", type=int, default=3000, help="durable appends per contender")
    ap.add_argument("--records", type=int, default=100000, help="records for the boot test")
    args = ap.parse_args(argv)
    tmp = args.dir or tempfile.mkdtemp(prefix="bench-journal-", dir=ROOT)
    try:
        print(json.dumps(run(tmp, args.n, args.records), indent=2))
    finally:
        if not args.dir:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
