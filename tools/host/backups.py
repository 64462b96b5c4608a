# Backups of a merchant's terminals (docs/backup.md): the merchant's backup key, wrapped for the
# terminal that asks, and archives kept in parts for any terminal of the same merchant. The host
# never opens an archive: it keeps the bytes, their size and their SHA-256.
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tools.host.db import audit, insert, meta, transaction
from tools.host.validate import HEX64, BadRequest, integer, present, text

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS backups (id INTEGER PRIMARY KEY, merchant TEXT NOT NULL, "
    "name TEXT NOT NULL, tid INTEGER NOT NULL, serial TEXT NOT NULL, parts INTEGER NOT NULL, "
    "size INTEGER NOT NULL, sha256 TEXT, started_at REAL NOT NULL, done_at REAL, "
    "UNIQUE (merchant, name))",
    "CREATE TABLE IF NOT EXISTS backup_parts (backup_id INTEGER NOT NULL, part INTEGER NOT NULL, "
    "data BLOB NOT NULL, PRIMARY KEY (backup_id, part))",
)
ARCHIVE_ID = re.compile(r"[0-9a-f]{32}")
PART_MAX = 6144  # archive bytes in an upload: 12288 hex digits keep a request under 16 KiB
# archive bytes in a fetched part: the reply (hex, in a JSON string in the envelope) stays far
# under the 4 KiB a terminal reads, and its copies fit a fragmented heap
FETCH_PART = 1024
MAX_PARTS = 100000
MAX_SIZE = MAX_PARTS * PART_MAX
PATHS = ("/v1/backup-key", "/v1/backup", "/v1/backup-fetch")


def setup(conn):
    """The tables, and the master secret every merchant's backup key comes from (made once,
    kept in meta "backup_master"); returns the master."""
    with transaction(conn) as c:
        for statement in SCHEMA:
            c.execute(statement)
        c.execute(
            "INSERT OR IGNORE INTO meta VALUES ('backup_master', ?)", (os.urandom(32).hex(),)
        )
    return bytes.fromhex(meta(conn, "backup_master"))


def merchant_key(master, merchant):
    """The merchant's backup key: 16 bytes, the same for every terminal of that merchant."""
    return hmac.new(master, b"pos1 backup key\n" + merchant.encode(), "sha256").digest()[:16]


def _hmac(key, msg):
    return hmac.new(key, msg, "sha256").digest()


def _wrap_keys(secret):
    # cardcrypt's two keys, of the wrapping key HMAC-SHA256(secret, "pos1 backup wrap")
    wk = _hmac(secret, b"pos1 backup wrap")
    return _hmac(wk, b"journal pan enc")[:16], _hmac(wk, b"journal pan mac")


def wrap(secret, key, iv=None):
    """`key` for the terminal whose secret is `secret`: its 32 lowercase hex digits in the
    blob of firmware/journal/cardcrypt.py (version 1, IV, AES-128-CBC with PKCS#7, 16-byte
    HMAC-SHA256 tag), under keys derived from HMAC-SHA256(secret, "pos1 backup wrap")."""
    enc, mac = _wrap_keys(secret)
    iv = os.urandom(16) if iv is None else iv
    data = key.hex().encode()
    pad = 16 - len(data) % 16
    op = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
    body = b"\x01" + iv + op.update(data + bytes([pad]) * pad) + op.finalize()
    return body + _hmac(mac, body)[:16]


def unwrap(secret, blob):
    """The key inside `blob` (ValueError if it does not verify): what a terminal does."""
    enc, mac = _wrap_keys(secret)
    if len(blob) < 49 or not hmac.compare_digest(_hmac(mac, blob[:-16])[:16], blob[-16:]):
        raise ValueError("the wrapped key does not verify")
    op = Cipher(algorithms.AES(enc), modes.CBC(blob[1:17])).decryptor()
    data = op.update(blob[17:-16]) + op.finalize()
    return bytes.fromhex(data[: -data[-1]].decode())


def dispatch(c, t, path, body, now, master):
    """The reply body of a backup endpoint for terminal row `t` (BadRequest for a refusal)."""
    if path == "/v1/backup-key":
        audit(c, now, "backup-key", "terminal", t["id"])
        key = merchant_key(master, t["merchant"])
        return {"key": wrap(bytes(t["secret"]), key).hex(), "merchant": t["merchant"]}
    if path == "/v1/backup":
        return _store(c, t, body, now)
    return _fetch(c, t, body, now)


