# The audit trail (docs/selling.md): who did what privileged thing, one JSON line each in
# <flash>/audit/log, each line on flash before the caller goes on. Past 16 KiB the log moves
# to audit/log.1 (the one before is dropped), so the trail takes at most 32 KiB of flash.
# Never a PAN, PIN or key: a detail that looks like one is refused, not written.
import json

from compat import const

_LOG = "audit/log"
_ROLL = const(16384)
_CHUNK = const(256)


def record(term, act, role, **detail):
    """Append {"ts", "tid", "term", "role", "act", **detail} to the log, synced. ValueError if
    a detail's name starts like a secret's (pan, pin, track, cvv, secret, key) or its value
    holds a run of 12 or more digits (spaces and dashes between them still count)."""
    for k in detail:
        if k[:3].lower() in ("pan", "pin", "tra", "cvv", "sec", "key"):
            raise ValueError("audit: no secrets (%s)" % k)
        run = 0
        for ch in str(detail[k]):
            if "0" <= ch <= "9":
                run += 1
                if run >= 12:
                    raise ValueError("audit: no card numbers (%s)" % k)
            elif ch not in " -":
                run = 0
    rec = term.store.get("activation") or {}
    detail["ts"] = term.clock.time()
    detail["tid"] = rec.get("tid")
    detail["term"] = rec.get("terminal")
    detail["role"] = role
    detail["act"] = act
    line = json.dumps(detail).encode() + b"\n"
    term.flash.makedirs("audit")
    term.flash.append_line(_LOG, line, _ROLL, "audit")


def read(term, n):
    """The last `n` entries, newest first, across the log and the one before. The files are
    read backwards a chunk at a time: the viewer never needs 32 KiB of heap."""
    out = []
    flash = term.flash
    for name in (_LOG, _LOG + ".1"):
        if len(out) >= n or not flash.exists(name):
            continue
        with open(flash.path(name), "rb") as f:
            f.seek(0, 2)
            pos = f.tell()
            tail = b""  # the start of a line whose beginning is in a chunk not yet read
            while pos and len(out) < n:
                step = min(pos, _CHUNK)
                pos -= step
                f.seek(pos)
                lines = (f.read(step) + tail).split(b"\n")
                tail = lines.pop(0) if pos else b""
                while lines and len(out) < n:
                    line = lines.pop()
                    if line:
                        try:
                            out.append(json.loads(line))
                        except ValueError:  # torn by a power cut
                            pass
    return out
