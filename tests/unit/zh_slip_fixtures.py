# Slips printed while the terminal speaks Chinese, read back by the printer's parser: for
# test_slips_zh.py and test_slips_zh_diag.py (two files: four slips' screens, the encoder and
# the parser do not fit one 64 KiB MicroPython heap one after the other), with a terminal just
# large enough for the slips (care_fixtures' would take a fifth of the heap).
import gc

import firmware.ui.wrap_cjk  # noqa: F401  (what Chinese loads, loaded while the heap is whole)
from firmware.overlay import unload
from firmware.ui import text
from firmware.ui.screen import width
from firmware.ui.text import t


class Term:
    """The terminal, its board, store, flash and clock in one object; the printer keeps the
    job's bytes as the paper."""

    VERSION = "0.1.0"
    boots = 2
    serial = "SN-ZH-1"
    printer_problem = journal = journal_error = sync = None

    def __init__(self, state="ACTIVE"):
        self.board = self.store = self.flash = self.net = self.clock = self
        self.config = {"currency": "EUR"}
        self.data = {"activation": {"state": state, "secret": "00" * 32, "tid": 7}}
        self.paper = bytearray()

    def home(self):
        return None

    async def use_printer(self, data=None):
        if data:
            # what Printer.print() takes: a Receipt, a list of parts (chunks), or bytes
            for part in (
                data.parts() if hasattr(data, "parts") else data if type(data) is list else [data]
            ):
                self.paper.extend(part)

    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        self.data[key] = value

    def statvfs(self):
        return 4 << 20, 1 << 20

    def is_up(self):
        return True

    def time(self):
        return 1764100000


def printed(module, build, words):
    """The text lines of the job build() makes in Chinese, each checked: Chinese printed as
    Chinese, in 32 columns; every one of `words` (catalogue keys, or (key, args...)) on them."""
    text.use("zh")
    try:
        data = build()
        data = data.bytes() if hasattr(data, "bytes") else data
        words = [t(*w) if type(w) is tuple else t(w) for w in words]
    finally:
        text.use("en")
        # the screen module and the encoder go, as with an overlay, before the parser comes
        for name in (module, "drivers.printer.escpos", "firmware.activation"):
            unload(name)
        gc.collect()
    from drivers.printer.parser import TEXT, EscPosParser

    lines = []
    EscPosParser(lines.append, gb=text.path("gb.bin")).feed(data)
    unload("drivers.printer.parser")
    unload("drivers.printer.commands")
    out = []
    for line in lines:
        if line.kind != TEXT:
            continue
        s = line.text
        assert "?" not in s and "\u25a1" not in s and "\ufffd" not in s, s
        assert width(s) * line.width <= 32, s
        out.append(s)
    for w in words:
        assert len(w.encode()) > len(w), w  # the catalogue's Chinese, not English
        assert [s for s in out if w in s], w
    return out


def zh(key, *args):
    """Catalogue text in Chinese (the language is English between tests)."""
    text.use("zh")
    try:
        return t(key, *args)
    finally:
        text.use("en")
