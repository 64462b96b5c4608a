"""Build the 16 px display font and the printer's GB18030 table from the message catalogues.

    .venv/bin/python tools/gen_cjk_font.py [--check] [CATALOGUE ...]

Every non-ASCII character the catalogues (default: firmware/ui/*.txt) use gets its GNU Unifont
glyph in firmware/ui/cjk16.bin and its two-byte GBK code in firmware/ui/gb.bin; nothing else
does, so the files grow only with the text. Rerun it after editing a catalogue:
tests/host/test_cjk_font.py fails while a character is missing. --check only compares.

cjk16.bin (read glyph by glyph by drivers/display/font16.py; all glyphs MONO_VLSB, the
framebuffer's own layout, so a glyph is blitted as it is read):
    0     4  b"CJ16"
    4     2  N, the number of full-width glyphs, little-endian
    6     2  0
    8  1520  ' '..'~': 8x16 glyphs of 16 bytes (8 columns of rows 0-7, then of rows 8-15)
 1528    32  the box drawn for any character the font lacks
 1560    2N  the N code points (BMP only), big-endian, ascending
 1560+2N 32N their 16x16 glyphs (16 columns of rows 0-7, then of rows 8-15)
Full-width means two columns: every non-ASCII character takes two, on the display as on the
printer (GBK codes are two bytes, printed double width), so a glyph Unifont draws 8 px wide
(a "·") is centred in 16.

gb.bin (searched by drivers/printer/escpos.py): N records of 4 bytes, ascending: code point
(big-endian), then its GBK code as the printer reads it in FS & mode."""

import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UI = os.path.join(ROOT, "firmware", "ui")
FONT = os.path.join(UI, "cjk16.bin")
TABLE = os.path.join(UI, "gb.bin")
LICENSE = os.path.join(UI, "cjk16.LICENSE")
UNIFONT = "/usr/share/unifont/unifont.hex"
COPYRIGHT = "/usr/share/doc/unifont/copyright"
COMMAND = ".venv/bin/python tools/gen_cjk_font.py"

MAGIC = b"CJ16"
ASCII_FIRST = 0x20
ASCII_LAST = 0x7E
HEAD = 8
BOX_AT = HEAD + (ASCII_LAST + 1 - ASCII_FIRST) * 16
CODES_AT = BOX_AT + 32


def catalogues():
    return sorted(glob.glob(os.path.join(UI, "*.txt")))


def characters(paths):
    """The sorted non-ASCII code points the catalogues' texts use."""
    used = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                used.update(ord(c) for c in line.partition("\t")[2] if ord(c) > 0x7F)
    return sorted(used)


def read_unifont(path, wanted):
    """{code point: hex bitmap} of the wanted code points found in a unifont .hex file."""
    glyphs = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            code, _, bits = line.strip().partition(":")
            if int(code, 16) in wanted:
                glyphs[int(code, 16)] = bits
    return glyphs


def rows_of(bits):
    """A unifont hex bitmap → (width, 16 row ints, MSB = leftmost pixel)."""
    width = len(bits) // 4  # 32 hex digits: 8 px wide; 64: 16 px
    if width not in (8, 16):
        raise ValueError("not an 8x16 or 16x16 glyph: %r" % bits)
    step = width // 4
    return width, [int(bits[i : i + step], 16) for i in range(0, len(bits), step)]


def vlsb(width, rows, out_width=None):
    """16 rows of `width` px → MONO_VLSB bytes `out_width` wide (centred when wider)."""
    out_width = out_width or width
    pad = (out_width - width) // 2
    data = bytearray(out_width * 2)
    for y, row in enumerate(rows):
        for x in range(width):
            if row >> (width - 1 - x) & 1:
                data[(y >> 3) * out_width + pad + x] |= 1 << (y & 7)
    return bytes(data)


