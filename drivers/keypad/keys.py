# Key names and the terminal's own keypad layout. A keymap is flat, row-major, with None where
# a matrix position has no switch, so KeyMatrix can index it without nested lists.
# Lists, not tuples: mpy-cross stores a constant tuple's strings as str objects that load as
# two heap blocks each (unless that text is already interned), while list items load as qstrs.
# Other layouts live in their own modules (membrane4x4.py) so only a board that has one loads it.

KEYS = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "00", ".",
    "ENTER", "CANCEL", "CLEAR", "F1", "F2", "F3", "F4", "UP", "DOWN", "MENU",
]  # fmt: skip

# (rows, cols, keymap). The terminal's 6x4 keyboard carries every key the firmware knows.
PROFILES = {
    "terminal": (6, 4, [
        "F1", "F2", "F3", "F4",
        "1", "2", "3", "CANCEL",
        "4", "5", "6", "CLEAR",
        "7", "8", "9", "ENTER",
        ".", "0", "00", "MENU",
        "UP", "DOWN", None, None,
    ]),
}  # fmt: skip
