# A scanned key matrix with per-key debounce. Rows are outputs idling high and pulled low one
# at a time; columns are pulled-up inputs, so a closed switch on the active row reads 0.
# scan() runs every few milliseconds for the life of the terminal, so it keeps all of its state
# in buffers made here and allocates nothing while no key changes.
from compat import ticks_diff
from firmware.events import KEY, Event

_NO_CHANGES = []


class KeyMatrix:
    def __init__(self, row_pins, col_pins, keymap, debounce_ms=20):
        n = len(row_pins) * len(col_pins)
        if len(keymap) != n:
            raise ValueError(
                "keymap has %d keys for %dx%d pins" % (len(keymap), len(row_pins), len(col_pins))
            )
        self.row_pins = row_pins
        self.col_pins = col_pins
        self.keymap = keymap
        self.debounce_ms = debounce_ms
        self._stable = bytearray(n)  # 1 = pressed after debounce
        self._since = [None] * n  # ticks since the reading differs from _stable, else None
        self._raw = [0] * len(row_pins)  # per row: column bit set = that key reads closed
        for pin in row_pins:
            pin.value(1)

    def pressed(self):
        """Names of the keys held down after debounce."""
        keys = []
        for i in range(len(self._stable)):
            if self._stable[i]:
                keys.append(self.keymap[i])
        return keys

    def scan(self, now_ms):
        """One pass over the matrix. Returns [(key, pressed)] for keys whose debounced state
        changed; a pass without changes returns one shared empty list (read it, don't grow it)
        so the steady state allocates nothing."""
        cols = self.col_pins
        ncols = len(cols)
        raw = self._raw
        nrows = len(raw)
        r = 0
        for row in self.row_pins:
            row.value(0)
            bits = 0
            for c in range(ncols):
                if not cols[c].value():
                    bits |= 1 << c
            row.value(1)
            raw[r] = bits
            r += 1
        changes = _NO_CHANGES
        keymap = self.keymap
        stable = self._stable
        since = self._since
        k = 0
        for r in range(nrows):
            bits = raw[r]
            # Two closed keys in this row sharing their columns with two in another row close a
            # rectangle, and then a fourth switch looks closed too (current flows back through
            # the other three): none of the four can be trusted until one opens.
            ghosts = 0
            if bits & (bits - 1):
                for other in range(nrows):
                    shared = bits & raw[other]
                    if other != r and shared & (shared - 1):
                        ghosts |= shared
            for c in range(ncols):
                if (ghosts >> c) & 1:
                    since[k] = None  # keep what was known; its debounce starts afresh
                elif keymap[k] is not None:
                    down = (bits >> c) & 1
                    if down == stable[k]:
                        since[k] = None
                    else:
                        if since[k] is None:
                            since[k] = now_ms
                        if ticks_diff(now_ms, since[k]) >= self.debounce_ms:
                            stable[k] = down
                            since[k] = None
                            if changes is _NO_CHANGES:
                                changes = []
                            changes.append((keymap[k], down == 1))
                k += 1
        return changes

    async def run(self, queue, clock, period_ms=5):
        """Scan forever, posting Event(KEY, name, ticks) for each debounced press."""
        while True:
            now = clock.ticks_ms()
            for key, down in self.scan(now):
                if down:
                    queue.put(Event(KEY, key, now))
            await clock.sleep_ms(period_ms)
