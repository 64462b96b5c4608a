"""Writes docs/help.md from the message catalogue: the terminal's Help topics (MENU, Help),
its Troubleshoot topics and the preparation check's fixes, in the same words the terminal
shows. Edit the texts in firmware/ui/en.txt (python -m tools.catalogue_add), then run

    python -m tools.help_doc            (writes docs/help.md)
    python -m tools.help_doc --check    (exit 1 if docs/help.md is out of date)

The topic lists are read from firmware/ui/care.py without importing it."""

import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "firmware", "ui", "en.txt")
CARE = os.path.join(ROOT, "firmware", "ui", "care.py")
OUT = os.path.join(ROOT, "docs", "help.md")
# What "%s" (the hotline from config) reads as on this page.
HOTLINE = "`<hotline>`"
# The preparation check's items (firmware/ui/selfcheck.py ITEMS): what each one proves.
CHECKS = (
    ("printer", "answers its status query (DLE EOT) with paper in and the cover closed"),
    ("display", "the display controller acknowledges a command on its bus"),
    (
        "keypad",
        "a key press arrives (the technician's check asks for one; in activation, the"
        " key that opened the check counts)",
    ),  # fmt: skip
    ("card", "the reader answers its status query (STX Q ETX LRC → STX A OK ETX LRC)"),
    (
        "scanner",
        "SET when one is configured (a scanner has no status query), OK once a barcode"
        " arrives while the list shows, -- when none is fitted; never a failure",
    ),  # fmt: skip
    (
        "network",
        "the host answers a ping: signed once activated, a plain request before; the"
        " time it took is shown",
    ),  # fmt: skip
    ("power", "mains, or the battery at 20 % or more (where the board can tell)"),
    ("flash", "at least 64 KB free for the journal"),
    ("heap", "at least 6 KB of MicroPython heap free after a collection"),
)
DIAG = [
    "Prints a report for support: version, serial, terminal ID, activation state, boots,",
    "network, records not yet forwarded, offline amount, pending sales, sync state, printer,",
    "free heap and flash, and the last error of each part. It also sends it to the host",
    "(`POST /v1/diag`, docs/host.md), which keeps it. Never card data. Before activation it",
    "is only printed; without paper it is still sent. The screen says what was printed and",
    "what was sent.",
]
FIXES = {
    "printer": ("fix-paper-out", "fix-cover-open", "fix-overheated", "fix-printer-offline"),
    "display": ("fix-display",),
    "keypad": ("fix-keypad-dead",),
    "card": ("fix-card-reader",),
    "scanner": (),
    "network": ("err-network-down", "err-host-silent", "err-bad-mac", "err-reply-forged"),
    "power": ("fix-battery-low",),
    "flash": ("fix-flash-low",),
    "heap": ("fix-heap-low",),
}


def catalogue():
    with open(CATALOGUE, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)


def topics(name):
    """HELP or TROUBLE of firmware/ui/care.py: tuples whose first two items are the label key
    and the text key (None for the diagnostic report)."""
    with open(CARE, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return [tuple(ast.literal_eval(item)) for item in node.value.elts]
    raise SystemExit("no %s in %s" % (name, CARE))


def paragraphs(cat, key):
    """A topic's paragraphs as they read in Markdown (catalogue keys `key`-1, -2, …), the
    hotline named."""
    out = []
    while "%s-%d" % (key, len(out) + 1) in cat:
        out.append(cat["%s-%d" % (key, len(out) + 1)].replace("%s", HOTLINE))
    return out


def render():
    cat = catalogue()
    out = [
        "# Help and troubleshooting",
        "",
        "What the terminal's own help says, in the same words: **Help** (in MENU) for anyone at",
        "the till, **Troubleshoot** and **Prep check** (MENU, Technician, behind the technician",
        "password) for whoever looks after it. Generated from the message catalogue",
        "(`firmware/ui/en.txt`) by `python -m tools.help_doc`: change the catalogue, then run it.",
        "On the terminal each topic is a page of 16-column lines: UP/DOWN scroll, CANCEL goes",
        "back. `<hotline>` stands for the support number the terminal shows: its configuration's",
        "`hotline`, by default 400-800-1234.",
        "",
        "## Help",
        "",
    ]
    for label, key in topics("HELP"):
        out += ["### " + cat[label], ""]
        for p in paragraphs(cat, key):
            out += [p, ""]
    out += [
        "## Troubleshoot",
        "",
        "The list marks with `*` what the terminal is reporting right now (the printer's",
        "status, the network link, the last error forwarding sales).",
        "",
    ]
    for item in topics("TROUBLE"):
        label, key = item[:2]
        out += ["### " + cat[label], ""]
        if key is None:
            out += DIAG + [""]
            continue
        for p in paragraphs(cat, key):
            out += [p, ""]
    out += [
        "## Preparation check",
        "",
        "Activation's first step (ENTER on a new terminal: passing it moves the terminal from",
        "FACTORY to PREPARED) and Prep check in the technician menu (which first asks for a key",
        "press, then always prints its report). Each item reads OK or FAIL; failures come first",
        "on the screen, each with what to do, and are printed with their fixes.",
        "",
        "| item | passes when | what the terminal says to do |",
        "| --- | --- | --- |",
    ]
    for item, proves in CHECKS:
        fixes = "<br>".join(cat[k] for k in FIXES[item]) or "—"
        out.append("| %s | %s | %s |" % (cat["chk-" + item], proves, fixes))
    out.append("")
    return "\n".join(out)


def main(argv):
    text = render()
    if argv[:1] == ["--check"]:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                print("docs/help.md is out of date: python -m tools.help_doc", file=sys.stderr)
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
