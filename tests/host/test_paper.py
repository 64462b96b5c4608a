# The simulator's paper view: receipt text as the cashier reads it, and a PNG of the roll.
from drivers.printer.escpos import Receipt
from tools.sim.paper import CUT, DOTS, Paper, code128_widths


def _receipt():
    r = Receipt()
    r.center("DEMO SHOP").big("TOTAL").bold("Sale 0042")
    r.pair("Tea", "2.50").pair("Cake", "3.10").rule()
    r.qr("https://x.test/r/42").barcode("SALE-0042").cut()
    return r.bytes()


def test_text_of_a_receipt():
    paper = Paper()
    job = _receipt()
    paper.feed(job[:50])  # a split mid-stream, as the serial line delivers it
    paper.feed(job[50:])
    assert paper.text().split("\n") == [
        " " * 11 + "DEMO SHOP",
        "TOTAL",
        "Sale 0042",
        "Tea" + " " * 25 + "2.50",
        "Cake" + " " * 24 + "3.10",
        "-" * 32,
        " " * 4 + "[QR https://x.test/r/42]",
        " " * 6 + "[BARCODE SALE-0042]",
        CUT,
    ]


def test_clear_starts_a_fresh_roll():
    paper = Paper()
    paper.feed(b"\x1bE\x01half a comm")
    paper.clear()
    paper.feed(b"next\n")
    assert paper.text() == "next"
    assert not paper.lines[0].bold


def test_png_is_a_58mm_roll(tmp_path):
    from PIL import Image

    paper = Paper()
    paper.feed(_receipt())
    path = paper.save_png(str(tmp_path / "receipt.png"))
    image = Image.open(path)
    assert image.width == DOTS == 384
    assert image.height > 9 * 30  # nine printed items, the QR and barcode taller than a line
    # Ink on the paper: the rule is a solid run of dashes, the barcode real bars.
    assert image.convert("L").getextrema() == (0, 255)


def test_code128_widths_follow_the_symbology():
    # Start B (104), 'A' = 33, checksum (104 + 33) % 103 = 34, stop.
    assert code128_widths("A") == [int(w) for w in "211214" + "111323" + "131123" + "2331112"]
    widths = code128_widths("SALE-0042")
    assert sum(widths) == 11 * (9 + 3) + 2  # start, data, checksum: 11 modules; stop: 13
    assert code128_widths("\u00e9") is None
