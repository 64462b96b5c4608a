# ESC/POS bytes → printed lines, the way a printer's command interpreter reads them. Feed it any
# split of the stream: an incomplete command waits in a few pending bytes; long bodies (images,
# QR data) are counted down as they arrive rather than buffered whole. Command lengths and
# effects live in commands.py.
from compat import const
from drivers.printer.commands import command

_LF = const(0x0A)

TEXT = "text"
QR = "qr"
BARCODE = "barcode"


def latin1(raw):
    # bytes → str, one character per byte (MicroPython's decode knows only UTF-8).
    for b in raw:
        if b > 0x7F:
            return "".join([chr(b) for b in raw])
    return bytes(raw).decode()


# CPython has a GB18030 codec; MicroPython ignores the codec's name and decodes UTF-8, which
# some GBK codes also are, so only a round trip tells (feature detection, as compat does).
_CODEC = "\u4e2d".encode("gb18030") == b"\xd6\xd0"


def gbk(pair, table=None):
    # A two-byte GBK code → its char: by the codec where the runtime has one (CPython, so the
    # simulated printer checks the firmware's table rather than trusting it), else by a
    # linear search of that table (drivers/printer/escpos.py), else U+FFFD.
    if _CODEC:
        return bytes(pair).decode("gb18030", "replace")
    if table:
        rec = bytearray(4)
        with open(table, "rb") as f:
            while f.readinto(rec) == 4:
                if rec[2] == pair[0] and rec[3] == pair[1]:
                    # UTF-8 by hand: chr() would intern the char on MicroPython for good
                    c = rec[0] << 8 | rec[1]
                    if c < 0x800:
                        return bytes((0xC0 | c >> 6, 0x80 | c & 0x3F)).decode()
                    return bytes((0xE0 | c >> 12, 0x80 | c >> 6 & 0x3F, 0x80 | c & 0x3F)).decode()
    return "\ufffd"


class Line:
    # One printed line, QR code or barcode, with the modes it was printed in. Only values that
    # differ from the class defaults get stored, so a plain line is one small object.
    kind = TEXT
    text = ""
    bold = False
    width = 1
    height = 1
    align = 0
    data = None

    def __init__(self, kind, text="", bold=False, width=1, height=1, align=0, data=None):
        if kind != TEXT:
            self.kind = kind
        if text:
            self.text = text
        if bold:
            self.bold = bold
        if width != 1:
            self.width = width
        if height != 1:
            self.height = height
        if align:
            self.align = align
        if data is not None:
            self.data = data

    def __eq__(self, other):
        return isinstance(other, Line) and repr(self) == repr(other)

    def __repr__(self):
        return "Line(%r, %r, bold=%r, width=%r, height=%r, align=%r, data=%r)" % (
            self.kind,
            self.text,
            self.bold,
            self.width,
            self.height,
            self.align,
            self.data,
        )


class EscPosParser:
    # gb: the GB18030 table, for runtimes without the codec (gbk()).
    def __init__(self, on_line, on_status=None, on_cut=None, gb=None):
        self.on_line = on_line
        self.on_status = on_status
        self.on_cut = on_cut
        self.gb = gb
        self.unknown = 0
        self.chinese = False
        self.reset()

    def reset(self):
        # Power-on state: modes at defaults, no half-read command, empty print buffer.
        self.bold = False
        self.width = self.height = 1
        self.align = 0
        self._pending = b""
        self._want = 0  # body bytes still owed to the current command
        self._body = None  # where they go when the command needs them
        self._qr = None
        self._clear_line()

    def _clear_line(self):
        self._text = bytearray()  # UTF-8 of what the line prints
        self._lead = b""  # the first byte of a GBK code whose second has not arrived
        self._line = [False, 1, 1, self.align]  # bold, width, height, align of the text so far

    def feed(self, data):
        if self._pending:
            data = self._pending + bytes(data)
            self._pending = b""
        i = 0
        n = len(data)
        while i < n:
            if self._want:
                take = min(self._want, n - i)
                if self._body is not None:
                    self._body.extend(data[i : i + take])
                self._want -= take
                i += take
                if not self._want:
                    self._body_done()
                continue
            b = data[i]
            if b >= 0x20:
                j = i + 1
                while j < n and data[j] >= 0x20:
                    j += 1
                self._add_text(data[i:j])
                i = j
                continue
            if b == _LF:
                self.print_line()
            elif b == 0x09:  # HT: the next tab stop, near enough a space
                self._add_text(b" ")
            elif b in b"\x10\x1b\x1c\x1d":  # DLE ESC FS GS
                used = command(self, data, i, n)
                if used < 0:
                    self._pending = bytes(data[i:])
                    return
                i += used - 1
            i += 1  # CR and other controls move nothing on a receipt printer

    def _add_text(self, raw):
        line = self._line
        if not self._text:
            line[3] = self.align  # ESC a acts only at the start of a line
        if self.chinese:
            raw = self._lead + bytes(raw)
            self._lead = b""
            out = bytearray()
            i = 0
            while i < len(raw):
                b = raw[i]
                if b < 0x81:  # ASCII, even in Chinese mode
                    out.append(b if b < 0x80 else 0x3F)
                elif i + 1 == len(raw):
                    self._lead = raw[i:]
                else:
                    out.extend(gbk(raw[i : i + 2], self.gb).encode())
                    i += 1
                i += 1
            raw = out
        elif max(raw) > 0x7F:
            raw = latin1(raw).encode()
        self._text.extend(raw)
        line[0] = line[0] or self.bold
        line[1] = max(line[1], self.width)
        line[2] = max(line[2], self.height)

    def pending_text(self):
        return len(self._text)

    def print_line(self):
        m = self._line
        if self._text:
            line = Line(TEXT, bytes(self._text).decode(), m[0], m[1], m[2], m[3])
        else:
            line = Line(TEXT, align=self.align)  # an empty buffer feeds one plain line
        self._clear_line()
        self.on_line(line)

    def emit(self, kind, data):
        if self._text:
            self.print_line()
        if not isinstance(data, str):
            try:
                data = bytes(data).decode()
            except UnicodeError:
                data = latin1(data)
        self.on_line(Line(kind, align=self.align, data=data))

    def cut(self):
        if self._text:
            self.print_line()
        if self.on_cut is not None:
            self.on_cut()

    def skip(self, count, keep):
        self._want = count
        self._body = bytearray() if keep else None
        if keep and not count:
            self._body_done()

    def _body_done(self):
        body = self._body
        self._body = None
        if body is None or len(body) < 2 or body[0] != 49:  # cn 49: QR code
            return
        if body[1] == 80:  # fn 180, store: m then the data
            self._qr = bytes(body[3:])
        elif body[1] == 81 and self._qr is not None:  # fn 181: print the stored symbol
            self.emit(QR, self._qr)
