# ESC/POS encoder: every function returns the bytes of one command. No I/O, so the same job can
# go to a UART, a file or the simulator's paper view.
from compat import const

_ESC = const(0x1B)
_GS = const(0x1D)
_LF = const(0x0A)

LEFT = const(0)
CENTER = const(1)
RIGHT = const(2)

INIT = b"\x1b@"  # clears the print buffer and every mode a previous (maybe aborted) job left

_QR_MAX = const(7089)  # the most GS ( k fn 180 stores (QR version 40, numeric)
_QUESTION = const(0x3F)


def text(s):
    # Printable ASCII as is; anything else becomes '?'.
    # Control bytes are replaced too, so text from a server (a product name) can never smuggle a
    # command into the job. Encoding lives only here: GB18030 for FS & mode slots in later.
    raw = s.encode()
    if len(raw) == len(s):
        for b in raw:
            if b < 0x20 or b == 0x7F:
                break
        else:
            return raw
    out = bytearray(len(s))
    for i, c in enumerate(s):
        b = ord(c)
        out[i] = b if 0x20 <= b < 0x7F else _QUESTION
    return bytes(out)


def bold(on):
    return b"\x1bE\x01" if on else b"\x1bE\x00"


def size(width, height):
    # GS ! n: character magnification, 1..8 in each direction.
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("size 1..8")
    return bytes((_GS, 0x21, (width - 1) << 4 | (height - 1)))


def align(where):
    if where not in (LEFT, CENTER, RIGHT):
        raise ValueError("align LEFT|CENTER|RIGHT")
    return bytes((_ESC, 0x61, where))


def feed(lines):
    # ESC d n: print the buffer and feed n lines.
    if not 0 <= lines <= 255:
        raise ValueError("feed 0..255")
    return bytes((_ESC, 0x64, lines))


def cut(partial=False):
    # GS V m 0 (function B): feed until the last line has passed the blade, then cut.
    # Function A (GS V 0) cuts where the paper stands, slicing through the last lines printed;
    # B feeds the head-to-cutter distance first, whatever the model's geometry. A partial cut
    # leaves a hinge so the receipt does not drop on the floor.
    return bytes((_GS, 0x56, 66 if partial else 65, 0))


def _qr_fn(fn, args):
    n = len(args) + 2
    return bytes((_GS, 0x28, 0x6B, n & 0xFF, n >> 8, 49, fn)) + args


def qr(data, module_size=4, ec="M"):
    # QR model 2 via GS ( k: select model, module size, error level, store data, print.
    # str data is sent as UTF-8 (QR byte mode; phone scanners read it as UTF-8).
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > _QR_MAX:
        raise ValueError("qr data 1..%d bytes" % _QR_MAX)
    if not 1 <= module_size <= 16:
        raise ValueError("qr module size 1..16")
    level = "LMQH".find(ec)
    if len(ec) != 1 or level < 0:
        raise ValueError("qr ec L|M|Q|H")
    return b"".join(
        (
            _qr_fn(65, b"\x32\x00"),  # fn 165: model 2
            _qr_fn(67, bytes((module_size,))),  # fn 167: dots per module
            _qr_fn(69, bytes((48 + level,))),  # fn 169: error correction
            _qr_fn(80, b"\x30" + bytes(data)),  # fn 180: store in the symbol area
            _qr_fn(81, b"\x30"),  # fn 181: print the stored symbol
        )
    )


def barcode128(data, height=80, module=2):
    # Code 128, code set B, human-readable text below.
    # GS h height (dots), GS w module width (dots), GS H 2 (HRI below), GS k 73 n {B data.
    # A '{' in the data is sent as '{{': the printer reads '{' as a code-set escape.
    for c in data:
        if not 0x20 <= ord(c) < 0x7F:
            raise ValueError("code 128 B: printable ASCII only")
    body = b"{B" + data.replace("{", "{{").encode()
    if len(data) == 0 or len(body) > 255:
        raise ValueError("code 128 data length")
    if not (1 <= height <= 255 and 2 <= module <= 6):
        raise ValueError("barcode height 1..255, module 2..6")
    return (
        bytes((_GS, 0x68, height, _GS, 0x77, module, _GS, 0x48, 2, _GS, 0x6B, 73, len(body)))
        + body
    )


def status_query(n):
    # DLE EOT n: real-time status; the printer answers one byte even while offline.
    if not 1 <= n <= 4:
        raise ValueError("status 1..4")
    return bytes((0x10, 0x04, n))


class Receipt:
    # A job built in one bytearray. Every helper leaves the printer in its default mode (left,
    # normal size, not bold), so helpers can be called in any order.

    def __init__(self, width=32):
        self.width = width
        self._buf = bytearray(INIT)

    def raw(self, data):
        self._buf.extend(data)
        return self

    def line(self, s="", bold=False):
        if bold:
            self._buf.extend(b"\x1bE\x01")
        self._buf.extend(text(s))
        self._buf.append(_LF)
        if bold:
            self._buf.extend(b"\x1bE\x00")
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
        gap = self.width - len(left) - len(right)
        if gap < 1:
            self.line(left)
            gap = self.width - len(right)
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

    def __len__(self):
        return len(self._buf)

    def bytes(self):
        return bytes(self._buf)