def box():
    # An outlined square, the usual "no glyph" tofu: nothing in a catalogue looks like it.
    rows = [0] + [0x4002] * 14 + [0]
    rows[1] = rows[14] = 0x7FFE
    return vlsb(16, rows)


def gbk(code):
    raw = chr(code).encode("gb18030")
    if len(raw) != 2:
        raise ValueError("U+%04X has no two-byte GBK code (GB18030 gives %s)" % (code, raw.hex()))
    return raw


def build(paths, unifont=UNIFONT):
    """(cjk16.bin bytes, gb.bin bytes) for the catalogues at `paths`."""
    codes = characters(paths)
    astral = [c for c in codes if c > 0xFFFF]
    if astral:
        raise ValueError("outside the BMP: %s" % " ".join("U+%X" % c for c in astral))
    ascii_codes = range(ASCII_FIRST, ASCII_LAST + 1)
    glyphs = read_unifont(unifont, set(codes) | set(ascii_codes))
    missing = [c for c in list(ascii_codes) + codes if c not in glyphs]
    if missing:
        raise ValueError("not in %s: %s" % (unifont, " ".join("U+%04X" % c for c in missing)))
    font = bytearray(MAGIC + len(codes).to_bytes(2, "little") + bytes(2))
    for c in ascii_codes:
        width, rows = rows_of(glyphs[c])
        if width != 8:
            raise ValueError("U+%04X is not half-width in unifont" % c)
        font += vlsb(8, rows)
    font += box()
    for c in codes:
        font += c.to_bytes(2, "big")
    for c in codes:
        font += vlsb(*rows_of(glyphs[c]), out_width=16)
    table = b"".join(c.to_bytes(2, "big") + gbk(c) for c in codes)
    return bytes(font), table


def unifont_version():
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "unifont"], capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def license_text(copyright_path=COPYRIGHT):
    with open(copyright_path, encoding="utf-8") as f:
        quoted = f.read()
    return (
        "cjk16.bin: glyphs of GNU Unifont (https://unifoundry.com/unifont/) from Debian's\n"
        "unifont %s (%s), subset to the characters the message\n"
        "catalogues use and converted to MONO_VLSB by tools/gen_cjk_font.py (the glyph bits\n"
        "are unchanged; glyphs narrower than 16 px are centred). The generator and its input\n"
        "are the source of this file: %s\n"
        "\n"
        "Licence, as recorded by Debian (%s, quoted in full below):\n"
        "GPL-2+ (GNU General Public License, version 2 or any later version).\n"
        "Upstream (unifoundry.com) states that since Unifont 13.0.04 the fonts are\n"
        "dual-licensed: GPL-2+ with the GNU font embedding exception, or the SIL Open Font\n"
        "License 1.1. Debian's copyright file does not repeat that; check upstream's\n"
        "LICENSE.txt and OFL-1.1.txt before relying on either.\n"
        "\n"
        "---- %s ----\n%s" % (unifont_version(), UNIFONT, COMMAND, COPYRIGHT, COPYRIGHT, quoted)
    )


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"] or catalogues()
    font, table = build(paths)
    outputs = ((FONT, font), (TABLE, table))
    if check:
        stale = []
        for path, data in outputs:
            try:
                with open(path, "rb") as f:
                    if f.read() == data:
                        continue
            except OSError:
                pass
            stale.append(os.path.relpath(path, ROOT))
        print("stale: %s (run %s)" % (" ".join(stale), COMMAND) if stale else "up to date")
        return 1 if stale else 0
    for path, data in outputs:
        with open(path, "wb") as f:
            f.write(data)
    with open(LICENSE, "w", encoding="utf-8") as f:
        f.write(license_text())
    print(
        "wrote %s (%d glyphs, %d bytes), %s (%d bytes), %s"
        % (
            os.path.relpath(FONT, ROOT),
            (len(font) - CODES_AT) // 34,
            len(font),
            os.path.relpath(TABLE, ROOT),
            len(table),
            os.path.relpath(LICENSE, ROOT),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
