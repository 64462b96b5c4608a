# ESC/POS encoder: every function returns the bytes of one command. No I/O, so the same job can
# go to a UART, a file or the simulator's paper view.
# Heap (the module stays loaded while a screen builds a job): commands are built from lists at
# run time, because every bytes literal or constant tuple would be a heap object of its own;
# errors name the bad argument, an identifier the module interns anyway, where a sentence
# would be one more string object.
from compat import const

_ESC = const(0x1B)
_FS = const(0x1C)
_GS = const(0x1D)

LEFT = const(0)
CENTER = const(1)
RIGHT = const(2)

INIT = b"\x1b@"  # clears the print buffer and every mode a previous (maybe aborted) job left

_PART = const(256)  # bytes in each part of a Receipt: a few lines
_QR_MAX = const(7089)  # the most GS ( k fn 180 stores (QR version 40, numeric)


def text(s, gb=None):
    # Printable ASCII as is; anything else becomes '?', unless `gb` names the GB18030 table
    # (firmware/ui/gb.bin, tools/gen_cjk_font.py): then each run of non-ASCII chars goes out
    # in Chinese mode (FS & ... FS .) as their two-byte GBK codes, a char the table lacks as
    # the box "\u25a1" (A1 F5), so every non-ASCII char takes two columns (width()).
    # Control bytes are replaced too, so text from a server (a product name) can never smuggle a
    # command into the job. MicroPython has no GB18030 codec: the table is binary-searched on
    # flash, 4 bytes a record (code point, GBK code), and opened only for a line that needs it.
    raw = s.encode()
    # The usual all-printable line is checked by min/max, which loop in C.
    if len(raw) == len(s) and (not raw or (min(raw) >= 0x20 and max(raw) < 0x7F)):
        return raw
    out = bytearray()
    f = open(gb, "rb") if gb and len(raw) != len(s) else None
    rec = bytearray(4)
    n = f.seek(0, 2) >> 2 if f else 0
    wide = False  # in Chinese mode
    # The UTF-8 bytes are decoded here: every distinct non-ASCII char taken out of a str
    # (`for c in s`) would be interned for good on MicroPython.
    more = 0  # continuation bytes still to come of the char being decoded
    b = 0
    for c in raw:
        if more:
            b = b << 6 | c & 0x3F
            more -= 1
            if more:
                continue
        elif c >= 0xC0:
            more = 1 if c < 0xE0 else 2 if c < 0xF0 else 3
            b = c & (0x3F >> more)
            continue
        else:
            b = c
        if b < 0x80 or f is None:
            if wide:
                out.append(_FS)
                out.append(0x2E)  # FS .: leave Chinese mode
                wide = False
            out.append(b if 0x20 <= b < 0x7F else 0x3F)  # '?'
            continue
        if not wide:
            out.append(_FS)
            out.append(0x26)  # FS &: enter Chinese mode
            wide = True
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) >> 1
            f.seek(mid << 2)
            f.readinto(rec)
            got = rec[0] << 8 | rec[1]
            if got < b:
                lo = mid + 1
            elif got > b:
                hi = mid
            else:
                break
        if lo < hi:
            out.append(rec[2])
            out.append(rec[3])
        else:
            out.append(0xA1)
            out.append(0xF5)
    if wide:
        out.append(_FS)
        out.append(0x2E)
    if f:
        f.close()
    return bytes(out)


def width(s, gb=None):
    # Columns text(s, gb) prints: two for each non-ASCII char in Chinese mode (like
    # drivers/display/font16.cells, not imported: the display's code stays off this heap).
    n = len(s)
    if gb:
        raw = s.encode()  # bytes, for the reason in text()
        if len(raw) != n:
            for c in raw:
                if c >= 0xC0:  # the first byte of a non-ASCII char
                    n += 1
    return n


def bold(on):
    return bytes([_ESC, 0x45, 1 if on else 0])


def size(width, height):
    # GS ! n: character magnification, 1..8 in each direction.
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("size")  # width and height 1..8
    return bytes([_GS, 0x21, (width - 1) << 4 | (height - 1)])


def align(where):
    if where < LEFT or where > RIGHT:
        raise ValueError("where")
    return bytes([_ESC, 0x61, where])


def feed(lines):
    # ESC d n: print the buffer and feed n lines.
    if lines < 0 or lines > 255:
        raise ValueError("lines")  # 0..255
    return bytes([_ESC, 0x64, lines])


def cut(partial=False):
    # GS V m 0 (function B): feed until the last line has passed the blade, then cut.
    # Function A (GS V 0) cuts where the paper stands, slicing through the last lines printed;
    # B feeds the head-to-cutter distance first, whatever the model's geometry. A partial cut
    # leaves a hinge so the receipt does not drop on the floor.
    return bytes([_GS, 0x56, 66 if partial else 65, 0])


