# The function menu: a numbered list the cashier picks from with a digit, or UP/DOWN + ENTER.
from firmware.events import KEY
from firmware.ui.screen import ROWS, Screen
from firmware.ui.text import t

# (catalogue key, module, class): screens are imported only when chosen, to spare the heap.
ITEMS = (
    ("m-keys", "firmware.ui.checks", "KeyTestScreen"),
    ("m-print", "firmware.ui.checks", "PrintTestScreen"),
    ("m-card", "firmware.ui.checks", "CardTestScreen"),
    ("m-scan", "firmware.ui.checks", "ScanTestScreen"),
    ("m-contrast", "firmware.ui.settings", "ContrastScreen"),
    ("m-about", "firmware.ui.settings", "AboutScreen"),
)


class MenuScreen(Screen):
    def __init__(self, term, items=ITEMS, title="menu"):
        super().__init__(term)
        self.items = items
        self.title = title
        self.cursor = 0

    def draw(self, canvas):
        canvas.clear()
        canvas.center(0, t(self.title), invert=True)
        visible = ROWS - 1
        top = max(0, self.cursor - visible + 1)
        for i, item in enumerate(self.items[top : top + visible]):
            n = top + i
            canvas.text(1 + i, "%d %s" % (n + 1, t(item[0])), invert=n == self.cursor)

    async def handle(self, event):
        if event.kind != KEY:
            return None
        key = event.value
        if key == "CANCEL":
            return self.term.home()
        if key == "UP":
            self.cursor = (self.cursor - 1) % len(self.items)
            return self
        if key == "DOWN":
            self.cursor = (self.cursor + 1) % len(self.items)
            return self
        if key == "ENTER":
            return self.choose(self.cursor)
        if key.isdigit() and len(key) == 1 and 1 <= int(key) <= len(self.items):
            return self.choose(int(key) - 1)
        return None

    def choose(self, index):
        _, module, name = self.items[index]
        return (module, name)  # loaded once this menu has gone
