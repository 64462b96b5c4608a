# Random sales, syncs and power cuts against a simple model (CPython only, hypothesis): after
# every reboot the journal offers the host exactly the records the model says it lacks.
import shutil
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.flash import Flash
from firmware.journal import history, lookup
from firmware.journal.journal import Journal
from tests.unit.helpers import VirtualClock


class _Cut(Exception):
    pass


class _Switch:
    """The flash's cut hook: once armed, the next record written is the one torn."""

    armed = False

    def __call__(self, name):
        if self.armed and name == "journal.append:synced":
            self.armed = False
            raise _Cut(name)


_op = st.one_of(
    st.tuples(st.just("sale"), st.integers(1, 5000), st.sampled_from(["off", "on", "decl"])),
    st.tuples(st.just("sync"), st.floats(0, 1)),
    st.tuples(st.just("cut_pending"), st.integers(1, 5000), st.floats(0, 1)),
    st.tuples(st.just("cut_outcome"), st.integers(1, 5000), st.booleans(), st.floats(0, 1)),
    st.tuples(st.just("cut_sync"), st.floats(0, 1)),
    st.tuples(st.just("reboot"), st.booleans()),
)


class _Model:
    def __init__(self):
        self.state = {}  # id -> "A" | "D" | "X"
        self.unsynced = {}  # id -> amount (0 for an aborted sale)
        self.offline = set()


def _tear(j, off, frac):
    # the power went while the frame at `off` was being written: keep a prefix of it (maybe
    # all); a preallocated segment keeps its zeros after that prefix
    path = j.flash.path("journal/%010d.seg" % j._firsts[-1])
    with open(path, "r+b") as f:
        f.seek(off + 1)
        n = 11 + int.from_bytes(f.read(2), "big")
        keep = int(round(n * frac))
        if j.preallocate:
            f.seek(off + keep)
            f.write(bytes(n - keep))
        else:
            f.truncate(off + keep)
    return keep == n


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_op, max_size=30), st.booleans())
def test_random_sales_syncs_and_cuts_match_the_model(ops, prealloc):
    root = tempfile.mkdtemp(prefix="pos-jprop-")
    clock = VirtualClock()
    kw = {"segment_bytes": 700, "checkpoint_every": 5, "preallocate": prealloc}
    model = _Model()
    n = [0]

    hook = _Switch()

    def journal():
        j = Journal(Flash(root, hook), clock, **kw)
        j.open()
        return j

    def new_id():
        n[0] += 1
        return "S%d" % n[0]

    try:
        j = journal()
        for op in ops:
            clock.advance(1000)
            kind = op[0]
            if kind == "sale":
                sid = new_id()
                j.begin(sid, op[1], "tap", "K-" + sid)
                if op[2] == "decl":
                    j.decline(sid, "51")
                    model.state[sid] = "D"
                else:
                    j.approve(sid, None if op[2] == "off" else "OK", op[2] == "off")
                    model.state[sid] = "A"
                    if op[2] == "off":
                        model.unsynced[sid] = op[1]
            elif kind == "sync":
                ids = sorted(model.unsynced)[: int(len(model.unsynced) * op[1])]
                history.mark_synced(j, ids)
                for sid in ids:
                    del model.unsynced[sid]
            elif kind in ("cut_pending", "cut_outcome", "cut_sync"):
                sid = new_id()
                if kind == "cut_outcome":
                    j.begin(sid, op[1], "tap", "K-" + sid)
                hook.armed = True
                try:
                    if kind == "cut_pending":
                        j.begin(sid, op[1], "tap", "K-" + sid)
                    elif kind == "cut_outcome":
                        j.approve(sid, None if op[2] else "OK", op[2])
                    else:
                        ids = sorted(model.unsynced)
                        history.mark_synced(j, ids)
                    assert not ids, "no cut"
                    hook.armed = False
                    continue
                except _Cut:
                    kept = _tear(j, j._off, op[-1])
                j.close()
                if kind == "cut_pending":
                    if kept:  # pending at boot: aborted, and the host is told
                        model.state[sid] = "X"
                        model.unsynced[sid] = 0
                elif kind == "cut_outcome":
                    model.state[sid] = "A" if kept else "X"
                    if not kept or op[2]:
                        model.unsynced[sid] = op[1] if kept else 0
                elif kept:
                    model.unsynced.clear()
                j = journal()
            else:
                j.close()
                j = Journal(Flash(root, hook), clock, **kw)
                j.open(replay=op[1])
            got = {r["id"]: r for r in history.unsynced(j)}
            assert set(got) == set(model.unsynced), (op, sorted(got), sorted(model.unsynced))
            sales = [a for sid, a in model.unsynced.items() if model.state[sid] == "A"]
            assert (j.summary()["count"], j.summary()["total"]) == (len(sales), sum(sales))
        for sid, st_ in model.state.items():
            got = lookup.find(j, sid)
            assert got is not None and got["t"] == st_, (sid, got, st_)
        j.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