def qr(data, module_size=4, ec="M"):
    # QR model 2 via GS ( k pL pH 49 fn: select model, module size, error level, store data,
    # print. str data is sent as UTF-8 (QR byte mode; phone scanners read it as UTF-8).
    if isinstance(data, str):
        data = data.encode()
    if not 0 < len(data) <= _QR_MAX:
        raise ValueError("data")
    if not 1 <= module_size <= 16:
        raise ValueError("module_size")
    level = "LMQH".find(ec)
    if len(ec) != 1 or level < 0:
        raise ValueError("ec")  # L, M, Q or H
    gs_k = [_GS, 0x28, 0x6B]
    n = len(data) + 3
    return (
        bytes(
            (gs_k + [4, 0, 49, 65, 50, 0])  # fn 165: model 2
            + (gs_k + [3, 0, 49, 67, module_size])  # fn 167: dots per module
            + (gs_k + [3, 0, 49, 69, 48 + level])  # fn 169: error correction
            + (gs_k + [n & 0xFF, n >> 8, 49, 80, 48])  # fn 180: store in the symbol area
        )
        + data
        + bytes(gs_k + [3, 0, 49, 81, 48])  # fn 181: print the stored symbol
    )


def barcode128(data, height=80, module=2):
    # Code 128, code set B, human-readable text below.
    # GS h height (dots), GS w module width (dots), GS H 2 (HRI below), GS k 73 n {B data.
    # A '{' in the data is sent as '{{': the printer reads '{' as a code-set escape.
    raw = data.encode()  # bytes, for the reason in text()
    if len(raw) != len(data) or raw and (min(raw) < 0x20 or max(raw) > 0x7E):
        raise ValueError("data")  # printable ASCII only
    body = ("{B" + data.replace("{", "{{")).encode()
    if not data or len(body) > 255:
        raise ValueError("data")
    if not 1 <= height <= 255:
        raise ValueError("height")
    if not 2 <= module <= 6:
        raise ValueError("module")
    return (
        bytes([_GS, 0x68, height, _GS, 0x77, module, _GS, 0x48, 2, _GS, 0x6B, 73, len(body)])
        + body
    )


def status_query(n):
    # DLE EOT n: real-time status; the printer answers one byte even while offline.
    if n < 1 or n > 4:
        raise ValueError("n")  # 1..4
    return bytes([0x10, 0x04, n])


class Receipt:
    # A job built in fixed parts of _PART bytes, never one growing block: MicroPython's
    # extend() reallocates to the exact new size on every call, and a fragmented heap may hold
    # 20 KB free in no piece as large as a whole slip (a 611 B report failed that way on the
    # 64 KiB test heap). Printer.print() sends the parts in turn. Every helper leaves the
    # printer in its default mode (left, normal size, not bold), so helpers can be called in
    # any order.

    def __init__(self, width=32, gb=None):
        self.width = width
        self.gb = gb  # the GB18030 table (text()): Chinese text prints, two columns a char
        self._parts = []
        self._n = _PART  # the last part is full: the first write starts one
        self.raw(INIT)

    def raw(self, data):
        left = len(data)
        at = 0
        while left:
            n = self._n
            if n == _PART:
                self._parts.append(bytearray(_PART))
                n = 0
            k = min(left, _PART - n)
            self._parts[-1][n : n + k] = data[at : at + k] if k < len(data) else data
            self._n = n + k
            at += k
            left -= k
        return self

    def line(self, s="", bold=False):
        # ESC E n spelled out here: the argument hides the module's bold().
        if bold:
            self.raw(b"\x1bE\x01")
        self.raw(text(s, self.gb)).raw(b"\n")
        if bold:
            self.raw(b"\x1bE\x00")
        return self

    def bold(self, s):
        return self.line(s, True)

    def big(self, s, bold=False):
        return self.raw(size(2, 2)).line(s, bold).raw(size(1, 1))

    def center(self, s, bold=False):
        return self.raw(align(CENTER)).line(s, bold).raw(align(LEFT))

    def pair(self, left, right):
        # Left text and right text on one line, padded to the width. When both do not fit, the
        # left part gets its own line so neither an item name nor an amount is cut short.
        gap = self.width - width(left, self.gb) - width(right, self.gb)
        if gap < 1:
            self.line(left)
            gap = self.width - width(right, self.gb)
            left = ""
        return self.line(left + " " * gap + right)

    def rule(self, char="-"):
        return self.line(char * self.width)

    def qr(self, data, module_size=4, ec="M"):
        return self.raw(align(CENTER)).raw(qr(data, module_size, ec)).raw(align(LEFT))

    def barcode(self, data, height=80):
        return self.raw(align(CENTER)).raw(barcode128(data, height)).raw(align(LEFT))

    def feed(self, lines=1):
        return self.raw(feed(lines))

    def cut(self, partial=False):
        return self.raw(cut(partial))

    def parts(self):
        # The job as Printer.print() sends it; the last part cut to what was written.
        parts = self._parts
        return parts[:-1] + [bytes(memoryview(parts[-1])[: self._n])]

    def __len__(self):
        return (len(self._parts) - 1) * _PART + self._n

    def bytes(self):
        # The job in one block (tests, the simulator): on a device, print the Receipt itself.
        return b"".join([bytes(p) for p in self.parts()])
