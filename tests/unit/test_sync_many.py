# 120 records waiting: the forwarder (firmware/pos/sync.py) sends them in batches of at most
# 50, fewer where the heap has room for less. (Alone in its module: the 64 KiB heap.)
import gc

from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _ids, _Term


def test_120_records_go_in_batches_of_50_50_20():
    term = _Term("many")
    j = term.journal
    for i in range(120):
        j.void(i, i, i, offline=True)  # the smallest records (int ids, keys): a small heap
    host = _Host(keep=False)
    sync = Sync(term, call=host.call)
    run(sync.once())
    assert _ids(j) == [] and sync.sent == 120 and sync.state == "idle"
    sizes = [b[0] for b in host.batches]
    first = 0
    for n, lo, hi in host.batches:  # in order, none left out, none twice
        assert (lo, hi) == (first, first + n - 1)
        first += n
    if hasattr(gc, "mem_free"):  # MicroPython: what a 64 KiB heap has room for, at most 50
        assert first == 120 and max(sizes) <= 50 and len(sizes) >= 3, sizes
    else:
        assert sizes == [50, 50, 20]
