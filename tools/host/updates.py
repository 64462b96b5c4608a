# Firmware updates at the host (docs/update.md): the operator publishes a signed package
# (`publish-update`), a terminal asks whether there is one for it (/v1/update-check) and
# fetches it in parts of at most 8 KiB (/v1/update-fetch), both in the signed envelope. The
# host only relays: the terminal trusts the vendor's signature, not the host, so a package
# is checked against the vendor key here only to catch an operator's mistake.
import base64
import hashlib

from tools.host import validate
from tools.host.db import audit, insert, transaction
from tools.host.validate import BadRequest

MAX_PART = 8192
FORMATS = ("mpy", "py")


def publish(conn, data, now, force=False):
    """Store the package `data` (bytes) for terminals of its board and format → its manifest.
    BadRequest if it is not a package, or (unless force) its signature does not verify."""
    from tools.update.package import PackageError, check, read

    try:
        doc = read(data)[0] if force else check(data)
    except PackageError as e:
        raise BadRequest("not published: %s" % e, error="bad-package")
    fields = {k: doc.get(k) for k in ("version", "board", "format")}
    with transaction(conn) as c:
        old = c.execute(
            "SELECT id FROM updates WHERE version = ? AND board = ? AND format = ?",
            tuple(fields.values()),
        ).fetchone()
        if old is not None:
            raise BadRequest(
                "version %(version)s for %(board)s (%(format)s) is already published" % fields,
                error="exists",
                status=409,
            )
        row = dict(fields, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        row.update(data=data, published_at=now)
        insert(c, "updates", row)
        audit(c, now, "update-published", "cli", forced=force, size=len(data), **fields)
    return doc


def _wanted(body):
    return (
        validate.name(body, "version"),
        validate.name(body, "board"),
        validate.choice(body, "format", FORMATS),
    )


def check(c, tid, body, now):
    """/v1/update-check {version, board, format} → {"version": newest other version or None,
    "size", "sha256"} among the packages for that board and format."""
    version, board, fmt = _wanted(body)
    row = c.execute(
        "SELECT version, size, sha256 FROM updates WHERE board = ? AND format = ? "
        "ORDER BY id DESC LIMIT 1",
        (board, fmt),
    ).fetchone()
    if row is None or row["version"] == version:
        return {"version": None}
    audit(c, now, "update-offered", "terminal", tid, running=version, offered=row["version"])
    return {"version": row["version"], "size": row["size"], "sha256": row["sha256"]}


def fetch(c, tid, body, now):
    """/v1/update-fetch {version, board, format, offset, size ≤ 8192} → {version, offset,
    data (base64 of the bytes from offset)}."""
    version, board, fmt = _wanted(body)
    offset = validate.integer(body, "offset", 0, validate.MAX_COUNTER)
    size = validate.integer(body, "size", 1, MAX_PART)
    row = c.execute(
        "SELECT substr(data, ?, ?) AS part, size FROM updates "
        "WHERE version = ? AND board = ? AND format = ?",
        (offset + 1, size, version, board, fmt),
    ).fetchone()
    if row is None:
        raise BadRequest("no update %s for %s (%s)" % (version, board, fmt), "unknown-update", 404)
    if offset >= row["size"]:
        raise BadRequest("offset beyond the package's %d bytes" % row["size"])
    part = bytes(row["part"])
    if offset + len(part) == row["size"]:
        audit(c, now, "update-fetched", "terminal", tid, version=version, size=row["size"])
    return {"version": version, "offset": offset, "data": base64.b64encode(part).decode()}


PATHS = ("/v1/update-check", "/v1/update-fetch")


def dispatch(c, t, path, body, now):
    if path == "/v1/update-check":
        return check(c, t["id"], body, now)
    return fetch(c, t["id"], body, now)
