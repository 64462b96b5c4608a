# Chinese on the simulator's paper: the GBK the firmware sends in FS & mode reads back as
# Chinese (CPython's codec, not the firmware's table), aligned by columns, and drawn in the PNG.
from PIL import Image

from drivers.printer.escpos import Receipt
from drivers.printer.sim import SimPrinter
from drivers.sim_serial import sim_serial_pair
from firmware.ui.text import path
from tools.sim.paper import DOTS, Paper

GB = path("gb.bin")
ZH = "\u7b80\u4f53\u4e2d\u6587"  # 简体中文: every catalogue has it, so gb.bin does


def _receipt():
    r = Receipt(gb=GB)
    r.center(ZH).pair(ZH, "12.50").line("Total " + ZH + "!").cut()
    return r.bytes()


def test_paper_text_is_chinese_and_aligned_by_columns():
    paper = Paper()
    job = _receipt()
    for i in range(len(job)):  # the serial line may split a GBK code anywhere
        paper.feed(job[i : i + 1])
    assert paper.text().split("\n") == [
        " " * 12 + ZH,
        ZH + " " * 19 + "12.50",
        "Total " + ZH + "!",
        "--- cut ---",
    ]
    assert ZH[2:] in paper.text()  # what a scenario's expect-receipt "中文" looks for


def test_the_sim_printer_reads_chinese_off_the_line():
    _, dev = sim_serial_pair(19200)
    printer = SimPrinter(dev)
    dev.on_receive(_receipt())
    assert printer.text().split("\n")[:2] == [ZH, ZH + " " * 19 + "12.50"]


def test_png_draws_each_chinese_char_in_two_cells():
    paper = Paper()
    paper.feed(Receipt(gb=GB).line(ZH).line("abcdefgh").bytes())
    image = paper.to_image().convert("L")
    assert image.width == DOTS

    def ink(x0, x1, y0=8, y1=32):
        return sum(1 for x in range(x0, x1) for y in range(y0, y1) if image.getpixel((x, y)) < 128)

    # four chars of two 12-dot cells: ink across 96 dots, none past them
    for i in range(4):
        assert ink(i * 24, i * 24 + 24) > 20
    assert ink(96, DOTS) == 0
    assert isinstance(image, Image.Image)
