# What the host does, without HTTP: the operator's actions (issue, review, revoke) and the
# terminal-facing pipeline handle(path, raw bytes) → Reply. docs/host.md is the contract.
import hashlib
import hmac
import json
import secrets
import time

from tools.host import backups, cards, pinblock, proto, updates, validate
from tools.host.db import audit, audit_many, audit_row, insert, meta, transaction
from tools.host.validate import BadRequest

CODE_TRIES = 5
DEFAULT_CODE_TTL = 24 * 3600.0
MAX_BATCH = 200
SIGNED_PATHS = (
    "/v1/status",
    "/v1/ping",
    "/v1/auth",
    "/v1/reverse",
    "/v1/batch",
    "/v1/settle",
    "/v1/diag",
)
SIGNED_PATHS += backups.PATHS  # docs/backup.md
SIGNED_PATHS += updates.PATHS  # docs/update.md
ACTIVATE = "/v1/activate"
PATHS = (ACTIVATE,) + SIGNED_PATHS
RECORD_TYPES = ("sale", "void", "refund", "reverse")
MAX_DIAG = 4096  # characters of a diagnostic report's body: a few hundred in practice
REPORT_LINES = ("sales", "refunds", "voids", "cash")


class Reply:
    """An HTTP status, the JSON object to send, and how long to hold it (slow test card)."""

    def __init__(self, status, body, delay=0.0):
        self.status = status
        self.body = body
        self.delay = delay


class Envelope:
    def __init__(self, tid, ctr, body, mac):
        self.tid = tid
        self.ctr = ctr
        self.body = body
        self.mac = mac


def parse_envelope(raw):
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("body is not JSON", error="bad-json")
    validate.obj(doc, "request")
    tid = validate.integer(doc, "tid", 0, validate.MAX_COUNTER)
    ctr = validate.integer(doc, "ctr", 1, validate.MAX_COUNTER)
    body = validate.present(doc, "body")
    if not isinstance(body, str):
        raise BadRequest("body must be a string holding JSON")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("body must be valid Unicode")
    mac = validate.text(doc, "mac", validate.HEX64, "64 lowercase hex digits")
    return Envelope(tid, ctr, body, mac)


def parse_body(body):
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest("body is not JSON", error="bad-json")
    return validate.obj(doc, "body")


