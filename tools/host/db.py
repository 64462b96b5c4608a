# SQLite storage for the host. The server and the operator CLI open the same file at the same
# time, so every read-modify-write runs in BEGIN IMMEDIATE and nothing is cached in memory.
import json
import os
import sqlite3

SCHEMA_VERSION = "2"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    id INTEGER PRIMARY KEY,
    merchant TEXT NOT NULL, serial TEXT NOT NULL, terminal TEXT NOT NULL,
    secret BLOB NOT NULL,
    channel TEXT NOT NULL,
    issued_at REAL NOT NULL, expires_at REAL NOT NULL,
    tries_left INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('live', 'used', 'burned', 'superseded')),
    tid INTEGER
);
CREATE INDEX IF NOT EXISTS codes_triple ON codes (merchant, serial, terminal);
CREATE TABLE IF NOT EXISTS terminals (
    id INTEGER PRIMARY KEY,
    merchant TEXT NOT NULL, serial TEXT NOT NULL, terminal TEXT NOT NULL,
    code_id INTEGER NOT NULL UNIQUE REFERENCES codes (id),
    secret BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'revoked')),
    reason TEXT,
    activated_at REAL NOT NULL, decided_at REAL,
    last_ctr INTEGER NOT NULL,
    host_ctr INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages (
    tid INTEGER NOT NULL, ctr INTEGER NOT NULL, path TEXT NOT NULL, mac TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (tid, ctr)
);
CREATE TABLE IF NOT EXISTS auths (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL, key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    amount INTEGER, currency TEXT, last4 TEXT, token TEXT, method TEXT, kind TEXT,
    status TEXT NOT NULL CHECK (status IN ('approved', 'declined', 'blocked')),
    reason TEXT, code TEXT NOT NULL, auth_code TEXT,
    at REAL NOT NULL, reversed_at REAL,
    account TEXT, member TEXT, settle_id INTEGER,
    UNIQUE (tid, key)
);
CREATE TABLE IF NOT EXISTS sales (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL, key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, last4 TEXT NOT NULL, token TEXT NOT NULL,
    method TEXT NOT NULL, sale_time INTEGER NOT NULL, stored_at REAL NOT NULL,
    account TEXT, member TEXT, voided_at REAL, settle_id INTEGER,
    UNIQUE (tid, key)
);
CREATE TABLE IF NOT EXISTS refunds (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL, key TEXT NOT NULL, ref TEXT,
    fingerprint TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL,
    last4 TEXT, token TEXT, method TEXT, account TEXT, member TEXT,
    refund_time INTEGER NOT NULL, stored_at REAL NOT NULL, settle_id INTEGER,
    UNIQUE (tid, key)
);
CREATE INDEX IF NOT EXISTS refunds_ref ON refunds (tid, ref);
CREATE TABLE IF NOT EXISTS voids (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL, key TEXT NOT NULL,
    auth_id INTEGER, sale_id INTEGER,
    amount INTEGER NOT NULL, currency TEXT NOT NULL,
    void_time INTEGER NOT NULL, at REAL NOT NULL, settle_id INTEGER,
    UNIQUE (tid, key)
);
CREATE TABLE IF NOT EXISTS settlements (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL, batch INTEGER NOT NULL,
    status TEXT NOT NULL, figures TEXT NOT NULL, reply TEXT NOT NULL,
    at REAL NOT NULL,
    UNIQUE (tid, batch)
);
CREATE TABLE IF NOT EXISTS diag_reports (
    id INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL,
    at REAL NOT NULL,
    version TEXT NOT NULL, state TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS diag_reports_tid ON diag_reports (tid);
CREATE TABLE IF NOT EXISTS updates (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL, board TEXT NOT NULL, format TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL,
    published_at REAL NOT NULL,
    UNIQUE (version, board, format)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    tid INTEGER,
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""

# Columns added in schema 2 to tables schema 1 already had: a version 1 file gains them on open.
ADDED_COLUMNS = (
    ("auths", "account TEXT"),
    ("auths", "member TEXT"),
    ("auths", "settle_id INTEGER"),
    ("sales", "account TEXT"),
    ("sales", "member TEXT"),
    ("sales", "voided_at REAL"),
    ("sales", "settle_id INTEGER"),
)


def connect(path):
    conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    with transaction(conn):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        for table, column in ADDED_COLUMNS:
            have = {r["name"] for r in conn.execute("PRAGMA table_info(%s)" % table)}
            if column.split()[0] not in have:
                conn.execute("ALTER TABLE %s ADD COLUMN %s" % (table, column))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        # Keys PAN tokens: the same card gives the same token here and nowhere else.
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('pepper', ?)", (os.urandom(32).hex(),))
    return conn


class transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def meta(conn, key):
    row = conn.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
    return row["v"] if row else None


_INSERTS = {}  # (table, columns) -> its INSERT statement: a batch inserts the same row shape
_DETAIL = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def insert(conn, table, row):
    """INSERT one row given as a dict → its id."""
    shape = (table, tuple(row))
    sql = _INSERTS.get(shape)
    if sql is None:
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        sql = _INSERTS[shape] = "INSERT INTO %s (%s) VALUES (%s)" % (table, names, marks)
    return conn.execute(sql, tuple(row.values())).lastrowid


_AUDIT = "INSERT INTO audit (at, tid, event, actor, detail) VALUES (?, ?, ?, ?, ?)"


def audit(conn, at, event, actor, tid=None, **detail):
    conn.execute(_AUDIT, (at, tid, event, actor, _DETAIL(detail)))


def audit_row(at, event, actor, tid=None, **detail):
    """An audit row for audit_many: a batch writes the rows of its records in one call."""
    return (at, tid, event, actor, _DETAIL(detail))


def audit_many(conn, rows):
    conn.executemany(_AUDIT, rows)
