# The backup archive's format (firmware/pos/archive.py, docs/backup.md): what is written reads
# back the same, and any damage - a byte changed anywhere, frames dropped, reordered or taken
# from another archive, a cut tail, trailing bytes, another merchant, another key - is refused.
import io
import json

from firmware.pos.archive import ArchiveError, Writer, frames, header
from tests.unit.helpers import raises

KEY = b"merchant-key-16b"
TEXT = b"".join(b"line %d of the audit trail\n" % i for i in range(80))  # 5 data frames


def _archive(key=KEY, merchant="M1", nonce=None):
    w = Writer(key, merchant, nonce)
    out = [w.take()]
    w.file("store/contrast.json")
    w.data(b"5")
    w.file("audit/log")
    for i in range(0, len(TEXT), 700):
        w.data(TEXT[i : i + 700])
        out.append(w.take())
    w.file("empty")
    w.end({"merchant": merchant, "v": 1})
    out.append(w.take())
    return b"".join(out), w


def _read(data, merchant="M1", key=KEY):
    f = io.BytesIO(data)
    head = header(f, merchant)
    got = []
    for kind, plain in frames(f, key, head):
        got.append((kind, plain))
    return got


def _why(data, merchant="M1", key=KEY):
    return raises(ArchiveError, _read, data, merchant, key).args[0]


def _frame_starts(data):
    # offsets of every frame after the 26-byte header of merchant "M1"
    pos = 24 + 2
    out = []
    while pos < len(data):
        out.append(pos)
        pos += 3 + ((data[pos + 1] << 8) | data[pos + 2]) + 32
    return out


def test_what_is_written_reads_back_with_its_manifest():
    data, w = _archive()
    got = _read(data)
    assert [k for k, _ in got] == [70, 68, 70] + [68] * 5 + [70, 77]
    assert got[0][1] == b"store/contrast.json" and got[1][1] == b"5"
    assert b"".join(p for k, p in got[3:8]) == TEXT
    man = got[-1][1]
    assert man["merchant"] == "M1" and man["v"] == 1
    assert [f[:2] for f in man["files"]] == [
        ["store/contrast.json", 1],
        ["audit/log", len(TEXT)],
        ["empty", 0],
    ]
    assert w.size == len(data) and len(w.sha.digest()) == 32
    # encrypted: neither the names nor the text are in the file
    assert b"audit" not in data and b"line 1" not in data and b"contrast" not in data


def test_two_archives_of_the_same_content_share_no_bytes_after_the_merchant():
    a = _archive()[0][:80]
    b = _archive()[0][:80]
    assert a[:7] == b[:7] and a[7:23] != b[7:23]  # a random nonce, and random IVs
    assert a[40:80] != b[40:80]


def test_a_changed_byte_anywhere_is_refused():
    data, _ = _archive()
    n = 0
    for off in list(range(0, 40)) + list(range(40, len(data), 97)) + [len(data) - 1]:
        bad = bytearray(data)
        bad[off] ^= 0x01
        why = _why(bytes(bad))
        if off < 7:
            assert why == "bk-not-archive", off
        elif 23 <= off < 26:  # the merchant and its length
            assert why in ("bk-foreign-archive", "bk-truncated"), (off, why)
        else:
            assert why in ("bk-corrupt-archive", "bk-truncated"), (off, why)
        n += 1
    assert n > 50


def test_another_merchant_or_another_key_is_refused():
    data, _ = _archive()
    assert _why(data, "M2") == "bk-foreign-archive"
    assert _why(data, "M10") == "bk-foreign-archive"
    assert _why(data, "M1", b"another-key-16bb") == "bk-corrupt-archive"
    theirs, _ = _archive(merchant="M2")
    assert _why(theirs, "M1") == "bk-foreign-archive"
    assert _why(b"PK\x03\x04 a zip file, not ours" + bytes(40)) == "bk-not-archive"


def test_a_cut_tail_or_bytes_after_the_manifest_are_refused():
    data, _ = _archive()
    starts = _frame_starts(data)
    assert len(starts) == 10
    for cut in (starts[-1], starts[-1] + 10, len(data) - 1, starts[3], starts[3] + 5, 27):
        assert _why(data[:cut]) == "bk-truncated", cut
    assert _why(data + b"\0") == "bk-corrupt-archive"


def test_frames_dropped_reordered_or_spliced_from_another_archive_are_refused():
    data, _ = _archive()
    s = _frame_starts(data) + [len(data)]
    frame = [data[s[i] : s[i + 1]] for i in range(len(s) - 1)]
    head = data[: s[0]]
    dropped = head + b"".join(frame[:3] + frame[4:])
    assert _why(dropped) == "bk-corrupt-archive"
    swapped = head + b"".join(frame[:3] + [frame[4], frame[3]] + frame[5:])
    assert _why(swapped) == "bk-corrupt-archive"
    data = dropped = swapped = None
    other = _archive()[0]
    o = _frame_starts(other)
    theirs = other[o[3] : o[4]]
    other = None
    spliced = head + b"".join(frame[:3]) + theirs + b"".join(frame[4:])
    assert _why(spliced) == "bk-corrupt-archive"


def test_a_manifest_that_does_not_match_the_files_is_refused():
    # a writer's bug or a forged manifest: sizes and hashes are checked, not trusted
    w = Writer(KEY, "M1")
    w.file("a")
    w.data(b"abc")
    w._close()
    w.files[0][1] = 4
    w._frame(77, json.dumps({"merchant": "M1", "files": w.files}).encode())
    assert _why(w.take()) == "bk-corrupt-archive"
    w = Writer(KEY, "M1")
    w.end({"merchant": "M2"})  # the header says M1
    assert _why(w.take()) == "bk-corrupt-archive"
