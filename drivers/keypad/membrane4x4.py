# The common 16-key membrane (printed 1 2 3 A / 4 5 6 B / 7 8 9 C / * 0 # D) as (rows, cols,
# keymap), kept out of keys.py so only a board fitted with one loads it. It has no 00, '.',
# F3, F4, UP or DOWN, so its letters and symbols carry the keys a sale cannot do without:
# A=F1, B=F2, C=CLEAR, D=ENTER, *=CANCEL, #=MENU. A list for the reason given in keys.py.
PROFILE = (4, 4, [
    "1", "2", "3", "F1",
    "4", "5", "6", "F2",
    "7", "8", "9", "CLEAR",
    "CANCEL", "0", "MENU", "ENTER",
])  # fmt: skip
