# Devices post events; the screens consume them. A full queue drops the new event and says so
# (CircuitPython keypad's overflow flag) rather than blocking a driver's scan loop.
from compat import asyncio, const

KEY = "key"  # value: key name, e.g. "7", "ENTER"
CARD = "card"  # value: drivers.card.reader.Card
SCAN = "scan"  # value: the barcode text
NET = "net"  # value: True when the link to the host came up, False when it went down
PRINTER = "printer"  # value: drivers.printer.printer.Status after a change
TICK = "tick"  # value: None; once a second so screens can refresh clocks and status

_DEFAULT_SIZE = const(32)


class Event:
    def __init__(self, kind, value, ticks):
        self.kind = kind
        self.value = value
        self.ticks = ticks

    def __eq__(self, other):
        return (
            isinstance(other, Event)
            and self.kind == other.kind
            and self.value == other.value
            and self.ticks == other.ticks
        )


class EventQueue:
    """A fixed ring of events. put() never blocks or allocates a slot; get() is awaited."""

    def __init__(self, size=_DEFAULT_SIZE):
        self._ring = [None] * size
        self._head = 0
        self._len = 0
        self._ready = asyncio.Event()
        self.overflowed = False

    def __len__(self):
        return self._len

    def put(self, event):
        size = len(self._ring)
        if self._len == size:
            self.overflowed = True
            return False
        self._ring[(self._head + self._len) % size] = event
        self._len += 1
        self._ready.set()
        return True

    def get_nowait(self):
        if not self._len:
            return None
        event = self._ring[self._head]
        self._ring[self._head] = None
        self._head = (self._head + 1) % len(self._ring)
        self._len -= 1
        return event

    async def get(self):
        while not self._len:
            self._ready.clear()
            await self._ready.wait()
        return self.get_nowait()

    def clear(self):
        while self._len:
            self.get_nowait()
        self.overflowed = False
