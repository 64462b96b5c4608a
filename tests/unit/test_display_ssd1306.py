# The SSD1306 driver's bytes on the bus and the simulated controller's decoding of them.
# (Apart from tests/unit/test_display.py so each file compiles inside MicroPython's 64 KiB heap.)
from drivers.display.canvas import Canvas
from drivers.display.sim import SSD1306Chip
from drivers.display.ssd1306 import SSD1306
from tests.unit.helpers import raises


class RecordingBus:
    def __init__(self):
        self.log = []

    def writeto(self, addr, buf):
        self.log.append((addr, bytes(buf)))  # the driver reuses its buffers: copy now


INIT_128x64 = bytes(
    [0x00, 0xAE, 0xD5, 0x80, 0xA8, 0x3F, 0xD3, 0x00, 0x40, 0x8D, 0x14, 0x20, 0x00, 0xA1, 0xC8]
    + [0xDA, 0x12, 0x81, 0xCF, 0xD9, 0xF1, 0xDB, 0x30, 0xA4, 0xA6, 0x2E, 0xAF]
)


def test_ssd1306_init_sends_the_standard_sequence_in_one_write():
    bus = RecordingBus()
    SSD1306(bus, 0x3D).init()
    assert bus.log == [(0x3D, INIT_128x64)]


def test_ssd1306_init_for_external_vcc_and_128x32():
    bus = RecordingBus()
    SSD1306(bus, width=128, height=32, external_vcc=True).init()
    seq = bus.log[0][1]
    assert seq[4:6] == b"\xa8\x1f"  # 32 mux
    assert seq[9:11] == b"\x8d\x10"  # no charge pump: the panel has its own supply
    assert seq[15:17] == b"\xda\x02"
    assert seq[17:23] == b"\x81\x9f\xd9\x22\xdb\x30"


def test_ssd1306_show_sends_only_the_given_pages():
    bus = RecordingBus()
    dev = SSD1306(bus)
    buf = bytearray(bytes(range(256)) * 4)
    dev.show(buf, [1, 5])
    assert bus.log == [
        (0x3C, b"\x00\x21\x00\x7f\x22\x01\x01"),
        (0x3C, b"\x40" + bytes(buf[128:256])),
        (0x3C, b"\x00\x21\x00\x7f\x22\x05\x05"),
        (0x3C, b"\x40" + bytes(buf[640:768])),
    ]


def test_ssd1306_small_commands():
    bus = RecordingBus()
    dev = SSD1306(bus)
    dev.contrast(0x42)
    dev.power(False)
    dev.power(True)
    dev.invert(True)
    dev.invert(False)
    assert [b for _, b in bus.log] == [
        b"\x00\x81\x42",
        b"\x00\xae",
        b"\x00\xaf",
        b"\x00\xa7",
        b"\x00\xa6",
    ]
    raises(ValueError, dev.contrast, 256)
    raises(ValueError, dev.contrast, -1)
    assert len(bus.log) == 5  # nothing sent for them
    raises(ValueError, dev.show, bytearray(1024), [8])


def test_ssd1306_narrow_panel_uses_the_middle_columns():
    bus = RecordingBus()
    SSD1306(bus, width=64, height=48).show(bytearray(64 * 6), [2])
    assert bus.log[0][1] == b"\x00\x21\x20\x5f\x22\x02\x02"
    assert len(bus.log[1][1]) == 65


# -- simulated controller --


def test_chip_round_trip_matches_the_canvas_buffer():
    chip = SSD1306Chip(garbage=True)
    dev = SSD1306(chip)
    dev.init()
    canvas = Canvas(dev)
    canvas.text(0, "Hello")
    canvas.center(4, "PAY", invert=True)
    canvas.hline(63)
    assert canvas.show() == [0, 1, 2, 3, 4, 5, 6, 7]  # power-up RAM is noise: all pages
    assert chip.frame() == bytes(canvas.buf)
    canvas.right(2, "9.99")
    canvas.show()
    assert chip.frame() == bytes(canvas.buf)
    assert (chip.on, chip.charge_pump, chip.contrast, chip.mode) == (True, True, 0xCF, 0)
    assert (chip.seg_remap, chip.com_reversed, chip.mux, chip.scrolling) == (True, True, 63, False)
    assert chip.unknown == []


def test_chip_counts_bus_traffic_of_a_full_frame():
    chip = SSD1306Chip()
    SSD1306(chip).show(bytearray(1024), range(8))
    assert (chip.writes, chip.bytes_written) == (16, 8 * 7 + 8 * 129)
    # 8 x (7+1) and 8 x (129+1) bytes of 9 bits, plus start/stop per write
    assert chip.bus_time_us(400000) == (8 * 74 + 8 * 1172) * 1000000 // 400000


