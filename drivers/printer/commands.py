# What each ESC/POS command does to parser.EscPosParser and how many bytes it takes. Kept apart
# from parser.py so MicroPython can compile each half from source inside a 64 KiB heap.
from compat import const

_ESC = const(0x1B)
_GS = const(0x1D)
_DLE = const(0x10)
_NUL_SEARCH = const(256)  # longest NUL-terminated argument before we call it garbage
_QR_BODY_MAX = const(7100)  # a QR store is collected whole; anything bigger is skipped

# Commands that only set things a receipt view ignores, by argument count (index 0..3).
# ESC: 2 < line spacing, return home | - underline, 3 spacing, t code table, R charset, M font,
# V rotate, { upside down, SP spacing, G double strike, % = ? user chars/peripheral,
# U unidirectional, r colour | $ \ position, c 3/4/5 sensors | p cash drawer pulse.
_ESC_ARGS = (b"2<", b"-3tRMV{ G%=?Ur", b"$\\c", b"p")
# GS: : macro | B reverse, h w H f barcode setup, a auto status, r status, I id, b smoothing,
# / stored image | L W P $ \ margins and positions | ^ run macro.
_GS_ARGS = (b":", b"BhwHfarIb/", b"LWP$\\", b"^")
# FS: & . Chinese on/off | ! - W C Chinese modes, encoding | S spacing, p NV image.
_FS_ARGS = (b"&.", b"!-WC", b"Sp", b"")
_NO_ARGS = b"@2<:&."  # the only commands complete in two bytes


def command(p, data, i, n):
    # Bytes used by the command at data[i], or -1 while it is incomplete.
    if i + 2 >= n and (i + 1 >= n or data[i] == _DLE or data[i + 1] not in _NO_ARGS):
        return -1
    c = data[i + 1]
    arg = data[i + 2] if i + 2 < n else 0
    if data[i] == _DLE:
        if c == 0x04:  # DLE EOT n (7 and 8 carry one more byte)
            used = 4 if arg in (7, 8) else 3
            if i + used > n:
                return -1
            if p.on_status is not None:
                p.on_status(arg)
            return used
        if c == 0x05:  # DLE ENQ n
            return 3
        p.unknown += 1
        return 2
    if data[i] == _ESC:
        if c == 0x40:  # ESC @ clears the buffer and every mode
            p.reset()
            return 2
        if c == 0x45:  # ESC E bold
            p.bold = bool(arg & 1)
        elif c == 0x21:  # ESC ! font B, bold, double height, double width, underline
            p.bold = bool(arg & 0x08)
            p.height = 2 if arg & 0x10 else 1
            p.width = 2 if arg & 0x20 else 1
        elif c == 0x61:  # ESC a n, also '0' '1' '2'
            p.align = arg - 48 if arg >= 48 else arg
        elif c == 0x64:  # ESC d: print the buffer, then feed n lines in all
            if p.pending_text():
                arg -= 1
                p.print_line()
            for _ in range(arg):
                p.print_line()
        elif c == 0x4A:  # ESC J n: print the buffer and feed n dots
            if p.pending_text():
                p.print_line()
        else:
            return _fixed(p, _ESC_ARGS, c, i, n)
        return 3
    if data[i] == _GS:
        if c == 0x21:  # GS ! size
            p.width = (arg >> 4 & 7) + 1
            p.height = (arg & 7) + 1
            return 3
        if c == 0x56:  # GS V m, or GS V m n for m >= 65
            used = 4 if arg >= 65 else 3
            if i + used <= n:
                p.cut()
            return used if i + used <= n else -1
        if c == 0x6B:
            return _barcode(p, data, i, n, arg)
        if c == 0x28:  # GS ( x pL pH body: one framing for every function family
            if i + 4 >= n:
                return -1
            length = data[i + 3] | data[i + 4] << 8
            p.skip(length, arg == 0x6B and length <= _QR_BODY_MAX)
            return 5
        if c == 0x76:  # GS v 0 m xL xH yL yH raster image
            if i + 7 >= n:
                return -1
            p.skip((data[i + 4] | data[i + 5] << 8) * (data[i + 6] | data[i + 7] << 8), False)
            return 8
        return _fixed(p, _GS_ARGS, c, i, n)
    if c == 0x26 or c == 0x2E:  # FS & / FS .
        p.chinese = c == 0x26
    return _fixed(p, _FS_ARGS, c, i, n)


def _fixed(p, table, c, i, n):
    for nargs in range(4):
        if c in table[nargs]:
            return 2 + nargs if i + 2 + nargs <= n else -1
    p.unknown += 1
    return 2  # skip the command byte; its arguments, if any, print as text


def _barcode(p, data, i, n, m):
    # GS k m: NUL-terminated data for m 0..6, a count byte first for m 65..
    if i + 3 >= n:
        return -1
    if m >= 65:
        end = i + 4 + data[i + 3]
        if end > n:
            return -1
        raw = data[i + 4 : end]
        p.emit("barcode", code128_text(raw) if m == 73 else raw)
        return end - i
    j = i + 3
    while data[j]:
        j += 1
        if j == n:
            return -1 if j - i < _NUL_SEARCH else _garbage(p)
    p.emit("barcode", data[i + 3 : j])
    return j + 1 - i


def _garbage(p):
    p.unknown += 1
    return 2


def code128_text(raw):
    # GS k 73 data → the text a scanner reads: '{A' '{B' '{C' switch sets, '{{' is '{';
    # shift and FNC1..4 carry no text.
    out = bytearray()
    code_c = False
    i = 0
    while i < len(raw):
        b = raw[i]
        i += 1
        if b == 0x7B and i < len(raw):
            b = raw[i]
            i += 1
            if b == 0x7B:
                out.append(b)
            elif 0x41 <= b <= 0x43:
                code_c = b == 0x43
        elif code_c:
            out.extend(b"%02d" % b)
        else:
            out.append(b)
    return out
