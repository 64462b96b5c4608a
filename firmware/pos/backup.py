# What a backup holds and how a replacement terminal takes it back (docs/backup.md). Loaded by
# the backup screens (firmware/ui/backup.py, which also gets the key) with archive.py (the
# format) and dropped after each phase. `key` is the merchant's backup key (16 bytes).
#   archive(term, key, info) -> generator of the archive's bytes, a few frames at a time
#   verify(term, key, f, info) -> generator: every frame, file and record checked, nothing
#       written; leaves the manifest and the archive's id in `info`
#   ready(term, info) -> None, or the catalogue key of why this terminal cannot take it
#   restore(term, key, f, info) -> generator: the import, resumable after a power cut
# The generators yield a count (records so far) after each frame, for the screen's progress.
import json
import os

from compat import fsync, hexlify, unhexlify
from firmware.pos.archive import ArchiveError, Writer, frames, header, keys

# Store keys that stay with the terminal: its identity and secrets, its PINs (salted hashes of
# PINs are still PINs: "never PINs"), its counters, this feature's own records, and lock-*
# (wrong-PIN counts).
_SKIP = " activation cardkey lockout roles boots backup restore bkey "
# Files copied whole, each followed by where a restore puts it: the source's audit trail goes
# beside this terminal's own, never into it.
_FILES = ("items.csv", "items.csv", "audit/log.1", "audit/prev.1", "audit/log", "audit/prev")


def _merchant(term):
    return (term.store.get("activation") or {}).get("merchant") or ""


def _kept(name):
    # a store file that travels: "store/contrast.json" yes, "store/activation.json" no
    k = name[6:-5]
    return (
        name[:6] == "store/"
        and name[-5:] == ".json"
        and " %s " % k not in _SKIP
        and (k[:5] != "lock-")
    )


def archive(term, key, info):
    """The archive of this terminal's settings (store keys but _SKIP), item file, audit trail
    and journal receipts (A, D, V, R records, each with "oq", its seq here; a card number
    re-encrypted from the journal's key to the archive's card key). info: "id" (the nonce,
    hex) at once, "records" as they go, then "manifest", "size" and "sha256" (of the whole
    file) before the last bytes are yielded."""
    from firmware.journal import cardcrypt, history

    store = term.store
    flash = term.flash
    j = term.journal
    w = Writer(key, _merchant(term))
    info["id"] = hexlify(w.nonce)
    info["records"] = 0
    for name in sorted(flash.listdir("store")):
        if _kept("store/" + name):
            w.file("store/" + name)
            w.data(flash.read("store/" + name))
    for i in range(0, len(_FILES), 2):
        name = _FILES[i]
        if flash.exists(name):
            w.file(name)
            with open(flash.path(name), "rb") as f:
                chunk = f.read(512)
                while chunk:
                    w.data(chunk)
                    yield w.take()
                    chunk = f.read(512)
    w.file("journal")
    card = w.card
    lo = None
    g = history.frames(j, 0)
    try:
        for seq, payload in g:
            rec = history.decode(payload)
            if rec is None or rec["t"] not in "ADVR":
                continue  # P, X, S: every outcome carries its sale, and S is sync's business
            pe = rec.get("pe")
            if pe is not None:
                try:
                    pan = cardcrypt.decrypt_pan(j.key, unhexlify(pe))
                    rec["pe"] = hexlify(cardcrypt.encrypt_pan(card, pan))
                except ValueError:
                    del rec["pe"]  # unreadable here is unreadable anywhere: the last 4 stay
                pan = None
            rec["oq"] = seq
            w.data(json.dumps(rec).encode() + b"\n")
            lo = lo or seq
            info["records"] += 1
            yield w.take()
    finally:
        g.close()  # MicroPython closes an abandoned generator's file only at GC
    act = store.get("activation") or {}
    hi = j._next - 1
    man = {
        "v": 1,
        "merchant": _merchant(term),
        "serial": term.board.serial,
        "tid": act.get("tid"),
        "terminal": act.get("terminal"),
        "ts": term.clock.time(),
        "seq": [lo or hi + 1, hi],
        "records": info["records"],
        "unsynced": j.summary()["unsynced"],
    }
    w.end(man)
    data = w.take()
    info.update(manifest=man, size=w.size, sha256=hexlify(w.sha.digest()))
    yield data


def verify(term, key, f, info):
    """Read the whole archive in `f` (from its start) and check it: header, every frame's tag,
    every file's size and SHA-256, the manifest, and every journal record (in order, one of
    A D V R). ArchiveError on the first fault; nothing is written."""
    head = header(f, _merchant(term))
    n = last = 0
    rest = None  # bytes of an unfinished line of the journal, None in another file
    man = None
    try:
        for kind, data in frames(f, key, head):
            if kind == 70:
                rest = b"" if data == b"journal" else None
            elif kind == 68 and rest is not None:
                lines = (rest + data).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    rec = json.loads(line)
                    oq = rec["oq"]
                    ok = type(oq) is int and oq > last and rec["t"] in ("A", "D", "V", "R")
                    ok = ok and type(rec["ts"]) is int and rec["id"] not in (None, "")
                    if not ok:
                        raise ArchiveError("bk-corrupt-archive")
                    last = oq
                    n += 1
            elif kind == 77:
                man = data
            yield n
        if rest or n != man["records"] or last > man["seq"][1]:
            raise ArchiveError("bk-corrupt-archive")
    except ArchiveError:
        raise
    except (ValueError, KeyError, TypeError, IndexError):
        raise ArchiveError("bk-corrupt-archive")
    info["manifest"] = man
    info["id"] = hexlify(head[7:23])