def test_chip_page_mode_writes():
    chip = SSD1306Chip()  # reset state: page addressing
    chip.writeto(0x3C, b"\x00\xb3\x05\x12")  # page 3, column 0x25
    chip.writeto(0x3C, b"\x40\x01\x02\x03")
    assert chip.frame()[3 * 128 + 0x25 : 3 * 128 + 0x29] == b"\x01\x02\x03\x00"
    # Co=0 makes everything after the control byte commands: 0x41 is "start line 1", not data
    chip.writeto(0x3C, b"\x00\xb6\x0e\x17\x41\xaa")
    assert (chip.start_line, chip.unknown, chip.frame()[6 * 128 + 126]) == (1, [0xAA], 0)
    chip.writeto(0x3C, b"\x40\xaa\xbb\xcc")
    frame = chip.frame()
    # column 126, 127, then back to the column start (126); the page does not change
    assert frame[6 * 128 + 126 : 6 * 128 + 128] == b"\xcc\xbb"
    assert frame[7 * 128] == 0 and (chip.page, chip.col) == (6, 127)
    # page commands are for page mode only: in horizontal mode they do not move the pointer
    chip.writeto(0x3C, b"\x00\x20\x00\xb1\x03")
    assert (chip.page, chip.col) == (6, 127)


def test_chip_horizontal_and_vertical_windows_wrap():
    chip = SSD1306Chip()
    chip.writeto(0x3C, b"\x00\x20\x00\x21\x0a\x0b\x22\x02\x03")
    chip.writeto(0x3C, b"\x40\x01\x02\x03\x04\x05")
    f = chip.frame()
    assert [f[2 * 128 + 10], f[2 * 128 + 11], f[3 * 128 + 10], f[3 * 128 + 11]] == [5, 2, 3, 4]
    chip = SSD1306Chip()
    chip.writeto(0x3C, b"\x00\x20\x01\x21\x0a\x0b\x22\x02\x03")
    chip.writeto(0x3C, b"\x40\x01\x02\x03\x04\x05")
    f = chip.frame()
    assert [f[2 * 128 + 10], f[3 * 128 + 10], f[2 * 128 + 11], f[3 * 128 + 11]] == [5, 2, 3, 4]


def test_chip_single_commands_with_co_bit_and_split_arguments():
    chip = SSD1306Chip()
    # micropython-lib sends every command byte in its own write: 0x80 then the byte
    for b in (0x81, 0x10, 0xAF, 0xA7, 0x8D, 0x14):
        chip.writeto(0x3C, bytes((0x80, b)))
    assert (chip.contrast, chip.on, chip.inverted, chip.charge_pump) == (0x10, True, True, True)
    # Co=1 data byte, then a single command, then a command stream
    chip.writeto(0x3C, b"\xc0\x55\x80\xa6\x00\x81\x33")
    assert chip.frame()[0] == 0x55 and chip.col == 1
    assert (chip.inverted, chip.contrast) == (False, 0x33)


def test_chip_scroll_setup_arguments_are_not_commands():
    chip = SSD1306Chip()
    chip.writeto(0x3C, b"\x00\x26\x00\x01\x07\x03\x00\xff\x2f")
    assert chip.scrolling and chip.settings[0x26] == b"\x00\x01\x07\x03\x00\xff"
    assert (chip.page, chip.col, chip.unknown) == (0, 0, [])  # 0x01/0x07/0x03 were arguments
    chip.writeto(0x3C, b"\x00\x29\x00\x00\x00\x07\x01\x2e\xa3\x00\x40\xe3\xd6")
    assert not chip.scrolling and chip.settings[0xA3] == b"\x00\x40"
    assert chip.unknown == [0xD6]


def test_chip_another_address_is_a_nack():
    chip = SSD1306Chip(0x3C)
    e = raises(OSError, chip.writeto, 0x3D, b"\x00\xaf")
    assert e.args[0] == 19
    assert not chip.on and chip.writes == 0
    assert chip.scan() == [0x3C]


def test_chip_panel_shows_nothing_until_on_and_inverts():
    chip = SSD1306Chip()
    chip.writeto(0x3C, b"\x40\x0f")
    assert chip.panel() == bytes(1024)
    chip.writeto(0x3C, b"\x00\x8d\x14\xaf\xa7")
    assert chip.panel()[:2] == b"\xf0\xff"
    chip.writeto(0x3C, b"\x00\xa5")
    assert chip.panel() == b"\xff" * 1024
