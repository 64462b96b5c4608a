# Key names and the physical layouts they sit on. A keymap is flat, row-major, with None where
# a matrix position has no switch, so KeyMatrix can index it without nested lists.

KEYS = (
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "00", ".",
    "ENTER", "CANCEL", "CLEAR", "F1", "F2", "F3", "F4", "UP", "DOWN", "MENU",
)  # fmt: skip

# The terminal's own 6x4 keyboard: every key the firmware knows.
_TERMINAL = (
    "F1", "F2", "F3", "F4",
    "1", "2", "3", "CANCEL",
    "4", "5", "6", "CLEAR",
    "7", "8", "9", "ENTER",
    ".", "0", "00", "MENU",
    "UP", "DOWN", None, None,
)  # fmt: skip

# The common 16-key membrane (printed 1 2 3 A / 4 5 6 B / 7 8 9 C / * 0 # D). It has no
# 00, '.', F3, F4, UP or DOWN, so its letters and symbols carry the keys a sale cannot do
# without: A=F1, B=F2, C=CLEAR, D=ENTER, *=CANCEL, #=MENU.
_MEMBRANE4X4 = (
    "1", "2", "3", "F1",
    "4", "5", "6", "F2",
    "7", "8", "9", "CLEAR",
    "CANCEL", "0", "MENU", "ENTER",
)  # fmt: skip

PROFILES = {
    "terminal": (6, 4, _TERMINAL),
    "membrane4x4": (4, 4, _MEMBRANE4X4),
}
