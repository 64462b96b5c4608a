# Host views of a display frame: quadrant-block text and PNG snapshots (tools/sim/screen.py).
import pytest
from PIL import Image

from drivers.display.canvas import Canvas
from drivers.display.sim import SSD1306Chip
from drivers.display.ssd1306 import SSD1306
from tools.sim.screen import BEZEL, OFF, ON, QUADRANTS, frame_to_image, frame_to_png, frame_to_text


def _frame_with(*pixels):
    frame = bytearray(1024)
    for x, y in pixels:
        frame[(y >> 3) * 128 + x] |= 1 << (y & 7)
    return bytes(frame)


def test_quadrant_order_is_tl_tr_bl_br_bits():
    assert frame_to_text(_frame_with((0, 0)))[0][0] == "▘"
    assert frame_to_text(_frame_with((1, 0)))[0][0] == "▝"
    assert frame_to_text(_frame_with((0, 1)))[0][0] == "▖"
    assert frame_to_text(_frame_with((1, 1)))[0][0] == "▗"
    assert frame_to_text(_frame_with((0, 0), (1, 1)))[0][0] == "▚"
    assert frame_to_text(_frame_with((0, 0), (1, 0), (0, 1), (1, 1)))[0][0] == "█"
    assert frame_to_text(_frame_with((127, 63)))[31] == " " * 63 + "▗"
    assert len(QUADRANTS) == 16


def test_frame_to_text_is_32_lines_of_64_and_shows_the_glyph():
    chip = SSD1306Chip()
    dev = SSD1306(chip)
    dev.init()
    canvas = Canvas(dev)
    canvas.text(0, "A")
    canvas.show()
    lines = frame_to_text(chip.frame())
    assert len(lines) == 32 and {len(line) for line in lines} == {64}
    assert [line[:4] for line in lines[:4]] == [" ▟▙ ", "▐▙▟▌", "▐▌▐▌", "▝▘▝▘"]
    assert all(line.strip() == "" for line in lines[4:])
    assert lines[0][4:].strip() == ""


def test_png_size_border_and_colours(tmp_path):
    frame = _frame_with((3, 0), (127, 63))
    path = frame_to_png(frame, str(tmp_path / "f.png"))
    img = Image.open(path)
    assert img.format == "PNG" and img.size == (130 * 4, 66 * 4)
    img = img.convert("RGB")
    assert img.getpixel((0, 0)) == BEZEL and img.getpixel((519, 263)) == BEZEL
    assert img.getpixel((4, 4)) == OFF  # frame pixel (0, 0)
    assert img.getpixel((4 * 4, 4)) == ON and img.getpixel((4 * 4 + 3, 7)) == ON  # (3, 0)
    assert img.getpixel((128 * 4, 64 * 4)) == ON  # (127, 63)
    assert img.getpixel((4 * 4, 8)) == OFF  # (3, 1)


def test_image_scale_one_and_bad_frame_length():
    assert frame_to_image(bytes(1024), scale=1).size == (130, 66)
    with pytest.raises(ValueError):
        frame_to_text(bytes(1000))
