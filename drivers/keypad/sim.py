# A key matrix made of wires: each switch joins one row wire to one column wire, and a column
# reads low when closed switches connect it, directly or through other rows and columns, to a
# row driven low (the low driver wins, as with open-drain rows or a stronger sink). That path
# through three closed switches is how real matrices without diodes "ghost" a fourth key.
# Reads allocate nothing, so KeyMatrix's no-allocation property can be measured through it.


class _RowPin:
    def __init__(self, wires, row):
        self._wires = wires
        self._row = row

    def value(self, level=None):
        if level is None:
            return self._wires.levels[self._row]
        self._wires.levels[self._row] = 1 if level else 0


class _ColPin:
    def __init__(self, wires, col):
        self._wires = wires
        self._col = col

    def value(self, level=None):
        if level is not None:
            raise OSError("column %d is an input" % self._col)
        return 0 if self._wires.column_low(self._col) else 1


class FakeMatrix:
    """row_pins / col_pins behave like machine.Pin for KeyMatrix; press/release close and open
    the switch at a key (a name from keymap, or a (row, col) position)."""

    def __init__(self, rows, cols, keymap=None):
        self.rows = rows
        self.cols = cols
        self.keymap = keymap
        self.levels = bytearray(b"\x01" * rows)  # pulled up until the driver drives them
        self._by_col = [0] * cols  # row bits of the closed switches on each column
        self._by_row = [0] * rows  # column bits of the closed switches on each row
        self.row_pins = [_RowPin(self, r) for r in range(rows)]
        self.col_pins = [_ColPin(self, c) for c in range(cols)]

    def position(self, key):
        if isinstance(key, tuple):
            row, col = key
        else:
            if self.keymap is None or key not in self.keymap:
                raise ValueError("no key %r on this matrix" % (key,))
            i = self.keymap.index(key)
            row, col = i // self.cols, i % self.cols
        if not (0 <= row < self.rows and 0 <= col < self.cols):
            raise ValueError("no position %r on this matrix" % (key,))
        return row, col

    def press(self, key):
        row, col = self.position(key)
        self._by_col[col] |= 1 << row
        self._by_row[row] |= 1 << col

    def release(self, key):
        row, col = self.position(key)
        self._by_col[col] &= ~(1 << row)
        self._by_row[row] &= ~(1 << col)

    def release_all(self):
        for c in range(self.cols):
            self._by_col[c] = 0
        for r in range(self.rows):
            self._by_row[r] = 0

    def column_low(self, col):
        if not self._by_col[col]:
            return False
        # Grow the set of wires joined to this column until it stops growing.
        cols = 1 << col
        rows = 0
        while True:
            grown_rows = rows
            for c in range(self.cols):
                if (cols >> c) & 1:
                    grown_rows |= self._by_col[c]
            grown_cols = cols
            for r in range(self.rows):
                if (grown_rows >> r) & 1:
                    grown_cols |= self._by_row[r]
            if grown_rows == rows and grown_cols == cols:
                break
            rows = grown_rows
            cols = grown_cols
        for r in range(self.rows):
            if (rows >> r) & 1 and not self.levels[r]:
                return True
        return False
