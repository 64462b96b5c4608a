"""The simulator's script language: one command per line, `#` starts a comment, arguments are
split like a shell (double quotes keep spaces). Parsing checks names and argument counts so a
typo fails before the terminal boots, naming its line."""

import shlex

# name: (min args, max args, usage)
COMMANDS = {
    "boot": (0, 1, "boot [fails]"),
    "power-cut": (0, 0, "power-cut"),
    "cut-at": (1, 2, "cut-at POINT [HIT]"),
    "wait": (1, 1, "wait MS"),
    "press": (1, 1, "press KEY"),
    "type": (1, 1, "type DIGITS"),
    "swipe": (2, 2, "swipe PAN YYMM"),
    "insert": (2, 2, "insert PAN YYMM"),
    "tap": (2, 2, "tap PAN YYMM"),
    "remove": (0, 0, "remove"),
    "scan": (1, 1, "scan CODE"),
    "net": (1, 1, "net up|down"),
    "paper": (1, 1, "paper in|out|low"),
    "cover": (1, 1, "cover open|closed"),
    "printer": (1, 1, "printer plugged|unplugged|hot|cool"),
    "expect-screen": (1, 2, "expect-screen TEXT [SECONDS]"),
    "expect-no-screen": (1, 1, "expect-no-screen TEXT"),
    "expect-receipt": (1, 1, "expect-receipt TEXT"),
    "expect-no-receipt": (1, 1, "expect-no-receipt TEXT"),
    "expect-state": (1, 1, "expect-state NAME"),
    "screenshot": (1, 2, "screenshot NAME [screen|receipt]"),
    "host": (
        1,
        3,
        "host start [auto|manual] | issue-code MERCHANT TERMINAL | web-code MERCHANT "
        "TERMINAL | approve | reject REASON | revoke [REASON] | replay | stop | activated "
        "[MERCHANT TERMINAL PASSWORD] | expect TABLE COUNT | drop-reply [N]",
    ),
    "item": (3, 3, "item CODE NAME AMOUNT"),
    "type-code": (0, 0, "type-code"),
    "config": (2, 2, "config KEY VALUE"),
    "update-package": (2, 3, "update-package media|host VERSION [bad-signature|broken]"),
    "wipe-flash": (0, 0, "wipe-flash"),
    "corrupt-file": (2, 2, "corrupt-file PATH OFFSET (flash path or media/...; glob: last match)"),
}

HOST_ARGS = {  # host subcommand: (min, max) further arguments
    "start": (0, 1),
    "issue-code": (2, 2),
    "web-code": (2, 2),
    "approve": (0, 0),
    "reject": (1, 1),
    "revoke": (0, 1),
    "replay": (0, 0),
    "stop": (0, 0),
    "activated": (0, 3),
    "expect": (2, 2),
    "drop-reply": (0, 1),
}

CHOICES = {
    "net": ("up", "down"),
    "paper": ("in", "out", "low"),
    "cover": ("open", "closed"),
    "printer": ("plugged", "unplugged", "hot", "cool"),  # hot: the head overheated
}


class ScriptError(Exception):
    def __init__(self, where, message):
        super().__init__("%s: %s" % (where, message))
        self.where = where


class Step:
    def __init__(self, where, name, args, text):
        self.where = where  # "file.sim:12"
        self.name = name
        self.args = args
        self.text = text

    def __repr__(self):
        return "%s: %s" % (self.where, self.text)


def parse_line(text, where):
    """One Step, or None for a blank or comment line."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError as e:
        raise ScriptError(where, "cannot read %r: %s" % (text.strip(), e))
    if not words:
        return None
    name, args = words[0], words[1:]
    if name not in COMMANDS:
        raise ScriptError(where, "unknown command %r" % name)
    lo, hi, usage = COMMANDS[name]
    if not lo <= len(args) <= hi:
        raise ScriptError(where, "usage: %s" % usage)
    if name in CHOICES and args[0] not in CHOICES[name]:
        raise ScriptError(where, "usage: %s" % usage)
    if name == "expect-screen" and len(args) == 2 and not args[1].isdigit():
        raise ScriptError(where, "usage: %s" % usage)
    if name in ("wait", "cut-at", "corrupt-file") and len(args) == (1 if name == "wait" else 2):
        if not args[-1].isdigit():
            raise ScriptError(where, "usage: %s" % usage)
    if name == "host":
        lo, hi = HOST_ARGS.get(args[0], (9, 0))
        if not lo <= len(args) - 1 <= hi or (
            args[0] == "start" and args[1:2] not in ([], ["auto"], ["manual"])
        ):
            raise ScriptError(where, "usage: %s" % usage)
    if name == "screenshot" and args[1:2] not in ([], ["screen"], ["receipt"]):
        raise ScriptError(where, "usage: %s" % usage)
    if name == "boot" and args not in ([], ["fails"]):
        raise ScriptError(where, "usage: %s" % usage)
    if name == "update-package" and (
        args[0] not in ("media", "host") or args[2:] not in ([], ["bad-signature"], ["broken"])
    ):
        raise ScriptError(where, "usage: %s" % usage)
    if name == "type" and not args[0].isdigit():
        raise ScriptError(where, "type takes digits only; use press for other keys")
    return Step(where, name, args, text.strip())


def parse(text, name="<script>"):
    steps = []
    for n, line in enumerate(text.splitlines(), 1):
        step = parse_line(line, "%s:%d" % (name, n))
        if step:
            steps.append(step)
    return steps
