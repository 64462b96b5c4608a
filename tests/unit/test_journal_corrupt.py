# Bad bytes in the middle of a segment: reported, skipped, and the records after them kept.

from firmware.journal import lookup
from tests.unit.journal_fixtures import _bytes, _flash, _ids, _journal, _segments, _sell


def _write(flash, name, data):
    with open(flash.path("journal/" + name), "wb") as f:
        f.write(data)


def test_corrupt_middle_record_is_reported_and_the_rest_recovered():
    flash = _flash("corrupt")
    j = _journal(flash, checkpoint_every=1000)
    j.open()
    offs = []
    for i in range(5):
        offs.append(j._off)
        _sell(j, "S%d" % i, 10 * (i + 1))
    j.checkpoint()
    j.close()
    seg = _segments(flash)[0]
    data = bytearray(_bytes(flash, seg))
    # the P record of S1 is seq 3, at offs[1]; flip one byte inside its payload
    data[offs[1] + 20] ^= 0x01
    _write(flash, seg, bytes(data))
    # boot trusts the checkpoint (written before all this): only verify() reads that far back
    again = _journal(flash)
    assert again.open()["corrupt"] == []
    problems = lookup.verify(again)
    assert len(problems) == 1 and problems[0]["seg"] == 1 and problems[0]["off"] == offs[1]
    p_len = problems[0]["len"]
    assert p_len > 11
    flash.remove("journal/ckpt")
    full = _journal(flash)
    rep = full.open()
    assert rep["checkpoint"] == "none"
    assert rep["corrupt"] == [{"seg": 1, "off": offs[1], "len": p_len}]
    assert rep["lost"] == [[3, 3]]
    assert rep["anomalies"] == [4]  # S1 approved, its pending record lost
    # the approval record is whole on its own: S1 is still forwarded with its amount
    assert _ids(full) == ["S0", "S1", "S2", "S3", "S4"]
    assert full.summary()["total"] == 150
    assert lookup.find(full, "S1")["amt"] == 20
    # reported once: the boot checkpointed past it
    assert _journal(flash).open()["corrupt"] == []


def test_garbage_between_two_valid_frames_is_skipped():
    flash = _flash("garbage")
    j = _journal(flash, checkpoint_every=1000)
    j.open()
    _sell(j, "S0", 10)
    mid = j._off
    _sell(j, "S1", 20)
    j.close()
    seg = _segments(flash)[0]
    data = _bytes(flash, seg)
    junk = b"\xd5\x00\x05garbage\xd5\xd5"
    _write(flash, seg, data[:mid] + junk + data[mid:])
    flash.remove("journal/ckpt")
    full = _journal(flash)
    rep = full.open()
    assert rep["corrupt"] == [{"seg": 1, "off": mid, "len": len(junk)}]
    assert rep["lost"] == [] and _ids(full) == ["S0", "S1"]
