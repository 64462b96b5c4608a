# Help (MENU) and Troubleshoot (technician menu): numbered topics, each a page of plain text
# from the catalogue, read with UP/DOWN on the 16-column display. docs/help.md holds the same
# text (python -m tools.help_doc writes it from the catalogue).
from firmware.events import KEY
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

# (menu label key, page text key: its paragraphs are text key-1, -2, …). Texts with %s get
# the hotline from config.
HELP = (
    ("help-l-wait", "help-activation-time"),
    ("help-l-fail", "help-activation-fails"),
    ("help-l-backup", "help-backup"),
    ("help-l-printer", "help-printer"),
    ("help-l-network", "help-network"),
    ("help-l-safety", "help-safety"),
    ("help-l-call", "help-hotline"),
)
# (label key, text key, what the terminal reports when it happens: printer problems from
# use_printer, "network-down", and the host errors sync and the checks report). The last is
# the diagnostic report, a screen of its own.
TROUBLE = (
    ("trouble-l-paper", "trouble-paper-out", "paper-out"),
    ("trouble-l-cover", "trouble-cover-open", "cover-open"),
    ("trouble-l-offline", "trouble-printer-offline", "printer-offline offline printer-garbled"),
    ("trouble-l-hot", "trouble-overheated", "overheated"),
    ("trouble-l-link", "trouble-link-down", "network-down"),
    ("trouble-l-host", "trouble-host-silent", "host-silent host-timeout reply-lost"),
    ("trouble-l-mac", "trouble-mac", "reply-forged reply-replayed bad-mac"),
    ("trouble-l-diag", None, ""),
)
_HOTLINE = "400-800-1234"  # when config has none: the number printed on the terminal


def page_lines(term, key, width=16):
    """A topic's text as display lines: its paragraphs, catalogue keys `key`-1, -2, … (short
    catalogue lines: every lookup reads a few lines on its way), each wrapped."""
    hotline = term.config.get("hotline", _HOTLINE)
    lines = []
    n = 1
    while True:
        para = "%s-%d" % (key, n)
        text = t(para)
        if text == para:  # no such paragraph: the topic has ended
            return lines
        lines += wrap(text % hotline if "%s" in text else text, width)
        n += 1


class Topics(Screen):
    """Topics(term, "help") or Topics(term, "trouble"): pick with a digit, or UP/DOWN and
    ENTER; troubleshooting marks with * the problems the terminal has right now."""

    def __init__(self, term, kind="help"):
        super().__init__(term)
        self.kind = kind
        self.items = TROUBLE if kind == "trouble" else HELP
        self.cursor = 0
        self.now = ()  # codes of the problems happening now

    async def start(self):
        if self.kind != "trouble":
            return None
        term = self.term
        now = [await term.use_printer()]
        if not term.board.net.is_up():
            now.append("network-down")
        if term.sync:
            now.append(term.sync.last_error)
        self.now = now
        return self

    def draw(self, canvas):
        canvas.clear()
        trouble = self.kind == "trouble"
        canvas.center(0, t("trouble-title" if trouble else "help-screen-title"), invert=True)
        rows = len(canvas.rows)  # 8, or 4 in the 16 px font
        visible = rows - 1 - trouble  # troubleshooting says what its * means on the last row
        top = max(0, self.cursor - visible + 1)
        for i, item in enumerate(self.items[top : top + visible]):
            n = top + i
            mark = " "
            if trouble and [c for c in item[2].split() if c in self.now]:
                mark = "*"
            canvas.text(1 + i, "%d%s%s" % (n + 1, mark, t(item[0])), invert=n == self.cursor)
        if trouble:
            canvas.text(rows - 1, t("trouble-now-hint"))

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        n = len(self.items)
        if key == "CANCEL":
            return self.term.home()
        if key in ("UP", "DOWN"):
            self.cursor = (self.cursor + (1 if key == "DOWN" else -1)) % n
            return self
        if key == "ENTER":
            return self.choose(self.cursor)
        if len(key) == 1 and key.isdigit() and 1 <= int(key) <= n:
            self.cursor = int(key) - 1
            return self.choose(self.cursor)
        return None

    def choose(self, i):
        label, text = self.items[i][:2]
        if text is None:
            return ("firmware.ui.diag", "DiagReport")
        return Page(self.term, self, t(label), page_lines(self.term, text))


class Page(Screen):
    """Text longer than the screen: UP/DOWN scroll a line, CANCEL or ENTER go back."""

    def __init__(self, term, back, title, lines):
        super().__init__(term)
        self.back = back
        self.title = title
        self.lines = lines
        self.top = 0
        self.fit = 6  # lines shown at once, as last drawn

    def draw(self, canvas):
        self.fit = fit = len(canvas.rows) - 2  # between the title and the hint
        hint = t("back-hint")
        if len(self.lines) > fit:  # "v": more below
            hint = ("v " if self.top + fit < len(self.lines) else "  ") + hint
        self.paint(canvas, self.title, self.lines[self.top : self.top + fit], hint)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key in ("CANCEL", "ENTER"):
            return self.back
        if key in ("UP", "DOWN"):
            last = max(0, len(self.lines) - self.fit)
            self.top = max(0, min(last, self.top + (1 if key == "DOWN" else -1)))
            return self
        return None
