# Backup and restore (docs/backup.md), behind the technician's PIN (menu "Backup/restore"): a
# backup to the media at config "backup_dir" (a USB stick, an SD card) or to the host; a restore
# from either onto a replacement terminal, verified whole, then shown and confirmed, before
# anything is written. The work runs inside start()/handle(), a frame at a time, redrawing the
# progress as it goes; every failure ends on a screen that says what happened.
# Heap: the work goes in phases that never share the heap: the key (firmware.net), the archive
# (firmware.pos.backup, .archive, history, cardcrypt: dropped after) and the host's parts
# (firmware.net, a part at a time). A host's archive goes through flash, whole, either way.
import os
import sys
import time

from compat import exists, fsync, hexlify, listdir, sleep_ms, unhexlify
from firmware.events import KEY
from firmware.ui.menu import MenuScreen
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

USES = (
    "firmware.pos.audit firmware.journal.cardcrypt firmware.net firmware.activation "
    "firmware.ui.menu"
)
_HEAVY = (
    "firmware.pos.backup firmware.pos.archive firmware.journal.history firmware.journal.lookup"
    " firmware.journal.cardcrypt aescbc"
)
_SENT = "backup.pbk"  # an archive for the host, on flash until it is sent
_FETCHED = "restore.pbk"  # a host's archive, on flash until its restore is done


# The backup menu is a MenuScreen like the others: the digit, or UP/DOWN and ENTER.
ITEMS = (
    ("bk-menu-media", "firmware.ui.backup", "Run", "1"),
    ("bk-menu-host", "firmware.ui.backup", "Run", "2"),
    ("bk-menu-rmedia", "firmware.ui.backup", "Pick"),
    ("bk-menu-rhost", "firmware.ui.backup", "Run", "4"),
)


class BackupMenu(MenuScreen):
    def __init__(self, term):
        super().__init__(term, ITEMS, "m-backup")


class Pick(Screen):
    """The archives on the media, newest first: UP/DOWN, ENTER restores the one chosen."""

    def __init__(self, term):
        super().__init__(term)
        self.dir = term.config.get("backup_dir")
        try:
            names = [n for n in listdir(self.dir) if n[-4:] == ".pbk"]
            names.sort()
            names.reverse()
        except (OSError, TypeError):
            names = None  # no media there
        self.names = names
        self.cursor = 0

    def draw(self, canvas):
        names = self.names
        if not names:
            why = "bk-no-media" if names is None else "bk-none-media"
            return self.paint(canvas, t("bk-menu-rmedia"), wrap(t(why)), t("back-hint"))
        top = max(0, self.cursor - len(canvas.rows) + 3)  # the list scrolls with the cursor
        lines = []
        for n in names:
            # "20251125-194607-SIM0000001.pbk" -> "11-25 19:46:07"
            lines.append("%s-%s %s:%s:%s" % (n[4:6], n[6:8], n[9:11], n[11:13], n[13:15]))
        self.paint(canvas, t("bk-menu-rmedia"), lines, t("bk-restore-hint"), top)
        canvas.text(1 + self.cursor - top, lines[self.cursor], invert=True)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return self.term.home()
        if not self.names:
            return None
        if key in ("UP", "DOWN"):
            self.cursor = (self.cursor + (1 if key == "DOWN" else -1)) % len(self.names)
            return self
        if key == "ENTER":
            return Run(self.term, "3", self.dir + "/" + self.names[self.cursor])
        return None


