# A scanned key matrix with per-key debounce. Rows are outputs idling high and pulled low one
# at a time; columns are pulled-up inputs, so a closed switch on the active row reads 0.
# scan() runs every few milliseconds for the life of the terminal, so it keeps all of its state
# in buffers made here and allocates nothing while no key changes.
from compat import ticks_diff
from firmware.events import KEY, Event

_NO_CHANGES = []


class KeyMatrix:
    def __init__(self, row_pins, col_pins, keymap, debounce_ms=20):
        nrows = len(row_pins)
        ncols = len(col_pins)
        if len(keymap) != nrows * ncols:
            raise ValueError("keymap has %d keys for %dx%d pins" % (len(keymap), nrows, ncols))
        self._rows = row_pins
        self._cols = col_pins
        self._keymap = keymap
        self.debounce_ms = debounce_ms
        n = nrows * ncols
        self._stable = bytearray(n)  # 1 = pressed after debounce
        self._pending = bytearray(n)  # 1 = raw reading has differed from _stable since _since
        self._since = [0] * n
        self._raw_bits = [0] * nrows  # column bit set = that key reads closed this pass
        self._ghost_bits = [0] * nrows  # column bit set = that key is part of a rectangle
        for pin in row_pins:
            pin.value(1)

    def pressed(self):
        """Names of the keys held down after debounce."""
        return [self._keymap[i] for i in range(len(self._stable)) if self._stable[i]]

    def scan(self, now_ms):
        """One pass over the matrix. Returns [(key, pressed)] for keys whose debounced state
        changed; a pass without changes returns one shared empty list (read it, don't grow it)
        so the steady state allocates nothing."""
        changes = _NO_CHANGES
        self._read_raw()
        self._find_ghosts()
        ncols = len(self._cols)
        keymap = self._keymap
        stable = self._stable
        pending = self._pending
        since = self._since
        k = 0
        for r in range(len(self._rows)):
            raw_bits = self._raw_bits[r]
            ghost_bits = self._ghost_bits[r]
            for c in range(ncols):
                if (ghost_bits >> c) & 1:
                    # A closed rectangle makes a fourth switch look closed (current flows back
                    # through the other three), so none of the four can be trusted until one
                    # opens: keep what was known and start its debounce afresh.
                    pending[k] = 0
                elif keymap[k] is not None:
                    raw = (raw_bits >> c) & 1
                    if raw == stable[k]:
                        pending[k] = 0
                    else:
                        if not pending[k]:
                            pending[k] = 1
                            since[k] = now_ms
                        if ticks_diff(now_ms, since[k]) >= self.debounce_ms:
                            stable[k] = raw
                            pending[k] = 0
                            if changes is _NO_CHANGES:
                                changes = []
                            changes.append((keymap[k], raw == 1))
                k += 1
        return changes

    def _read_raw(self):
        cols = self._cols
        ncols = len(cols)
        r = 0
        for row in self._rows:
            row.value(0)
            bits = 0
            for c in range(ncols):
                if not cols[c].value():
                    bits |= 1 << c
            row.value(1)
            self._raw_bits[r] = bits
            r += 1

    def _find_ghosts(self):
        raw_bits = self._raw_bits
        ghost_bits = self._ghost_bits
        nrows = len(raw_bits)
        for r in range(nrows):
            ghost_bits[r] = 0
        for a in range(nrows - 1):
            if raw_bits[a] & (raw_bits[a] - 1):  # a rectangle needs two closed keys in a row
                for b in range(a + 1, nrows):
                    shared = raw_bits[a] & raw_bits[b]
                    if shared & (shared - 1):
                        ghost_bits[a] |= shared
                        ghost_bits[b] |= shared

    async def run(self, queue, clock, period_ms=5):
        """Scan forever, posting Event(KEY, name, ticks) for each debounced press."""
        while True:
            now = clock.ticks_ms()
            for key, down in self.scan(now):
                if down:
                    queue.put(Event(KEY, key, now))
            await clock.sleep_ms(period_ms)
