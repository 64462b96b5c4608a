# Backup and restore onto a replacement terminal (firmware/pos/backup.py, docs/backup.md), on
# the firmware's own code: the old receipts come back under their old numbers with their card
# numbers re-encrypted to the new terminal's key, nothing the host already has is forwarded
# again, the terminal's own secrets and PINs stay behind, no clear PAN is ever in the archive
# or in what it decrypts to, a refused archive changes nothing, an import cut by a power cut
# goes on without duplicates, and a terminal takes one restore, only while it has no sales.
import json

from compat import hexlify, hmac_sha256, unhexlify
from firmware.journal import cardcrypt, history, lookup
from firmware.pos.archive import ArchiveError, frames, header
from tests.host.backup_fixtures import KEY, PAN, Term, old_terminal, sell, take, write
from tests.unit.helpers import raises, run


def test_restore_brings_the_old_receipts_back_under_their_old_numbers():
    old = old_terminal("whole")
    path, info = write(old)
    man = info["manifest"]
    assert man["records"] == 5 and man["seq"] == [2, old.journal._next - 1]
    assert (man["serial"], man["tid"], man["merchant"]) == ("SN1", 1, "M1")
    new = Term("whole-new", serial="SN2", tid=2)
    assert new.journal.key != old.journal.key
    got = take(new, path)
    assert got["manifest"] == man
    j = new.journal
    for no in (1, 3, 5, 8):
        a = lookup.find(old.journal, no)
        b = lookup.find(j, no)
        assert b is not None and b["oq"] == a["seq"], no
        for k in ("t", "amt", "m", "ts", "auth", "l4", "ref", "k", "tnd"):
            assert a.get(k) == b.get(k), (no, k)
        assert "off" not in b and b["synced"]  # history here: never forwarded again
    assert lookup.find(j, 7)["t"] == "V" and lookup.find(j, 7)["ref"] == 5
    # the card numbers, now under this terminal's key (and not the old one's)
    for no, pan in ((3, PAN), (5, "5555555555554444=3012"), (8, PAN)):
        pe = unhexlify(lookup.find(j, no)["pe"])
        assert cardcrypt.decrypt_pan(j.key, pe) == pan
        raises(ValueError, cardcrypt.decrypt_pan, old.journal.key, pe)
    assert j.summary()["unsynced"] == 0 and list(history.unsynced(j)) == []
    # new receipt numbers go on after the old terminal's: none can clash with an old one
    first = old.journal._next
    assert j._firsts[0] == first
    assert sell(j, 100) == first + 5
    store = new.store
    assert store.get("contrast") == 4
    assert store.get("batch") == {"no": 7, "from": j._next - 2}  # after the restored ones
    assert store.get("roles") is None and store.get("lock-cashier") is None
    assert store.get("activation")["tid"] == 2 and store.get("cardkey") == "%064x" % (2 * 7919)
    assert new.flash.read("audit/prev") == b'{"act": "z-report"}\n'
    assert new.flash.read("items.csv") == b"4006381333931,Pencil HB,120\n"
    rec = store.get("restore")
    assert (rec["state"], rec["from"], rec["tid"], rec["id"]) == ("done", first, 1, info["id"])
    act = json.loads(new.flash.read("audit/log"))
    assert (act["act"], act["src_tid"], act["records"]) == ("restore", 1, 5)
    # and after a reboot the journal starts where it did, with the same records
    new = Term("", serial="SN2", flash=new.flash)
    assert new.journal._firsts[0] == first and lookup.find(new.journal, 3)["amt"] == 2500


def _unchanged(new, files):
    assert new.journal._firsts == [] and new.journal._next == 1
    assert new.store.get("restore") is None and new.store.get("contrast") is None
    assert sorted(new.flash.listdir("store")) == files
    assert not new.flash.exists("audit/prev") and not new.flash.exists("items.csv")