class Host:
    def __init__(self, conn, code_ttl=DEFAULT_CODE_TTL, auto_approve=False, slow_s=3.0, now=None):
        self.conn = conn
        self.code_ttl = code_ttl
        self.auto_approve = auto_approve
        self.slow_s = slow_s
        self.now = now or time.time
        self.pepper = bytes.fromhex(meta(conn, "pepper"))
        self._month = (None, 0, 0)  # (now, year, month) of the last card decision
        self.backup_master = backups.setup(conn)  # docs/backup.md

    # ---- operator and web channel -------------------------------------------------------

    def issue_code(self, merchant, serial, terminal, channel, ttl=None):
        fields = {"merchant": merchant, "serial": serial, "terminal": terminal}
        for field in fields:
            validate.name(fields, field)
        ttl = self.code_ttl if ttl is None else ttl
        if not ttl > 0:
            raise BadRequest("a code's lifetime must be above 0 seconds")
        code = "%0*d" % (proto.CODE_DIGITS, secrets.randbelow(10**proto.CODE_DIGITS))
        secret = proto.derive_secret(code, serial)
        now = self.now()
        with transaction(self.conn) as c:
            # A new code for the same terminal replaces the old one: only one may be live.
            c.execute(
                "UPDATE codes SET state = 'superseded' WHERE merchant = ? AND serial = ? "
                "AND terminal = ? AND state = 'live'",
                (merchant, serial, terminal),
            )
            row = dict(fields, secret=secret, channel=channel, issued_at=now)
            row.update(expires_at=now + ttl, tries_left=CODE_TRIES, state="live")
            code_id = insert(c, "codes", row)
            audit(c, now, "code-issued", channel, code_id=code_id, expires_at=now + ttl, **fields)
        return {"code": code, "code_id": code_id, "expires_at": now + ttl, "tries": CODE_TRIES}

    def terminals(self, state=None):
        sql = (
            "SELECT t.id, t.merchant, t.serial, t.terminal, t.state, t.reason, t.activated_at, "
            "t.decided_at, c.channel FROM terminals t JOIN codes c ON c.id = t.code_id"
        )
        args = ()
        if state:
            sql += " WHERE t.state = ?"
            args = (state,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY t.id", args)]

    def approve(self, tid, actor="cli"):
        now = self.now()
        with transaction(self.conn) as c:
            t = self._decidable(c, tid, ("pending",))
            self._approve(c, t, now, actor)

    def reject(self, tid, reason, actor="cli"):
        if not reason:
            raise BadRequest("a rejection needs a reason")
        now = self.now()
        with transaction(self.conn) as c:
            self._decidable(c, tid, ("pending",))
            c.execute(
                "UPDATE terminals SET state = 'rejected', reason = ?, decided_at = ? WHERE id = ?",
                (reason, now, tid),
            )
            audit(c, now, "rejected", actor, tid, reason=reason)

    def revoke(self, tid, reason, actor="cli"):
        now = self.now()
        with transaction(self.conn) as c:
            self._decidable(c, tid, ("pending", "approved"))
            self._revoke(c, tid, reason, now, actor, "revoked")

    def audit_rows(self, tid=None, limit=100):
        sql = "SELECT id, at, tid, event, actor, detail FROM audit"
        args = ()
        if tid is not None:
            sql += " WHERE tid = ?"
            args = (tid,)
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", args + (limit,)).fetchall()
        return [dict(r, detail=json.loads(r["detail"])) for r in reversed(rows)]

    def terminal_secret(self, tid):
        """The secret of terminal tid in any state (its old receipts stay checkable), or None."""
        row = self.conn.execute("SELECT secret FROM terminals WHERE id = ?", (tid,)).fetchone()
        return None if row is None else bytes(row["secret"])

    def _decidable(self, c, tid, states):
        t = c.execute("SELECT * FROM terminals WHERE id = ?", (tid,)).fetchone()
        if t is None:
            raise BadRequest("no terminal %d" % tid, error="unknown-terminal", status=404)
        if t["state"] not in states:
            raise BadRequest(
                "terminal %d is %s, not %s" % (tid, t["state"], " or ".join(states)),
                error="wrong-state",
                status=409,
            )
        return t

    def _approve(self, c, t, now, actor):
        c.execute(
            "UPDATE terminals SET state = 'approved', decided_at = ? WHERE id = ?", (now, t["id"])
        )
        audit(c, now, "approved", actor, t["id"])
        # The same device activated again (reset, new code): its older identity stops working.
        older = c.execute(
            "SELECT id FROM terminals WHERE serial = ? AND id != ? "
            "AND state IN ('pending', 'approved')",
            (t["serial"], t["id"]),
        ).fetchall()
        for row in older:
            reason = "superseded by terminal %d" % t["id"]
            self._revoke(c, row["id"], reason, now, actor, "superseded")

    def _revoke(self, c, tid, reason, now, actor, event):
        reason = reason or "revoked by the operator"
        c.execute(
            "UPDATE terminals SET state = 'revoked', reason = ?, decided_at = ? WHERE id = ?",
            (reason, now, tid),
        )
        audit(c, now, event, actor, tid, reason=reason)

    # ---- terminal-facing pipeline -------------------------------------------------------

    def handle(self, path, raw):
        """Answer one POST to path with body raw; every failure is a Reply, never a raise."""
        if path not in PATHS:
            return Reply(404, {"error": "not-found", "detail": "no endpoint " + path})
        try:
            env = parse_envelope(raw)
            if path == ACTIVATE:
                return self._activate(env)
            return self._signed(path, env)
        except BadRequest as e:
            return Reply(e.status, {"error": e.error, "detail": e.detail})

    def _activate(self, env):
        if env.tid != 0:
            raise BadRequest("tid must be 0 on activation")
        body = parse_body(env.body)
        merchant = validate.name(body, "merchant")
        serial = validate.name(body, "serial")
        terminal = validate.name(body, "terminal")
        who = {"merchant": merchant, "serial": serial, "terminal": terminal}
        now = self.now()
        with transaction(self.conn) as c:
            code = c.execute(
                "SELECT * FROM codes WHERE merchant = ? AND serial = ? AND terminal = ? "
                "ORDER BY id DESC LIMIT 1",
                (merchant, serial, terminal),
            ).fetchone()
            if code is None:
                audit(c, now, "unknown-terminal", "terminal", **who)
                return _plain(404, "unknown-terminal", "no activation code for this terminal")
            state = code["state"]
            if state == "burned":
                audit(c, now, "code-burned", "terminal", code_id=code["id"], **who)
                return _plain(410, "code-burned", "too many wrong codes: ask for a new one")
            if state == "live" and now >= code["expires_at"]:
                audit(c, now, "code-expired", "terminal", code_id=code["id"], **who)
                return _plain(410, "code-expired", "the code has expired: ask for a new one")
            ok = proto.mac_ok(
                code["secret"], proto.TO_HOST, ACTIVATE, 0, env.ctr, 0, env.body, env.mac
            )
            if not ok:
                return self._wrong_code(c, code, now, who)
            if state == "used":
                # A retry after a lost reply: same code, same device, so the same identity.
                t = c.execute("SELECT * FROM terminals WHERE id = ?", (code["tid"],)).fetchone()
                stale = self._counter(c, t, ACTIVATE, env, now)
                if stale:
                    return stale
                audit(c, now, "activate-retry", "terminal", t["id"], code_id=code["id"])
            else:
                t = self._enrol(c, code, env, now)
            return self._sign(c, t["id"], ACTIVATE, env.ctr, 200, _status_body(c, t["id"]))

    def _wrong_code(self, c, code, now, who):
        if code["state"] == "used":
            audit(c, now, "code-used", "terminal", code_id=code["id"], **who)
            return _plain(410, "code-used", "this code was already used")
        left = code["tries_left"] - 1
        state = "burned" if left <= 0 else "live"
        c.execute(
            "UPDATE codes SET tries_left = ?, state = ? WHERE id = ?", (left, state, code["id"])
        )
        if left <= 0:
            audit(c, now, "code-burned", "terminal", code_id=code["id"], **who)
            return Reply(410, {"error": "code-burned", "tries_left": 0, "detail": "ask again"})
        audit(c, now, "bad-code", "terminal", code_id=code["id"], tries_left=left, **who)
        return Reply(403, {"error": "bad-code", "tries_left": left, "detail": "wrong code"})

    def _enrol(self, c, code, env, now):
        row = {k: code[k] for k in ("merchant", "serial", "terminal", "secret")}
        row.update(code_id=code["id"], state="pending", activated_at=now, last_ctr=env.ctr)
        tid = insert(c, "terminals", row)
        c.execute("UPDATE codes SET state = 'used', tid = ? WHERE id = ?", (tid, code["id"]))
        c.execute(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?)", (tid, env.ctr, ACTIVATE, env.mac, now)
        )
        audit(c, now, "activated", "terminal", tid, code_id=code["id"], channel=code["channel"])
        t = c.execute("SELECT * FROM terminals WHERE id = ?", (tid,)).fetchone()
        if self.auto_approve:
            self._approve(c, t, now, "auto")
        return t

    def _signed(self, path, env):
        now = self.now()
        with transaction(self.conn) as c:
            t = c.execute("SELECT * FROM terminals WHERE id = ?", (env.tid,)).fetchone()
            if t is None:
                audit(c, now, "unknown-terminal", "terminal", env.tid, path=path)
                return _plain(404, "unknown-terminal", "no terminal %d" % env.tid)
            if not proto.mac_ok(
                t["secret"], proto.TO_HOST, path, env.tid, env.ctr, 0, env.body, env.mac
            ):
                audit(c, now, "bad-mac", "terminal", env.tid, path=path, ctr=env.ctr)
                return _plain(401, "bad-mac", "the request's MAC does not verify")
            stale = self._counter(c, t, path, env, now)
            if stale:
                return stale
            state = t["state"]
            if path != "/v1/status" and state != "approved":
                if state == "revoked":
                    audit(c, now, "revoked-contact", "terminal", t["id"], path=path)
                    body = {"error": "revoked", "reason": t["reason"]}
                else:
                    body = {"error": "not-approved", "state": state}
                return self._sign(c, t["id"], path, env.ctr, 403, body)
            try:
                status, body, delay = self._dispatch(c, t, path, parse_body(env.body), now)
            except BadRequest as e:
                status, body, delay = e.status, {"error": e.error, "detail": e.detail}, 0.0
            reply = self._sign(c, t["id"], path, env.ctr, status, body)
            reply.delay = delay
            return reply

    def _counter(self, c, t, path, env, now):
        """None when env.ctr is fresh (and now used up); else the signed 409 to send."""
        if env.ctr > t["last_ctr"]:
            c.execute("UPDATE terminals SET last_ctr = ? WHERE id = ?", (env.ctr, t["id"]))
            c.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?)",
                (t["id"], env.ctr, path, env.mac, now),
            )
            return None
        seen = c.execute(
            "SELECT mac FROM messages WHERE tid = ? AND ctr = ?", (t["id"], env.ctr)
        ).fetchone()
        kind = "replay" if seen and seen["mac"] == env.mac else "stale-counter"
        audit(c, now, kind, "terminal", t["id"], path=path, ctr=env.ctr, last_ctr=t["last_ctr"])
        body = {"error": kind, "last_ctr": t["last_ctr"]}
        return self._sign(c, t["id"], path, env.ctr, 409, body)

    def _sign(self, c, tid, path, re, status, body):
        row = c.execute(
            "UPDATE terminals SET host_ctr = host_ctr + 1 WHERE id = ? RETURNING host_ctr, secret",
            (tid,),
        ).fetchall()[0]  # read to the end so the statement is finished before COMMIT
        return Reply(status, proto.reply(row["secret"], path, tid, row["host_ctr"], re, body))

    def _dispatch(self, c, t, path, body, now):
        if path == "/v1/status":
            return 200, _status_body(c, t["id"]), 0.0
        if path == "/v1/ping":
            return 200, {"status": "ok", "time": int(now)}, 0.0
        if path == "/v1/auth":
            return self._auth(c, t, body, now)
        if path == "/v1/reverse":
            return 200, self._reverse(c, t["id"], body, now), 0.0
        if path == "/v1/settle":
            return 200, self._settle(c, t["id"], body, now), 0.0
        if path in backups.PATHS:
            return 200, backups.dispatch(c, t, path, body, now, self.backup_master), 0.0
        if path in updates.PATHS:
            return 200, updates.dispatch(c, t, path, body, now), 0.0
        if path == "/v1/diag":
            return 200, self._diag(c, t["id"], body, now), 0.0
        return 200, self._batch(c, t["id"], body, now), 0.0

    # ---- diagnostics --------------------------------------------------------------------

    def _diag(self, c, tid, body, now):
        """A terminal's diagnostic report, kept as sent for support; every one is new."""
        version = validate.text(body, "version", validate.NAME, "1-32 letters, digits, . _ -")
        state = validate.text(body, "state", validate.NAME, "1-32 letters, digits, . _ -")
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        if len(text) > MAX_DIAG:
            raise BadRequest("a diagnostic report holds at most %d characters" % MAX_DIAG)
        row = dict(tid=tid, at=now, version=version, state=state, report=text)
        report_id = insert(c, "diag_reports", row)
        detail = {"report": report_id, "version": version, "state": state}
        audit(c, now, "diag-report", "terminal", tid, **detail)
        return {"status": "stored", "report": report_id}

    # ---- payments -----------------------------------------------------------------------

    def _token(self, pan):
        return "tok_" + hmac.digest(self.pepper, pan.encode(), "sha256").hex()[:24]

    def _sale(self, d):
        """Checked sale fields → (fields for storage, pan, exp); the PAN goes no further."""
        amount, currency = validate.money(d)
        pan, exp, method = validate.card(d)
        token = self._token(pan)
        sale = {"amount": amount, "currency": currency, "last4": pan[-4:], "token": token}
        sale["method"] = method
        return sale, pan, exp

    def _decide(self, pan, exp, amount, now):
        if self._month[0] != now:  # a batch decides many records at one `now`
            tm = time.gmtime(now)
            self._month = (now, tm.tm_year, tm.tm_mon)
        return cards.decide(pan, exp, amount, self._month[1], self._month[2])

    def _auth(self, c, t, body, now):
        tid = t["id"]
        key = validate.key(body)
        sale, pan, exp = self._sale(body)
        kind = validate.choice(body, "kind", ("sale", "test"), "sale")
        account = validate.account(body)
        member = validate.member(body)
        pb = body.get("pb")
        if pb is not None and not isinstance(pb, str):
            raise BadRequest("pb must be a string of 32 hex digits")
        fp = _fingerprint(sale, exp, kind, account)
        row = c.execute("SELECT * FROM auths WHERE tid = ? AND key = ?", (tid, key)).fetchone()
        if row is not None:
            if row["status"] == "blocked":
                audit(c, now, "auth-blocked", "terminal", tid, key=key, **_pci(sale))
                return 200, _auth_body(row, key), 0.0
            if row["fingerprint"] != fp:
                audit(c, now, "key-reused", "terminal", tid, key=key, **_pci(sale))
                raise BadRequest(
                    "this key belongs to another sale", error="key-reused", status=409
                )
            audit(c, now, "auth-retry", "terminal", tid, key=key, txn=row["id"])
            return 200, _auth_body(row, key), 0.0
        refusal = _pin_refusal(bytes(t["secret"]), pan, account, pb)
        status, reason, code = refusal or self._decide(pan, exp, sale["amount"], now)
        approval = cards.auth_code(tid, key) if status == "approved" else None
        row = dict(tid=tid, key=key, fingerprint=fp, kind=kind, status=status, reason=reason)
        row.update(sale, code=code, auth_code=approval, at=now, account=account, member=member)
        txn = insert(c, "auths", row)
        detail = dict(_pci(sale), key=key, kind=kind, result=status, reason=reason, txn=txn)
        detail["account"] = account
        audit(c, now, "auth", "terminal", tid, **detail)
        row = c.execute("SELECT * FROM auths WHERE id = ?", (txn,)).fetchone()
        delay = self.slow_s if cards.is_slow(pan) else 0.0
        return 200, _auth_body(row, key), delay

    def _reverse(self, c, tid, body, now):
        key = validate.key(body)
        row = c.execute("SELECT * FROM auths WHERE tid = ? AND key = ?", (tid, key)).fetchone()
        if row is None:
            # The auth never arrived (or not yet): block the key so a late copy is declined.
            c.execute(
                "INSERT INTO auths (tid, key, fingerprint, status, reason, code, at, reversed_at) "
                "VALUES (?, ?, '', 'blocked', 'reversed', '05', ?, ?)",
                (tid, key, now, now),
            )
            audit(c, now, "reverse", "terminal", tid, key=key, result="not-found")
            return {"status": "not-found", "key": key, "txn": None}
        if row["status"] == "blocked":
            return {"status": "not-found", "key": key, "txn": None}
        if row["status"] == "declined":
            audit(c, now, "reverse", "terminal", tid, key=key, result="declined", txn=row["id"])
            return {"status": "declined", "key": key, "txn": row["id"]}
        if row["reversed_at"] is None:
            c.execute("UPDATE auths SET reversed_at = ? WHERE id = ?", (now, row["id"]))
        audit(c, now, "reverse", "terminal", tid, key=key, result="reversed", txn=row["id"])
        return {"status": "reversed", "key": key, "txn": row["id"]}

    def _batch(self, c, tid, body, now):
        records = validate.present(body, "records")
        if not isinstance(records, list) or not 1 <= len(records) <= MAX_BATCH:
            raise BadRequest("records must be a list of 1-%d sales" % MAX_BATCH)
        stored = []  # the audit rows of the sales stored, written together at the end
        results = [self._forwarded(c, tid, record, now, stored) for record in records]
        audit_many(c, stored)
        counts = {}
        for r in results:
            counts[r["result"]] = counts.get(r["result"], 0) + 1
        audit(c, now, "batch", "terminal", tid, records=len(records), **counts)
        return {"results": results}

    def _forwarded(self, c, tid, record, now, stored):
        """One store-and-forward record → its final result; a record is never acted on twice."""
        key = None
        try:
            validate.obj(record, "record")
            key = validate.key(record)
            kind = validate.choice(record, "type", RECORD_TYPES, "sale")
            if kind == "void":
                return self._void(c, tid, key, record, now)
            if kind == "refund":
                return self._refund(c, tid, key, record, now)
            if kind == "reverse":
                done = self._reverse(c, tid, record, now)
                return {"key": key, "result": done["status"], "txn": done["txn"]}
            return self._offline_sale(c, tid, key, record, now, stored)
        except BadRequest as e:
            return {"key": key, "result": "rejected", "reason": e.detail}

    def _offline_sale(self, c, tid, key, record, now, stored):
        """A sale the terminal approved offline; stored at most once per (tid, key)."""
        sale, pan, exp = self._sale(record)
        sale_time = validate.integer(record, "time", 0, validate.MAX_COUNTER)
        account = validate.account(record)
        member = validate.member(record)
        fp = _fingerprint(sale, exp, "offline", account)
        # one look up for both: a batch asks it of every record
        row = c.execute(
            "SELECT s.id, s.fingerprint, a.id AS auth FROM (SELECT 1) LEFT JOIN sales s"
            " ON s.tid = ?1 AND s.key = ?2 LEFT JOIN auths a ON a.tid = ?1 AND a.key = ?2",
            (tid, key),
        ).fetchone()
        if row["id"] is not None:
            if row["fingerprint"] != fp:
                return {"key": key, "result": "rejected", "reason": "key-reused"}
            return {"key": key, "result": "duplicate", "sale": row["id"]}
        # The terminal goes offline only when its auth provably never left; should one have
        # reached us anyway, that auth is the sale (or a blocked key): never charge twice.
        if row["auth"] is not None:
            audit(c, now, "sale-rejected", "terminal", tid, key=key, reason="authorised-online")
            return {"key": key, "result": "rejected", "reason": "authorised-online"}
        status, reason, _ = self._decide(pan, exp, sale["amount"], now)
        if status != "approved":
            audit(c, now, "sale-rejected", "terminal", tid, key=key, reason=reason, **_pci(sale))
            return {"key": key, "result": "rejected", "reason": reason}
        sale_id = c.execute(
            "INSERT INTO sales (tid, key, fingerprint, amount, currency, last4, token, method,"
            " sale_time, stored_at, account, member) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (tid, key, fp, sale["amount"], sale["currency"], sale["last4"], sale["token"],
             sale["method"], sale_time, now, account, member),
        ).lastrowid  # fmt: skip
        stored.append(audit_row(now, "sale-stored", "terminal", tid, key=key, sale=sale_id,
                                **_pci(sale)))  # fmt: skip
        return {"key": key, "result": "stored", "sale": sale_id}

    def _void(self, c, tid, key, record, now):
        """Void of the sale with this key: reverse its online auth or cancel its stored copy."""
        void_time = validate.integer(record, "time", 0, validate.MAX_COUNTER)
        done = c.execute("SELECT * FROM voids WHERE tid = ? AND key = ?", (tid, key)).fetchone()
        if done is not None:
            return _voided(key, done)
        target = c.execute(
            "SELECT * FROM auths WHERE tid = ? AND key = ? AND status = 'approved' "
            "AND reversed_at IS NULL",
            (tid, key),
        ).fetchone()
        if target is not None:
            c.execute("UPDATE auths SET reversed_at = ? WHERE id = ?", (now, target["id"]))
            row = {"auth_id": target["id"], "sale_id": None}
        else:
            target = c.execute(
                "SELECT * FROM sales WHERE tid = ? AND key = ? AND voided_at IS NULL", (tid, key)
            ).fetchone()
            if target is None:
                audit(c, now, "void", "terminal", tid, key=key, result="unknown-sale")
                return {"key": key, "result": "rejected", "reason": "unknown-sale"}
            c.execute("UPDATE sales SET voided_at = ? WHERE id = ?", (now, target["id"]))
            row = {"auth_id": None, "sale_id": target["id"]}
        row.update(tid=tid, key=key, amount=target["amount"], currency=target["currency"])
        row.update(void_time=void_time, at=now)
        insert(c, "voids", row)
        audit(c, now, "void", "terminal", tid, key=key, result="voided", **_pci(target))
        return _voided(key, row)

    def _refund(self, c, tid, key, record, now):
        """A refund to a card (or in cash, with no card fields), never above what was sold."""
        amount, currency = validate.money(record)
        refund_time = validate.integer(record, "time", 0, validate.MAX_COUNTER)
        ref = validate.key(record, "ref") if record.get("ref") is not None else None
        account = validate.account(record)
        member = validate.member(record)
        row = dict(tid=tid, key=key, ref=ref, amount=amount, currency=currency, account=account)
        row.update(member=member, refund_time=refund_time, stored_at=now)
        exp = None
        if any(field in record for field in ("pan", "exp", "method")):
            pan, exp, method = validate.card(record)
            row.update(last4=pan[-4:], token=self._token(pan), method=method)
            if not cards.luhn_ok(pan):
                return {"key": key, "result": "rejected", "reason": "invalid-pan"}
        card = (row.get("token"), exp, row.get("method"))
        row["fingerprint"] = _digest(("refund", amount, currency, ref, account) + card)
        old = c.execute("SELECT * FROM refunds WHERE tid = ? AND key = ?", (tid, key)).fetchone()
        if old is not None:
            if old["fingerprint"] != row["fingerprint"]:
                return {"key": key, "result": "rejected", "reason": "key-reused"}
            return {"key": key, "result": "duplicate", "refund": old["id"]}
        if ref is not None:
            why = self._refundable(c, tid, ref, amount)
            if why:
                audit(c, now, "refund-rejected", "terminal", tid, key=key, ref=ref, reason=why)
                return {"key": key, "result": "rejected", "reason": why}
        refund_id = insert(c, "refunds", row)
        pci = {k: row[k] for k in ("amount", "currency", "last4", "token") if row.get(k)}
        audit(c, now, "refund-stored", "terminal", tid, key=key, ref=ref, refund=refund_id, **pci)
        return {"key": key, "result": "stored", "refund": refund_id}

    def _refundable(self, c, tid, ref, amount):
        """None if amount may go back on the sale keyed ref, else the rejection reason."""
        sale = c.execute(
            "SELECT amount, reversed_at AS undone FROM auths WHERE tid = ? AND key = ? "
            "AND status = 'approved' UNION ALL "
            "SELECT amount, voided_at AS undone FROM sales WHERE tid = ? AND key = ?",
            (tid, ref, tid, ref),
        ).fetchone()
        if sale is None:
            return "unknown-sale"
        # A voided or reversed sale charged nothing, so nothing of it can be refunded.
        left = 0 if sale["undone"] is not None else sale["amount"]
        done = c.execute(
            "SELECT COALESCE(SUM(amount), 0) AS n FROM refunds WHERE tid = ? AND ref = ?",
            (tid, ref),
        ).fetchone()["n"]
        return "over-refund" if done + amount > left else None

    # ---- settlement (Z report) ----------------------------------------------------------

    def _settle(self, c, tid, body, now):
        batch = validate.integer(body, "batch", 0, validate.MAX_COUNTER)
        mine = {line: validate.figures(body, line) for line in REPORT_LINES}
        done = c.execute(
            "SELECT reply FROM settlements WHERE tid = ? AND batch = ?", (tid, batch)
        ).fetchone()
        if done is not None:
            audit(c, now, "settle-retry", "terminal", tid, batch=batch)
            return json.loads(done["reply"])
        host = _open_figures(c, tid)
        balanced = all(mine[line] == host[line] for line in host)
        status = "balanced" if balanced else "out-of-balance"
        reply = {"status": status, "batch": batch, "host": host}
        row = dict(tid=tid, batch=batch, status=status, figures=json.dumps(mine), at=now)
        settle_id = insert(c, "settlements", dict(row, reply=json.dumps(reply)))
        # Close the host's batch whatever the outcome: the next settle starts from here.
        for table in ("auths", "sales", "refunds", "voids"):
            c.execute(
                "UPDATE %s SET settle_id = ? WHERE tid = ? AND settle_id IS NULL" % table,
                (settle_id, tid),
            )
        audit(c, now, "settle", "terminal", tid, batch=batch, status=status, host=host, **mine)
        return reply