def ready(term, info):
    """None when this terminal may take the verified archive of `info` (or go on with it),
    else the catalogue key saying why not: one restore per terminal, onto a journal with no
    sales of its own (its receipt numbers would clash with the old ones)."""
    if term.journal is None:
        return "idle-journal-error"
    rec = term.store.get("restore")
    firsts = term.journal._firsts
    if rec is not None:
        if rec["id"] != info["id"]:
            return "bk-other-restore"
        if rec["state"] == "done":
            return "bk-done-before"
        firsts = firsts and firsts[0] < rec["from"]  # records below the import's start
    return "bk-not-empty" if firsts else None


def restore(term, key, f, info):
    """Import the archive in `f` (verified, `ready`): its store keys, item file and audit
    trail (as audit/prev*), then its records appended one by one, the card numbers
    re-encrypted to this journal's key. Written first: store "restore" {"id", "from" (the
    first seq of the import), "state": "import"}. Resumable: the records already in the
    journal (their "oq") are skipped, files are rewritten whole."""
    from firmware.journal import cardcrypt, history

    j = term.journal
    store = term.store
    flash = term.flash
    man = info["manifest"]
    head = header(f, _merchant(term))
    rec = store.get("restore")
    new = rec is None
    if new:
        rec = {"id": info["id"], "from": max(man["seq"][1] + 1, j._next), "state": "import"}
        rec.update(serial=man.get("serial"), tid=man.get("tid"), ts=term.clock.time())
    start = rec["from"]
    if not j._firsts:
        # Numbering goes on after the source's: the old receipt numbers stay the records' ids,
        # and no new sale can take one. An empty segment named by the first seq makes that the
        # journal's start, at boot too (upkeep reads it off the name). Made again on a resume
        # should a power cut have lost it.
        open(flash.path("journal/%010d.seg" % start), "wb").close()
        j._firsts.append(start)
        j._next = start
        j._off = 0
    if new:
        store.put("restore", rec)
    # where a cut import stopped: the last "oq" in the journal; and the first record of this
    # terminal's own (its id is its seq, above the old numbers), where its batch starts
    done = 0
    own = None
    g = history.frames(j, start)
    try:
        for s, payload in g:
            r = history.decode(payload)
            if r is None or r["t"] == "S":
                continue
            if "oq" in r:
                done = max(done, r["oq"])
            elif own is None and type(r["id"]) is int and r["id"] >= start:
                own = s
    finally:
        g.close()
    card = keys(key)[2]
    n = 0
    no = 1  # the source's batch number: numbering goes on from it
    name = out = None
    buf = rest = b""
    try:
        for kind, data in frames(f, key, head):
            if kind != 68:  # a file ends: put it in place
                if out is not None:
                    fsync(out)
                    out.close()
                    out = None
                    os.rename(flash.path(name) + ".tmp", flash.path(name))
                elif name and name[:6] == "store/":
                    k = name[6:-5]
                    if k == "batch":
                        no = json.loads(buf)["no"]
                    elif _kept(name):
                        store.put(k, json.loads(buf))
                name = None
                buf = b""
            if kind == 70:
                name = data.decode()
                for i in range(0, len(_FILES), 2):
                    if name == _FILES[i]:
                        name = _FILES[i + 1]
                        flash.makedirs("audit")
                        out = open(flash.path(name) + ".tmp", "wb")
                        break
            elif kind == 68 and out is not None:
                out.write(data)
            elif kind == 68 and name == "journal":
                lines = (rest + data).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    r = json.loads(line)
                    if r["oq"] <= done:
                        continue
                    r.pop("off", None)  # history here: the source forwarded what it could
                    pe = r.get("pe")
                    if pe is not None:
                        try:
                            pan = cardcrypt.decrypt_pan(card, unhexlify(pe))
                            r["pe"] = hexlify(cardcrypt.encrypt_pan(j.key, pan))
                        except ValueError:
                            del r["pe"]
                        pan = None
                    rid = r["id"]
                    if r["t"] in "AD":
                        # An outcome needs its sale pending (journal.append); a restored one
                        # is whole already, so it stands alone: no P record on flash, which a
                        # power cut could leave behind to be aborted and forwarded.
                        j._pending[rid] = [j._next, {}]
                    try:
                        j.append(r)
                    except Exception:
                        j._pending.pop(rid, None)
                        raise
                    n += 1
            elif kind == 68:
                buf += data
            yield n
    finally:
        if out is not None:
            out.close()
    b = store.get("batch") or {}
    store.put("batch", {"no": max(b.get("no", 1), no), "from": j._next if own is None else own})
    rec = dict(rec)  # not the store's cached object: it changes only once on flash
    rec["state"] = "done"
    store.put("restore", rec)
    from firmware.pos import audit

    audit.record(term, "restore", term.role, src_tid=man.get("tid"), records=man["records"])
