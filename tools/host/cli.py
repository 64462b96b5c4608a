# `python -m tools.host COMMAND --db PATH ...`: the service and the back-office operator's
# commands. Commands other than serve open the same SQLite file and never need the server.
import argparse
import json
import sys
import time

from tools.host import proto, receipts
from tools.host.db import connect
from tools.host.service import DEFAULT_CODE_TTL, Host
from tools.host.validate import BadRequest


def _when(t):
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t)) if t else "-"


def cmd_serve(host, args):
    import asyncio

    from tools.host.server import serve

    try:
        asyncio.run(serve(host, args.bind, args.port))
    except OSError as e:  # the port is taken, or the address is not ours
        raise BadRequest("cannot listen on %s:%d: %s" % (args.bind, args.port, e.strerror))


def cmd_issue_code(host, args):
    issued = host.issue_code(args.merchant, args.serial, args.terminal, "cli", args.ttl)
    if args.json:
        print(json.dumps(issued))
        return
    print("activation code: %s" % proto.group_code(issued["code"]))
    print(
        "for merchant %s, serial %s, terminal %s; single use, %d tries, valid until %s"
        % (args.merchant, args.serial, args.terminal, issued["tries"], _when(issued["expires_at"]))
    )


def cmd_review(host, args):
    rows = host.terminals(None if args.all else "pending")
    if args.json:
        print(json.dumps(rows))
        return
    if not rows:
        print("no terminals waiting for review" if not args.all else "no terminals")
        return
    line = "%-4s %-10s %-12s %-16s %-8s %-9s %s"
    print(line % ("ID", "MERCHANT", "TERMINAL", "SERIAL", "CHANNEL", "STATE", "ACTIVATED"))
    for r in rows:
        cells = [r[k] for k in ("id", "merchant", "terminal", "serial", "channel", "state")]
        print(line % tuple(cells + [_when(r["activated_at"])]))


def cmd_approve(host, args):
    host.approve(args.id)
    print("terminal %d approved" % args.id)


def cmd_reject(host, args):
    host.reject(args.id, args.reason)
    print("terminal %d rejected: %s" % (args.id, args.reason))


def cmd_revoke(host, args):
    host.revoke(args.id, args.reason)
    print("terminal %d revoked; it is told so on its next request" % args.id)


def cmd_audit(host, args):
    rows = host.audit_rows(args.terminal, args.limit)
    if args.json:
        print(json.dumps(rows))
        return
    for r in rows:
        tid = "-" if r["tid"] is None else str(r["tid"])
        detail = " ".join("%s=%s" % kv for kv in sorted(r["detail"].items()))
        print("%s %-4s %-16s %-8s %s" % (_when(r["at"]), tid, r["event"], r["actor"], detail))


def cmd_verify_receipt(host, args):
    why = receipts.verify(args.text, host.terminal_secret)
    if why:
        print("forged: " + why)
        return 1
    print("valid")
    return 0


def cmd_publish_update(host, args):
    from tools.host import updates

    try:
        with open(args.package, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BadRequest("cannot read %s: %s" % (args.package, e.strerror))
    doc = updates.publish(host.conn, data, host.now(), args.force)
    print(
        "published update %s for %s (%s): %d files, %d bytes%s"
        % (doc["version"], doc["board"], doc["format"], len(doc["files"]), len(data),
           " (signature NOT checked)" if args.force else "")
    )  # fmt: skip


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default="host.sqlite", help="SQLite file (created if missing)")
    p = argparse.ArgumentParser(
        prog="python -m tools.host",
        description="Reference acquirer and activation host (docs/host.md).",
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", parents=[common], help="run the host service")
    s.add_argument("--bind", default="127.0.0.1", help="address to listen on (default loopback)")
    s.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    s.add_argument("--code-ttl", type=float, default=DEFAULT_CODE_TTL, help="seconds")
    s.add_argument("--auto-approve", action="store_true", help="approve every activation")
    s.add_argument("--slow-card-delay", type=float, default=3.0, help="seconds (test card)")
    s.set_defaults(run=cmd_serve)

    s = sub.add_parser("issue-code", parents=[common], help="issue an activation code")
    s.add_argument("--merchant", required=True)
    s.add_argument("--serial", required=True)
    s.add_argument("--terminal", required=True)
    s.add_argument("--ttl", type=float, default=None, help="seconds (default 24 h)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_issue_code)

    s = sub.add_parser("review", parents=[common], help="list terminals waiting for review")
    s.add_argument("--all", action="store_true", help="every terminal, not only pending")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_review)

    s = sub.add_parser("approve", parents=[common], help="approve a pending terminal")
    s.add_argument("id", type=int)
    s.set_defaults(run=cmd_approve)

    s = sub.add_parser("reject", parents=[common], help="reject a pending terminal")
    s.add_argument("id", type=int)
    s.add_argument("--reason", required=True)
    s.set_defaults(run=cmd_reject)

    s = sub.add_parser("revoke", parents=[common], help="deactivate a terminal")
    s.add_argument("id", type=int)
    s.add_argument("--reason", default="revoked by the operator")
    s.set_defaults(run=cmd_revoke)

    s = sub.add_parser("audit", parents=[common], help="show the audit log")
    s.add_argument("--terminal", type=int, default=None, help="only this terminal ID")
    s.add_argument("--limit", type=int, default=100, help="newest N rows")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_audit)

    s = sub.add_parser("verify-receipt", parents=[common], help="check a receipt's QR text")
    s.add_argument("text", help="EINV1|tid|no|yyyymmddhhmm|amount|currency|check")
    s.set_defaults(run=cmd_verify_receipt)

    s = sub.add_parser("publish-update", parents=[common], help="offer a signed update package")
    s.add_argument("package", help="a package from `python -m tools.update build`")
    s.add_argument(
        "--force", action="store_true", help="publish even if the signature does not verify"
    )
    s.set_defaults(run=cmd_publish_update)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    conn = connect(args.db)
    try:
        ttl = getattr(args, "code_ttl", DEFAULT_CODE_TTL)
        host = Host(
            conn,
            code_ttl=ttl,
            auto_approve=getattr(args, "auto_approve", False),
            slow_s=getattr(args, "slow_card_delay", 3.0),
        )
        return args.run(host, args) or 0
    except BadRequest as e:
        print("error: " + e.detail, file=sys.stderr)
        return 2
    finally:
        conn.close()
