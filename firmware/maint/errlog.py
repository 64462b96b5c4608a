# The error log a technician reads on the terminal (Maintenance > Error log): one line per
# failure the terminal survived — a screen that raised, an update refused or rolled back.
# <flash>/errlog, moved to errlog.1 past 8 KiB (the one before is dropped): at most 16 KiB of
# flash. Never a card number: runs of 12 or more digits are masked before anything is written.

from compat import const

_LOG = "errlog"
_ROLL = const(8192)
_WIDTH = const(100)


def mask(text):
    """`text` on one line with each run of 12+ digits (spaces and dashes inside count as part
    of the run, as in a printed card number) turned into "*"."""
    out = []
    run = []
    digits = 0
    for ch in text.replace("\n", " ") + "\0":
        if "0" <= ch <= "9" or (digits and ch in " -"):
            run.append(ch)
            digits += "0" <= ch <= "9"
            continue
        s = "".join(run)
        out.append("".join("*" if "0" <= c <= "9" else c for c in s) if digits >= 12 else s)
        out.append(ch)
        run = []
        digits = 0
    return "".join(out)[:-1]


def record(term, text):
    """Append `<epoch seconds> <text>` (masked, cut to 100 characters) to the log, synced."""
    line = ("%d %s" % (term.clock.time(), mask(text)[:_WIDTH])).encode() + b"\n"
    term.flash.append_line(_LOG, line, _ROLL)


def tail(flash, nbytes=1536):
    """The newest entries, newest first, as (epoch seconds, text), from about the last
    `nbytes` of the log and the one before it."""
    data = b""
    for name in (_LOG, _LOG + ".1"):
        if len(data) >= nbytes or not flash.exists(name):
            continue
        size = flash.size(name)
        with open(flash.path(name), "rb") as f:
            want = min(size, nbytes - len(data))
            f.seek(size - want)
            part = f.read(want)
        if want < size:
            part = part[part.find(b"\n") + 1 :]  # drop the line cut in half
        data = part + data
    out = []
    for line in data.split(b"\n"):
        ts, _, text = line.partition(b" ")
        if ts.isdigit():  # a line a power cut tore has no end; it may lack its start too
            out.append((int(ts), text.decode("utf-8", "replace")))
    out.reverse()
    return out