def _plain(status, error, detail):
    return Reply(status, {"error": error, "detail": detail})


def _status_body(c, tid):
    t = c.execute("SELECT state, reason FROM terminals WHERE id = ?", (tid,)).fetchone()
    body = {"status": t["state"], "tid": tid}
    if t["reason"]:
        body["reason"] = t["reason"]
    return body


def _pci(sale):
    """What of a card may reach the audit log: amount, last four digits and the token."""
    return {
        "amount": sale["amount"],
        "currency": sale["currency"],
        "last4": sale["last4"],
        "token": sale["token"],
    }


def _fingerprint(sale, exp, kind, account="credit"):
    parts = (sale["amount"], sale["currency"], sale["token"], exp, sale["method"], kind)
    if account != "credit":  # so fingerprints stored before accounts existed still match
        parts += (account,)
    return _digest(parts)


def _digest(parts):
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _pin_refusal(secret, pan, account, pb):
    """The decline a PIN block earns, or None; the PIN goes no further than this function."""
    if pb is None:
        return cards.PIN_REQUIRED if account == "debit" else None
    try:
        pin = pinblock.read(secret, pan, pb)
    except ValueError:
        return cards.PIN_ERROR
    return cards.INCORRECT_PIN if pin == cards.WRONG_PIN else None


