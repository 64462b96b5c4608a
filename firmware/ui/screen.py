# What every screen shares: the terminal it belongs to, drawing helpers, and text wrapping
# that breaks at spaces so a message never splits mid-word on the 16-column display.
from compat import const

COLS = const(16)
ROWS = const(8)  # of the 8x8 font; a screen that lays out rows itself uses len(canvas.rows)


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

    def paint(self, canvas, title, lines, hint=None):
        # as many lines as the canvas has rows: 8 in the 8x8 font, 4 in the 16 px one
        canvas.clear()
        canvas.center(0, title, invert=True)
        rows = len(canvas.rows)
        last = rows - 1 if hint else rows
        row = 1
        for line in lines:
            if row >= last:
                break
            canvas.text(row, line)
            row += 1
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
