"""Which built files a board gets. Everything the build holds goes to every board, except the
device models that live in the simulator's harness and the files only another board uses:
a board's flash holds no code it cannot run."""

import hashlib
import os

from tools.mpy_build import DEFAULT_OUT, ENTRY, build, sources, target

# Modelled devices, decoders and encoders of the far side: the harness and tests use them, no
# board does.
DEVICE_MODELS = (
    "drivers/display/sim.py",
    "drivers/printer/sim.py",
    "drivers/printer/parser.py",
    "drivers/printer/commands.py",
    "drivers/card/sim.py",
    "drivers/scanner/sim.py",
)

# What only one board needs (its module, its pin map, its bus backends).
BOARD_FILES = {
    "sim": ("firmware/boards/sim.py", "drivers/sim_serial.py", "drivers/keypad/sim.py"),
    "esp32": (
        "firmware/boards/esp32.py",
        "firmware/boards/esp32_pins.json",
        "drivers/serial_uart.py",
    ),
    "pi": (
        "firmware/boards/pi.py",
        "firmware/boards/pi_pins.json",
        "drivers/serial_pyserial.py",
        "drivers/keypad/pi_gpio.py",
        "drivers/display/pi_luma.py",
        "drivers/scanner/pi_evdev.py",
        "lib/fbuf.py",  # framebuf for CPython: MicroPython has its own
        "lib/font8x8.py",
    ),
}

# Folders whose contents deploy owns: a file there that the build does not have is stale (an
# old .py would even shadow the new .mpy, MicroPython imports .py first).
OWNED = ("firmware/", "drivers/", "lib/")


def excluded(board):
    if board not in BOARD_FILES:
        raise ValueError("unknown board %r (one of %s)" % (board, ", ".join(sorted(BOARD_FILES))))
    out = set(DEVICE_MODELS)
    for name, files in BOARD_FILES.items():
        if name != board:
            out.update(files)
    return out


def board_sources(board):
    """Paths relative to the tree of the sources a board gets, in build order."""
    skip = excluded(board)
    return [rel for _, rel in sources() if rel not in skip]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            h.update(block)
    return h.hexdigest()


def local_files(board, out=DEFAULT_OUT):
    """Build, then {device path: (local file, sha256)} for the board."""
    build(out)
    files = {}
    for rel in board_sources(board):
        dest = target(rel)
        local = os.path.join(out, dest)
        files[dest] = (local, sha256_file(local))
    return files


def is_owned(path):
    return path in ENTRY or path.startswith(OWNED)
