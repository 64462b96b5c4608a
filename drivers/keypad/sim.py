# A key matrix made of wires: each switch joins one row wire to one column wire, and a column
# reads low when closed switches connect it, directly or through other rows and columns, to a
# row driven low (the low driver wins, as with open-drain rows or a stronger sink). That path
# through three closed switches is how real matrices without diodes "ghost" a fourth key.
# Reads allocate nothing, so KeyMatrix's no-allocation property can be measured through it.
# The sim board runs it inside the firmware, hence one pin class for rows and columns alike.


class _Pin:
    """machine.Pin's value() for one wire: row r is index r (an output the driver sets),
    column c is index ~c (an input that reads the wires)."""

    def __init__(self, wires, index):
        self.wires = wires
        self.index = index

    def value(self, level=None):
        wires = self.wires
        i = self.index
        if i >= 0:
            if level is None:
                return 0 if (wires.low >> i) & 1 else 1
            if level:
                wires.low &= ~(1 << i)
            else:
                wires.low |= 1 << i
            return None
        if level is not None:
            raise OSError("column %d is an input" % ~i)
        # Grow the set of wires joined to this column until it stops growing.
        closed = wires.closed
        cols = 1 << ~i
        rows = 0
        grown = True
        while grown:
            grown = False
            for r in range(len(closed)):
                if closed[r] & cols and not (rows >> r) & 1:
                    rows |= 1 << r
                    cols |= closed[r]
                    grown = True
        return 0 if rows & wires.low else 1


class FakeMatrix:
    """row_pins / col_pins behave like machine.Pin for KeyMatrix; press/release close and open
    the switch at a key (a name from keymap, or a (row, col) position)."""

    def __init__(self, rows, cols, keymap=None):
        self.keymap = keymap
        self.low = 0  # bit r: row r driven low (rows float high until the driver drives them)
        self.closed = [0] * rows  # per row: column bits of its closed switches
        self.row_pins = []
        self.col_pins = []
        for r in range(rows):
            self.row_pins.append(_Pin(self, r))
        for c in range(cols):
            self.col_pins.append(_Pin(self, ~c))

    def press(self, key, closed=True):
        """Close the switch at key (open it with closed=False); ValueError if there is none."""
        cols = len(self.col_pins)
        row = col = -1
        if isinstance(key, tuple):
            row, col = key
        elif self.keymap and key in self.keymap:
            row, col = divmod(self.keymap.index(key), cols)
        if not (0 <= row < len(self.closed) and 0 <= col < cols):
            raise ValueError("no key %r on this matrix" % (key,))
        if closed:
            self.closed[row] |= 1 << col
        else:
            self.closed[row] &= ~(1 << col)

    def release(self, key):
        self.press(key, False)
