# The forwarder (firmware/pos/sync.py) against a fake host: what each journal record becomes
# on the wire. (The forwarder's tests are split over test_sync*.py, so that each module runs
# inside a 64 KiB MicroPython heap.)
from compat import hexlify
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import PAN, _Host, _ids, _offline, _reopen, _Term


def test_each_record_type_is_mapped_for_the_host():
    term = _Term("map", currency="GBP")
    j = term.journal
    _offline(j, "1", 1250, em="tap", mb="M77", cur="EUR")
    _offline(j, "2", 900, m="debit")
    j.begin("3", 500, "credit", "K-3", pan=PAN)
    j = _reopen(term)  # recovery aborts the pending sale 3: X
    j.void("4", "1", "K-1", offline=True)
    from firmware.journal import cardcrypt

    pe = hexlify(cardcrypt.encrypt_pan(j.key, "5555555555554444=2811"))
    j.append({"t": "R", "id": "5", "ref": "2", "rk": "K-2", "amt": 300, "k": "K-5", "off": 1,
              "l4": "4444", "pe": pe, "m": "debit", "em": "insert"})  # fmt: skip
    j.append({"t": "R", "id": "6", "amt": 100, "k": "K-6", "off": 1, "ref": "ghost"})
    host = _Host()
    sync = Sync(term, call=host.call)
    assert run(sync.once()) == 30000 and sync.state == "idle"
    # each record as "field=value …" sorted by field: the same text on both runtimes, and
    # literals far lighter than dicts on a small heap; @ is the journal's time stamp
    got = [" ".join(sorted("%s=%s" % (k, r[k]) for k in r)) for r in host.batches[0]]
    want = """account=credit amount=1250 currency=EUR exp=3012 key=K-1 member=M77 method=tap
        pan=4111111111111111 time=@ type=sale
    account=debit amount=900 currency=GBP exp=3012 key=K-2 method=manual pan=4111111111111111
        time=@ type=sale
    key=K-3 type=reverse
    key=K-1 time=@ type=void
    amount=300 currency=GBP exp=2811 key=K-5 method=insert pan=5555555555554444 ref=K-2
        time=@ type=refund
    amount=100 currency=GBP key=K-6 ref=None time=@ type=refund"""
    want = want.replace("@", str(term.clock.time())).replace("\n        ", " ").split("\n    ")
    assert got == want, got
    assert _ids(j) == [] and sync.sent == 6 and sync.last_error is None
