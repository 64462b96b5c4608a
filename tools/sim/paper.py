# The paper coming out of the simulated printer: the printed bytes read back through the same
# ESC/POS parser as the device model, as text for logs and scenario checks and as a PNG of a
# 58 mm roll (384 dots across, font A cells of 12 x 24 dots, 32 columns). Chinese text (GBK in
# FS & mode) takes two cells a char, drawn from the display's 16 px font.
import os

from drivers.display.font16 import cells
from drivers.printer.parser import BARCODE, QR, EscPosParser, Line

DOTS = 384
CELL_W = 12
CELL_H = 24
LINE_H = 30  # ESC 2 default line spacing, in dots
CUT = "--- cut ---"
_CUT_KIND = "cut"
_MARGIN = 8

# Code 128 bar/space widths for symbol values 0..106 (106 is the stop, with its end bar).
_C128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()
_START_B = 104
_STOP = 106


def code128_widths(data):
    """Bar, space, bar... widths in modules for data in code set B, checksum and stop included;
    None when a character is outside set B."""
    values = [_START_B]
    for c in data:
        if not 32 <= ord(c) <= 127:
            return None
        values.append(ord(c) - 32)
    check = (_START_B + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    return [int(w) for v in values + [check, _STOP] for w in _C128[v]]


class Paper:
    def __init__(self, columns=32):
        self.columns = columns
        self.lines = []  # parser.Line records; a cut is Line("cut")
        self._parser = EscPosParser(self.lines.append, on_cut=self._cut)

    def _cut(self):
        self.lines.append(Line(_CUT_KIND))

    def feed(self, data):
        self._parser.feed(data)

    def clear(self):
        self.lines.clear()
        self._parser.reset()

    def text(self):
        """The receipt as a cashier reads it: alignment as spaces, codes as [QR ...] and
        [BARCODE ...], cuts as a line of their own."""
        out = []
        for line in self.lines:
            if line.kind == _CUT_KIND:
                out.append(CUT)
                continue
            s = line.text
            if line.kind == QR:
                s = "[QR %s]" % line.data
            elif line.kind == BARCODE:
                s = "[BARCODE %s]" % line.data
            room = self.columns // line.width - cells(s)
            if room > 0 and line.align:
                s = " " * (room // 2 if line.align == 1 else room) + s
            out.append(s)
        return "\n".join(out)

    # -- picture ---------------------------------------------------------------------------

    def to_image(self):
        from PIL import Image, ImageFont

        font = ImageFont.load_default(size=20)
        blocks = [self._block(line, font) for line in self.lines]
        height = _MARGIN * 2 + sum(b.height for b in blocks)
        image = Image.new("L", (DOTS, max(height, LINE_H)), 255)
        y = _MARGIN
        for b in blocks:
            image.paste(b, (0, y))
            y += b.height
        return image

    def save_png(self, path):
        self.to_image().save(path, format="PNG")
        return path

    def _block(self, line, font):
        from PIL import Image, ImageDraw

        if line.kind == _CUT_KIND:
            block = Image.new("L", (DOTS, LINE_H), 255)
            draw = ImageDraw.Draw(block)
            for x in range(0, DOTS, 12):
                draw.line((x, LINE_H // 2, x + 6, LINE_H // 2), fill=0, width=2)
            return block
        if line.kind == QR:
            return self._aligned(_qr_image(line.data), line.align)
        if line.kind == BARCODE:
            return self._aligned(_barcode_image(line.data, font), line.align)
        if not line.text:
            return Image.new("L", (DOTS, LINE_H), 255)
        per_row = max(2, DOTS // (CELL_W * line.width))
        rows = [""]
        for c in line.text:
            if cells(rows[-1] + c) > per_row:
                rows.append("")
            rows[-1] += c
        row_h = max(LINE_H, CELL_H * line.height + LINE_H - CELL_H)
        block = Image.new("L", (DOTS, row_h * len(rows)), 255)
        for n, row in enumerate(rows):
            picture = _text_cells(row, font, line.bold)
            picture = picture.resize(
                (picture.width * line.width, picture.height * line.height),
                Image.Resampling.NEAREST,
            )
            block.paste(picture, (_x(picture.width, line.align), n * row_h))
        return block

    def _aligned(self, picture, align):
        from PIL import Image

        block = Image.new("L", (DOTS, picture.height + LINE_H - CELL_H), 255)
        block.paste(picture, (_x(picture.width, align), 0))
        return block


def _x(width, align):
    return 0 if align == 0 else max(0, (DOTS - width) // (2 if align == 1 else 1))


def _text_cells(row, font, bold):
    # One font A cell per character so columns line up as on the printer, whatever the
    # proportional default font would do.
    from PIL import Image, ImageDraw

    picture = Image.new("L", (CELL_W * cells(row), CELL_H), 255)
    draw = ImageDraw.Draw(picture)
    left = 0
    for c in row:
        if c > "\x7f":
            glyph = _wide_glyph(c)
            picture.paste(glyph, (left, 0), glyph.point(lambda v: 255 - v))
            if bold:
                picture.paste(glyph, (left + 1, 0), glyph.point(lambda v: 255 - v))
            left += 2 * CELL_W
            continue
        x = left + (CELL_W - draw.textlength(c, font=font)) / 2
        draw.text((x, 1), c, font=font, fill=0)
        if bold:
            draw.text((x + 1, 1), c, font=font, fill=0)
        left += CELL_W
    return picture


_font16 = []


def _wide_glyph(c):
    # Two cells (24 x 24 dots) of c, scaled from the display's 16 px font; its box if it lacks c.
    from PIL import Image

    from drivers.display.font16 import Font16

    if not _font16:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        _font16.append(Font16(os.path.join(root, "firmware", "ui", "cjk16.bin")))
    font = _font16[0]
    font.load(ord(c))
    glyph = Image.new("L", (16, 16), 255)
    for x in range(16):
        for y in range(16):
            if font.buf[(y >> 3) * 16 + x] >> (y & 7) & 1:
                glyph.putpixel((x, y), 0)
    return glyph.resize((2 * CELL_W, CELL_H), Image.Resampling.NEAREST)


def _qr_image(data, module=4):
    from PIL import Image, ImageDraw, ImageFont

    try:
        import qrcode
    except ImportError:
        qrcode = None
    if qrcode is not None:
        code = qrcode.QRCode(border=0, box_size=module)
        code.add_data(data)
        return code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = 25 * module  # a version 2 symbol, as big as a short URL makes
    box = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(box)
    draw.rectangle((0, 0, side - 1, side - 1), outline=0, width=3)
    small = ImageFont.load_default(size=11)
    draw.text((6, 5), "QR", font=small, fill=0)
    for n in range(0, min(len(data), 60), 14):
        draw.text((6, 22 + n), data[n : n + 14], font=small, fill=0)
    return box


def _barcode_image(data, font, module=2, height=80):
    # GS h 80, GS w 2 and HRI text below: what escpos.barcode128 asks for.
    from PIL import Image, ImageDraw

    widths = code128_widths(data)
    if widths is None:
        box = Image.new("L", (DOTS // 2, height), 255)
        draw = ImageDraw.Draw(box)
        draw.rectangle((0, 0, box.width - 1, height - 1), outline=0, width=2)
        draw.text((6, height // 2 - 10), "BARCODE", font=font, fill=0)
        bars = box
    else:
        bars = Image.new("L", (sum(widths) * module, height), 255)
        draw = ImageDraw.Draw(bars)
        x = 0
        for i, w in enumerate(widths):
            if i % 2 == 0:
                draw.rectangle((x, 0, x + w * module - 1, height - 1), fill=0)
            x += w * module
    hri = _text_cells(data, font, False)
    out = Image.new("L", (max(bars.width, hri.width), height + CELL_H + 2), 255)
    out.paste(bars, ((out.width - bars.width) // 2, 0))
    out.paste(hri, ((out.width - hri.width) // 2, height + 2))
    return out
