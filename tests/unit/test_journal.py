# The journal's storage engine: framing, refusing bad records, reopening.
import io
import struct
from binascii import crc32

from firmware.journal import history, journal, lookup
from firmware.journal.journal import JournalError
from tests.unit.helpers import VirtualClock, raises
from tests.unit.journal_fixtures import _bytes, _flash, _ids, _journal, _segments, _sell


def _frame_in(data, last=-1, limit=1024):
    # (seq, payload) of the frame `data` as boot reads it from flash, or None
    return history.read_frame(io.BytesIO(data), 0, len(data), last, limit)


def test_frame_layout_is_exact():
    data = b"".join(journal.encode(7, {"t": "S"}))
    assert data == b'\xd5\x00\x09\x00\x00\x00\x07{"t":"S"}\xd3|#\x16'
    assert _frame_in(data) == (7, b'{"t":"S"}')
    assert _frame_in(data, 6) == (7, b'{"t":"S"}') and _frame_in(data, 7) is None  # seqs rise
    assert _frame_in(data[:-1]) is None  # a frame cut short
    assert history.decode(b'{"t":"S"}') == {"t": "S"}
    assert history.decode(b'{"x":"S"}') is None and history.decode(b'{"t":"PA"}') is None
    # the CRC covers the header too: the same payload under another seq does not verify
    assert _frame_in(data[:6] + b"\x08" + data[7:]) is None
    assert _frame_in(data[:-1] + b"\x17") is None
    # longer than MAX_PAYLOAD (1024 bytes): refused however well it checks out
    head = b"\xd5\x04\x01\x00\x00\x00\x01"
    big = head + b"x" * 1025 + struct.pack(">I", crc32(b"x" * 1025, crc32(head)))
    assert _frame_in(big) is None and _frame_in(big, -1, 1025) == (1, b"x" * 1025)
    raises(ValueError, journal.encode, 1, {"t": "S", "x": "yy"}, 17)  # over a 17-byte limit
    # compact JSON, whichever encoder the runtime has (compat.compact_json); MicroPython's
    # dicts keep no insertion order, so the text is compared as what it decodes to
    rec = {"t": "P", "id": "a", "amt": 5, "it": [[1, "x y"]], "n": None, "b": True}
    payload = journal.encode(1, rec)[1]
    assert history.decode(payload) == rec and len(payload) == 61  # no spaces
    # a checkpoint's frame: JSON, then raw bytes
    assert b"".join(journal.encode(2, [1], 64, b"\0\xff")) == (
        b"\xd5\x00\x05\x00\x00\x00\x02[1]\x00\xff"
        + struct.pack(">I", crc32(b"[1]\x00\xff", crc32(b"\xd5\x00\x05\x00\x00\x00\x02")))
    )


def test_bad_records_are_refused_before_touching_flash():
    flash = _flash("bad")
    j = _journal(flash)
    j.open()
    raises(JournalError, j.approve, "S1")  # nothing pending
    _sell(j, "S1", 10)
    size = len(_bytes(flash, _segments(flash)[0]))
    raises(JournalError, j.begin, "S1", 10, "tap", "K")  # the id is taken
    raises(ValueError, j.append, {"t": "P", "id": "S2", "amt": 1, "pan": "4111"})
    raises(ValueError, j.append, {"t": "P", "id": "S2", "amt": 1, "cvv": "123"})
    raises(ValueError, j.append, {"t": "Q", "id": "S2"})
    raises(ValueError, j.append, {"t": "P", "id": "S2", "amt": 1.5})
    raises(ValueError, j.append, {"t": "P", "id": "S2", "amt": 1, "l4": "41111"})
    assert len(_bytes(flash, _segments(flash)[0])) == size
    assert j.summary()["pending"] == 0 and lookup.read(j, 3) is None


def test_append_reopen_round_trip():
    flash = _flash("rt")
    clock = VirtualClock()
    j = _journal(flash, clock).open()
    assert j == {
        "checkpoint": "none",
        "scanned": 0,
        "corrupt": [],
        "lost": [],
        "torn": None,
        "aborted": [],
        "discarded": [],
        "anomalies": [],
    }
    jr = _journal(flash, clock)
    jr.open()
    assert _sell(jr, "S1", 1250) == 2
    clock.advance(5000)
    assert _sell(jr, "S2", 700, offline=False) == 4
    jr.begin("S3", 99, "insert", "K-S3")
    assert jr.decline("S3", "51") == 6
    assert jr.void("V1", "S1", "K-V1", offline=True) == 7
    jr.close()

    again = _journal(flash, clock)
    rep = again.open()
    assert rep["checkpoint"] == "used" and rep["scanned"] == 6 and rep["aborted"] == []
    assert again.summary() == {
        "count": 1,
        "total": 1250,
        "oldest": 1764100000,
        "unsynced": 2,
        "pending": 0,
    }
    assert _ids(again) == ["S1", "V1"]
    s1 = lookup.find(again, "S1")
    assert (s1["state"], s1["voided"], s1["synced"], s1["amt"], s1["seq"]) == (
        "approved",
        True,
        False,
        1250,
        2,
    )
    assert s1["auth"] == "OFFLINE" and s1["k"] == "K-S1" and s1["l4"] == "4242"
    s2 = lookup.find(again, "S2")
    assert (s2["state"], s2["synced"], s2["ts"], s2["auth"]) == (
        "approved",
        True,
        1764100005,
        "A1B2",
    )
    assert (
        lookup.find(again, "S3")["why"] == "51" and lookup.find(again, "S3")["state"] == "declined"
    )
    assert lookup.find(again, "nope") is None
    assert lookup.read(again, 3) == {
        "t": "P",
        "id": "S2",
        "amt": 700,
        "m": "tap",
        "k": "K-S2",
        "l4": "4242",
        "ts": 1764100005,
        "seq": 3,
    }
    assert lookup.read(again, 99) is None