class Run(Screen):
    """One operation: "1" backup to the media, "2" to the host, "3" restore from the archive
    at `path`, "4" from the host's latest (or the one a cut restore was taking)."""

    def __init__(self, term, op, path=None):
        super().__init__(term)
        self.op = op
        self.path = path
        self.lines = [t("bk-working-now")]
        self.busy = True
        self.confirm = False  # a verified archive waits for ENTER
        self.key = None
        self.info = {}

    def draw(self, canvas):
        hint = None
        if self.confirm:
            hint = t("bk-restore-hint")
        elif not self.busy:
            hint = t("pay-done-hint")
        title = t("bk-title-backup" if self.op in ("1", "2") else "bk-title-restore")
        self.paint(canvas, title, self.lines, hint)

    async def start(self):
        return await self._go(False)

    async def handle(self, event):
        if event.kind != KEY or self.busy:
            return None
        if self.confirm and event.value == "ENTER":
            self.confirm = False
            self.busy = True
            self.lines = [t("bk-importing")]
            return await self._go(True)
        if event.value in ("ENTER", "CANCEL"):
            self._clean()
            return self.term.home()
        return None

    async def _go(self, importing):
        self.had = [m for m in _HEAVY.split() if m in sys.modules]
        try:
            self.lines = await (self._archive(True) if importing else self._begin())
        except Exception as e:
            self._clean()
            self.confirm = False
            why = type(e).__name__
            if why == "ArchiveError":
                msg = t(e.args[0])
            elif why == "NetError":
                msg = t("err-" + e.args[0])
            elif why == "JournalFull":
                msg = t("sale-flash-full")
            elif isinstance(e, OSError):
                msg = t("bk-media-error")
            elif hasattr(sys, "print_exception"):
                sys.print_exception(e)
                msg = t("bk-op-failed")
            else:
                print("backup error: %r" % e)
                msg = t("bk-op-failed")
            self.lines = wrap(msg)
        self._drop()
        self.busy = False
        return self

    def _drop(self):
        # the archive's code goes once its phase is over (unless someone had it before)
        from firmware.overlay import unload

        for m in _HEAVY.split():
            if m not in self.had and m != "firmware.journal.cardcrypt":
                unload(m)

    async def _progress(self, line):
        self.lines = [t("bk-working-now"), line]
        canvas = self.term.board.canvas
        self.draw(canvas)
        canvas.show()
        await sleep_ms(0)  # let the other tasks (keypad, link, sync) breathe

    def _clean(self):
        # an archive this screen put on flash goes with it
        self.term.flash.remove(_SENT if self.op == "2" else _FETCHED)

    async def _begin(self):
        term = self.term
        if (term.store.get("activation") or {}).get("state") != "ACTIVE":
            return wrap(t("bk-not-active"))
        if term.journal is None:
            return wrap(t("idle-journal-error"))
        where = term.config.get("backup_dir")
        if self.op == "1" and not (where and exists(where)):
            return wrap(t("bk-no-media"))
        await self._key()
        info = self.info
        if self.op == "1":
            y, mo, d, h, mi, s = time.localtime(term.clock.time())[:6]
            name = "%s/%04d%02d%02d-%02d%02d%02d-%s.pbk" % (
                where, y, mo, d, h, mi, s, term.board.serial
            )  # fmt: skip
            await self._archive(False, name)
        elif self.op == "2":
            await self._archive(False, term.flash.path(_SENT))
            self._drop()
            await self._upload()
        if self.op in ("1", "2"):
            to = "media" if self.op == "1" else "host"
            n = info["records"]
            term.store.put("backup", {"ts": info["manifest"]["ts"], "to": to, "n": n})
            from firmware.pos import audit

            audit.record(term, "backup", term.role, to=to, records=n)
            return wrap(t("bk-saved-records", n))
        # what ready() would refuse anyway, before an archive is fetched or read
        rec = term.store.get("restore")
        if rec and rec["state"] == "done":
            return wrap(t("bk-done-before"))
        if not rec and term.journal._firsts:
            return wrap(t("bk-not-empty"))
        if self.op == "4":
            await self._fetch()
        return await self._archive(None)

    async def _key(self):
        # The merchant's backup key: unwrapped from store "bkey" (the host's wrapped copy,
        # kept so a backup works offline), else fetched from /v1/backup-key and kept.
        from compat import hmac_sha256
        from firmware.journal import cardcrypt

        store = self.term.store
        secret = unhexlify((store.get("activation") or {}).get("secret") or "")
        wrap_key = hmac_sha256(secret, b"pos1 backup wrap")
        blob = store.get("bkey")
        for _ in range(2):
            if blob:
                try:
                    self.key = unhexlify(cardcrypt.decrypt_pan(wrap_key, unhexlify(blob)))
                    if store.get("bkey") != blob:
                        store.put("bkey", blob)
                    return
                except (ValueError, TypeError):
                    pass  # wrapped under a secret this terminal no longer has: ask again
            blob = (await self._call("/v1/backup-key", {})).get("key")
        from firmware.pos.archive import ArchiveError

        raise ArchiveError("bk-key-refused")

    async def _archive(self, write, path=None):
        # write True: import the verified archive at self.path; False: make one at `path`;
        # None: verify the one at self.path and show it
        from firmware.pos import backup

        term = self.term
        info = self.info
        k = 0
        if write is False:
            f = open(path + ".tmp", "wb")
            try:
                for data in backup.archive(term, self.key, info):
                    f.write(data)
                    k += 1
                    if not k & 15:
                        await self._progress(t("bk-record-count", info["records"]))
                fsync(f)
                f.close()
                os.rename(path + ".tmp", path)
            except Exception:
                f.close()
                try:
                    os.remove(path + ".tmp")
                except OSError:
                    pass
                raise
            return None
        with open(self.path, "rb") as f:
            gen = backup.restore if write else backup.verify
            for n in gen(term, self.key, f, info):
                k += 1
                if not k & 15:
                    await self._progress(t("bk-record-count" if write else "bk-checked-count", n))
        man = info["manifest"]
        if write:
            self._clean()
            lines = wrap(t("bk-restored", man["records"]))
            if man.get("unsynced"):
                lines += wrap(t("bk-unsent-records", man["unsynced"]))
            return lines
        why = backup.ready(term, info)
        if why:
            self._clean()
            return wrap(t(why))
        self.confirm = True
        y, mo, d, h, mi = time.localtime(man["ts"])[:5]
        lines = [
            t("bk-from-serial", man["serial"]),
            "%04d-%02d-%02d %02d:%02d" % (y, mo, d, h, mi),
        ]
        lines.append(t("bk-record-count", man["records"]))
        if term.store.get("restore"):
            lines += wrap(t("bk-resuming"))
        return lines

    async def _call(self, path, body):
        # a signed 200's reply; a lost reply is asked again (the host's answers repeat)
        from firmware.net import call

        term = self.term
        tries = 0
        while True:
            try:
                async with term.net_lock:
                    status, reply, signed = await call(term, path, body)
                break
            except Exception as e:
                if type(e).__name__ != "NetError" or tries >= 2:
                    raise
                if e.args[0] in ("network-down", "revoked"):
                    raise
                tries += 1
                await sleep_ms(500)
        if not signed or status != 200:
            from firmware.pos.archive import ArchiveError

            none = reply.get("error") == "not-found"
            raise ArchiveError("bk-none-host" if none else "bk-host-refused")
        return reply

    async def _upload(self):
        # the archive on flash to the host in parts of config backup_part bytes (2048; the
        # host takes up to 6 KiB), fewer when the heap is short: a part is in the heap about
        # six times over (hex, JSON body, envelope, its bytes) while it is sent
        import gc

        term = self.term
        info = self.info
        size = term.config.get("backup_part", 2048)
        if hasattr(gc, "mem_free"):
            gc.collect()
            size = min(size, gc.mem_free() // 16)
        size = max(256, size)
        part = 0
        with open(term.flash.path(_SENT), "rb") as f:
            data = f.read(size)
            while True:
                nxt = f.read(size)
                body = {"id": info["id"], "part": part, "data": hexlify(data)}
                data = None
                if not nxt:
                    body["end"] = True
                    body["size"] = info["size"]
                    body["sha256"] = info["sha256"]
                await self._call("/v1/backup", body)
                body = None
                if not nxt:
                    break
                data = nxt
                part += 1
                await self._progress(t("bk-fetch-part", part, (info["size"] + size - 1) // size))
        term.flash.remove(_SENT)

    async def _fetch(self):
        # the host's archive onto flash, checked against the size and SHA-256 it gives
        import hashlib

        term = self.term
        rec = term.store.get("restore")
        aid = rec["id"] if rec and rec.get("state") == "import" else "latest"
        self.path = term.flash.path(_FETCHED)
        sha = hashlib.sha256()
        part = size = 0
        parts = 1
        with open(self.path, "wb") as f:
            while part < parts:
                reply = await self._call("/v1/backup-fetch", {"id": aid, "part": part})
                aid = reply["id"]
                parts = reply["parts"]
                data = unhexlify(reply["data"])
                f.write(data)
                sha.update(data)
                size += len(data)
                part += 1
                await self._progress(t("bk-fetch-part", part, parts))
            fsync(f)
        if size != reply["size"] or hexlify(sha.digest()) != reply["sha256"]:
            from firmware.pos.archive import ArchiveError

            raise ArchiveError("bk-corrupt-archive")
