# What every screen shares: the terminal it belongs to, drawing helpers, and text wrapping
# that breaks at spaces so a message never splits mid-word on the 16-column display. The
# display has 8 rows in the 8x8 font, 4 in the 16 px CJK one: a screen that lays out rows
# itself uses len(canvas.rows); paint() shows what does not fit a page at a time.
from compat import const

COLS = const(16)


def width(s):
    """Columns `s` takes: 1 an ASCII char, 2 any other (a CJK char in the 16 px font)."""
    n = len(s)
    raw = s.encode()
    if len(raw) != n:
        # bytes: every distinct non-ASCII char taken out of s (s[i], `for ch in s`) would be
        # interned on MicroPython for good
        for b in raw:
            if b >= 0xC0:  # the first byte of a non-ASCII char
                n += 1
    return n


def heading(canvas, title, mark=""):
    """The inverted title row: `title` centred and, given `mark` (where the rows shown are in
    a longer list: "2/5"), the mark at its right end; the title is shortened, not the mark."""
    if not mark:
        canvas.center(0, title, invert=True)
        return
    room = COLS - len(mark) - 1
    while width(title) > room:
        title = title[:-1]
    w = width(title)
    pad = min((COLS - w) // 2, room - w)
    canvas.text(0, " " * pad + title + " " * (COLS - pad - w - len(mark)) + mark, invert=True)


def wrap(text, width=COLS):
    if len(text.encode()) != len(text):
        # Chinese has no spaces and two-column chars: its rules load only for such text
        from firmware.ui.wrap_cjk import wrap_cjk

        return wrap_cjk(text, width)
    lines = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            while len(word) > width:  # a single overlong word (rare: codes) is split hard
                lines.append(word[:width])
                word = word[width:]
            lines.append(word)
    return lines


class Screen:
    """A screen draws itself on the canvas and reacts to events. handle() returns the next
    screen, or None to stay; it may await (printing, network) without blocking other tasks."""

    page = 0  # the page of paint()'s lines on show
    pages = 1  # how many the last paint() had: with more than one, UP/DOWN go to scroll()

    def __init__(self, term):
        self.term = term

    def draw(self, canvas):
        pass

    async def handle(self, event):
        return None

    def type_key(self, key, limit):
        """CLEAR, or a digit key typed into self.text (up to `limit` digits; a digit typed
        clears self.msg): True when the key was one of those."""
        if key == "CLEAR":
            self.text = self.text[:-1]
        elif key.isdigit():
            if len(self.text) + len(key) <= limit:
                self.text += key
                self.msg = None
        else:
            return False
        return True

    def scroll(self, key):
        """UP or DOWN while paint() shows one page of several (firmware/app.py routes them
        here, so screens need not): the page before or after it."""
        self.page = max(0, min(self.pages - 1, self.page + (1 if key == "DOWN" else -1)))
        return self

    def paint(self, canvas, title, lines, hint=None, top=None, field=None):
        """The title, `lines`, `field` (what is being typed: always on show, above the hint)
        and `hint` (the keys, last row), on as many rows as the canvas has: 8 in the 8x8
        font, 4 in the 16 px one. A line too wide is wrapped. Lines that do not fit show a
        page at a time ("2/3" right of the title; blank spacer lines dropped), turned with
        UP/DOWN. Given `top`, they show as they are from line `top` on: the screen scrolls
        its list itself, a line at a time."""
        rows = len(canvas.rows)
        fit = rows - 1 - (1 if hint else 0) - (field is not None)
        shown = lines
        if top is None:
            shown = []
            for line in lines:
                if width(line) > COLS:
                    shown += wrap(line)
                elif line or len(lines) <= fit:
                    shown.append(line)
        n = len(shown)
        self.pages = 1
        if top is None:
            self.pages = max(1, (n + fit - 1) // fit)
            self.page = min(self.page, self.pages - 1)
            top = self.page * fit
        canvas.clear()
        mark = ""
        if n > fit:  # the page the first row shown is on, of how many
            mark = "%d/%d" % ((top + 2 * fit - 1) // fit, (n + fit - 1) // fit)
        heading(canvas, title, mark)
        for i in range(min(fit, n - top)):
            canvas.text(1 + i, shown[top + i])
        if field is not None:
            canvas.text(rows - 2 if hint else rows - 1, field)
        if hint:
            canvas.text(rows - 1, hint)


def money(term, amount, cur=True):
    """Minor units as the cashier reads them: 1250 -> "12.50 EUR" (config decimals, currency)."""
    d = term.config.get("decimals", 2)
    s = str(amount)
    if d:
        s = "0" * (d + 1 - len(s)) + s
        s = s[:-d] + "." + s[-d:]
    return s + " " + term.config.get("currency", "EUR") if cur else s