def test_a_corrupt_truncated_or_foreign_archive_is_refused_and_changes_nothing():
    old = old_terminal("bad")
    path, _ = write(old)
    with open(path, "rb") as f:
        good = f.read()
    new = Term("bad-new", serial="SN2", tid=2)
    files = sorted(new.flash.listdir("store"))
    bad = new.flash.path("bad.pbk")
    for off in (40, 300, len(good) // 2, len(good) - 20):
        with open(bad, "wb") as f:
            f.write(good[:off] + bytes([good[off] ^ 0x40]) + good[off + 1 :])
        assert raises(ArchiveError, take, new, bad).args[0] == "bk-corrupt-archive", off
        _unchanged(new, files)
    with open(bad, "wb") as f:
        f.write(good[: len(good) - 100])
    assert raises(ArchiveError, take, new, bad).args[0] == "bk-truncated"
    _unchanged(new, files)
    assert raises(ArchiveError, take, new, path, b"another-key-16bb").args[0] == (
        "bk-corrupt-archive"
    )
    other = Term("bad-other", merchant="M2", tid=3)
    assert raises(ArchiveError, take, other, path).args[0] == "bk-foreign-archive"
    assert other.store.get("restore") is None
    _unchanged(new, files)


def test_no_clear_pan_and_no_pin_in_the_archive_nor_in_what_it_decrypts_to():
    old = old_terminal("pan")
    path, _ = write(old)
    with open(path, "rb") as f:
        data = f.read()
    for pan in (b"4111111111111111", b"5555555555554444", b"411111111111", b"555555555555"):
        assert pan not in data
    plain = []
    with open(path, "rb") as f:
        for kind, p in frames(f, KEY, header(f, "M1")):
            plain.append(json.dumps(p).encode() if kind == 77 else p)
    plain = b"".join(plain)
    assert b'"pe"' in plain and b"z-report" in plain  # decrypted indeed
    for pan in (b"4111111111111111", b"5555555555554444", b"411111111111", b"555555555555"):
        assert pan not in plain
    assert b"roles" not in plain and b"cardkey" not in plain and b"secret" not in plain
    # a card number inside is under the archive's card key, not the journal's
    line = [ln for ln in plain.split(b"\n") if b'"pe"' in ln][0]
    rec = json.loads(line[line.index(b"{") :])
    card = hmac_sha256(KEY, b"pos1 backup card")
    assert cardcrypt.decrypt_pan(card, unhexlify(rec["pe"]))[:4] in ("4111", "5555")


def test_the_backup_key_is_unwrapped_from_the_copy_the_terminal_keeps():
    from firmware.ui.backup import Run

    term = Term("key")
    secret = unhexlify(term.store.get("activation")["secret"])
    wrap = hmac_sha256(secret, b"pos1 backup wrap")
    term.store.put("bkey", hexlify(cardcrypt.encrypt_pan(wrap, hexlify(KEY))))
    screen = Run(term, "1")
    run(screen._key())  # no network needed: the terminal keeps the wrapped copy
    assert screen.key == KEY


class Cut(Exception):
    pass


def _cutter(stop):
    # the power goes at the `stop`th journal record made durable: it is on flash, no more
    hits = [0]

    def cut(name):
        if name == "journal.append:synced":
            hits[0] += 1
            if hits[0] == stop:
                raise Cut(name)

    return cut


def test_an_import_cut_by_a_power_cut_goes_on_without_duplicates():
    old = old_terminal("cut")
    path, info = write(old)
    for stop in (1, 3, 5):
        new = Term("cut-new-%d" % stop, serial="SN2", tid=2)
        new.flash.cut = _cutter(stop)
        raises(Cut, take, new, path)
        new = Term("", serial="SN2", flash=new.flash)
        assert new.store.get("restore")["state"] == "import"
        assert take(new, path, upto=True) is None  # the same archive may go on
        take(new, path)
        j = new.journal
        seen = []
        for _, payload in history.frames(j, 0):
            rec = history.decode(payload)
            if "oq" in rec:
                seen.append(rec["oq"])
        assert sorted(seen) == seen and len(seen) == len(set(seen)) == 5, (stop, seen)
        for no in (1, 3, 5, 7, 8):
            assert lookup.find(j, no)["t"] in "AVR", (stop, no)
        assert j.summary() == {"count": 0, "total": 0, "oldest": None, "unsynced": 0,
                               "pending": 0}  # fmt: skip
        assert new.store.get("restore")["state"] == "done"
        assert new.store.get("batch")["from"] == j._next


def test_one_restore_per_terminal_and_only_onto_one_without_sales():
    old = old_terminal("once")
    path, _ = write(old)
    again, _ = write(old, path=old.flash.path("again.pbk"))  # another archive (a new nonce)
    busy = Term("once-busy", serial="SN3", tid=3)
    sell(busy.journal, 100)
    assert take(busy, path) == "bk-not-empty"
    assert busy.store.get("restore") is None
    new = Term("once-new", serial="SN2", tid=2)
    take(new, path)
    assert take(new, path) == "bk-done-before"
    assert take(new, again) == "bk-other-restore"


def test_a_resume_starts_the_numbering_again_should_a_power_cut_have_lost_it():
    old = old_terminal("lost")
    path, _ = write(old)
    first = old.journal._next
    new = Term("lost-new", serial="SN2", tid=2)

    def cut(name):
        if name == "store.restore:renamed":
            raise Cut(name)

    new.flash.cut = cut
    raises(Cut, take, new, path)
    new.flash.cut = None
    new.flash.remove("journal/%010d.seg" % first)  # the empty segment never reached the flash
    new = Term("", serial="SN2", flash=new.flash)
    assert new.journal._firsts == [] and new.journal._next == 1
    take(new, path)
    assert new.journal._firsts == [first] and lookup.find(new.journal, 1)["oq"] == 2
    assert sell(new.journal, 100) == first + 5