def _store(c, t, body, now):
    name = text(body, "id", ARCHIVE_ID, "32 lowercase hex digits")
    part = integer(body, "part", 0, MAX_PARTS)
    hexdata = present(body, "data")
    if not isinstance(hexdata, str) or len(hexdata) > 2 * PART_MAX:
        raise BadRequest("data must be at most %d hex digits" % (2 * PART_MAX))
    try:
        data = bytes.fromhex(hexdata)
    except ValueError:
        raise BadRequest("data must be hex digits")
    end = body.get("end") is True
    row = _row(c, "merchant = ? AND name = ?", (t["merchant"], name))
    if row is None:
        if part:
            raise BadRequest("part %d of a backup that never began" % part, error="part-gap")
        row = dict(merchant=t["merchant"], name=name, tid=t["id"], serial=t["serial"])
        insert(c, "backups", dict(row, parts=0, size=0, started_at=now))
        row = _row(c, "merchant = ? AND name = ?", (t["merchant"], name))
    if row["tid"] != t["id"]:
        raise BadRequest("another terminal's backup", error="not-yours", status=409)
    if part < row["parts"]:  # sent again (its reply was lost): the same bytes, the same answer
        old = c.execute(
            "SELECT data FROM backup_parts WHERE backup_id = ? AND part = ?", (row["id"], part)
        ).fetchone()
        if bytes(old["data"]) != data:
            raise BadRequest("part %d was stored with other bytes" % part, error="part-mismatch",
                             status=409)  # fmt: skip
    elif part > row["parts"]:
        raise BadRequest("part %d after %d parts" % (part, row["parts"]), error="part-gap")
    elif row["done_at"] is not None:
        raise BadRequest("the backup is complete", error="backup-complete", status=409)
    else:
        c.execute("INSERT INTO backup_parts VALUES (?, ?, ?)", (row["id"], part, data))
        c.execute(
            "UPDATE backups SET parts = parts + 1, size = size + ? WHERE id = ?",
            (len(data), row["id"]),
        )
        row = _row(c, "id = ?", (row["id"],))
    if not end:
        return {"status": "stored", "id": name, "part": part, "parts": row["parts"]}
    size = integer(body, "size", 0, MAX_SIZE)
    sha = text(body, "sha256", HEX64, "64 lowercase hex digits")
    if part != row["parts"] - 1:
        raise BadRequest("end on part %d of %d" % (part, row["parts"]), error="part-gap")
    if row["done_at"] is None:
        whole = _bytes(c, row["id"])
        if len(whole) != size or hashlib.sha256(whole).hexdigest() != sha:
            raise BadRequest("the parts do not make that archive", error="archive-mismatch")
        c.execute("UPDATE backups SET done_at = ?, sha256 = ? WHERE id = ?", (now, sha, row["id"]))
        audit(c, now, "backup-stored", "terminal", t["id"], backup=row["id"], size=size,
              parts=row["parts"])  # fmt: skip
    return {"status": "complete", "id": name, "parts": row["parts"], "size": size}


def _fetch(c, t, body, now):
    name = present(body, "id")
    part = integer(body, "part", 0, MAX_PARTS)
    done = "merchant = ? AND done_at IS NOT NULL"
    if name == "latest":
        row = _row(c, done + " ORDER BY done_at DESC, id DESC", (t["merchant"],))
    else:
        name = text(body, "id", ARCHIVE_ID, '"latest" or 32 lowercase hex digits')
        row = _row(c, done + " AND name = ?", (t["merchant"], name))
    if row is None:
        raise BadRequest("no backup of this merchant", error="not-found", status=404)
    parts = max(1, -(-row["size"] // FETCH_PART))
    if part >= parts:
        raise BadRequest("part must be below %d" % parts)
    if part == 0:
        audit(c, now, "backup-fetch", "terminal", t["id"], backup=row["id"])
    data = _bytes(c, row["id"])[part * FETCH_PART : (part + 1) * FETCH_PART]
    return {"id": row["name"], "part": part, "parts": parts, "size": row["size"],
            "sha256": row["sha256"], "serial": row["serial"], "tid": row["tid"],
            "at": int(row["done_at"]), "data": data.hex()}  # fmt: skip


def _row(c, where, args):
    return c.execute("SELECT * FROM backups WHERE " + where + " LIMIT 1", args).fetchone()


def _bytes(c, backup_id):
    rows = c.execute(
        "SELECT data FROM backup_parts WHERE backup_id = ? ORDER BY part", (backup_id,)
    ).fetchall()
    return b"".join(bytes(r["data"]) for r in rows)