def _voided(key, row):
    if row["auth_id"] is not None:
        return {"key": key, "result": "voided", "txn": row["auth_id"]}
    return {"key": key, "result": "voided", "sale": row["sale_id"]}


def _open_figures(c, tid):
    """[count, amount] of this terminal's card sales, refunds and voids not yet settled."""

    def line(table, where=""):
        sql = "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM %s WHERE tid = ? " % table
        return list(c.execute(sql + "AND settle_id IS NULL" + where, (tid,)).fetchone())

    online = line("auths", " AND status = 'approved' AND kind = 'sale' AND reversed_at IS NULL")
    offline = line("sales", " AND voided_at IS NULL")
    return {
        "sales": [online[0] + offline[0], online[1] + offline[1]],
        "refunds": line("refunds", " AND token IS NOT NULL"),  # cash refunds are not settled
        "voids": line("voids"),
    }


def _auth_body(row, key):
    body = {"status": row["status"], "code": row["code"], "key": key, "txn": row["id"]}
    if row["status"] == "blocked":
        body["status"] = "declined"
    if row["status"] == "approved":
        body["auth_code"] = row["auth_code"]
    else:
        body["reason"] = row["reason"]
    if row["amount"] is not None:
        body["amount"] = row["amount"]
        body["currency"] = row["currency"]
        body["last4"] = row["last4"]
    return body
