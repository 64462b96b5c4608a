# ESC/POS encoder: exact bytes from the command reference.
from drivers.printer import escpos
from drivers.printer.escpos import CENTER, LEFT, RIGHT, Receipt
from tests.unit.helpers import raises


def test_simple_commands_are_the_documented_bytes():
    assert escpos.INIT == b"\x1b\x40"
    assert escpos.bold(True) == b"\x1b\x45\x01"
    assert escpos.bold(False) == b"\x1b\x45\x00"
    assert escpos.align(LEFT) == b"\x1b\x61\x00"
    assert escpos.align(CENTER) == b"\x1b\x61\x01"
    assert escpos.align(RIGHT) == b"\x1b\x61\x02"
    assert escpos.feed(3) == b"\x1b\x64\x03"
    assert escpos.status_query(1) == b"\x10\x04\x01"
    assert escpos.status_query(4) == b"\x10\x04\x04"


def test_size_packs_width_high_nibble_height_low_nibble():
    assert escpos.size(1, 1) == b"\x1d\x21\x00"
    assert escpos.size(2, 2) == b"\x1d\x21\x11"
    assert escpos.size(2, 1) == b"\x1d\x21\x10"
    assert escpos.size(1, 3) == b"\x1d\x21\x02"
    assert escpos.size(8, 8) == b"\x1d\x21\x77"
    raises(ValueError, escpos.size, 0, 1)
    raises(ValueError, escpos.size, 1, 9)


def test_cut_is_function_b_feed_then_cut():
    assert escpos.cut() == b"\x1d\x56\x41\x00"  # GS V 65 0: full cut
    assert escpos.cut(partial=True) == b"\x1d\x56\x42\x00"  # GS V 66 0


def test_text_keeps_printable_ascii_and_masks_everything_else():
    assert escpos.text("Total 12.50") == b"Total 12.50"
    assert escpos.text("Caf\u00e9 \u4e2d") == b"Caf? ?"
    assert escpos.text("a\x1b@b\nc") == b"a?@b?c"  # no command smuggled in a product name
    assert escpos.text("") == b""


def test_qr_hello_is_the_gs_k_model_2_sequence():
    expected = (
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"  # fn 165: model 2
        b"\x1d\x28\x6b\x03\x00\x31\x43\x04"  # fn 167: module 4 dots
        b"\x1d\x28\x6b\x03\x00\x31\x45\x31"  # fn 169: level M (49)
        b"\x1d\x28\x6b\x08\x00\x31\x50\x30HELLO"  # fn 180: pL = 5 data + 3
        b"\x1d\x28\x6b\x03\x00\x31\x51\x30"  # fn 181: print
    )
    assert escpos.qr("HELLO") == expected
    assert escpos.qr(b"HELLO", 6, "H")[9:25] == (
        b"\x1d\x28\x6b\x03\x00\x31\x43\x06\x1d\x28\x6b\x03\x00\x31\x45\x33"
    )
    raises(ValueError, escpos.qr, "")
    raises(ValueError, escpos.qr, "x", 4, "X")
    raises(ValueError, escpos.qr, "x", 17)


def test_qr_length_uses_both_length_bytes():
    data = b"7" * 300
    store = escpos.qr(data)[25:]
    assert store[:8] == b"\x1d\x28\x6b\x2f\x01\x31\x50\x30"  # 303 = 0x012F
    assert store[8:308] == data


def test_barcode128_sets_height_width_hri_then_code_set_b():
    assert escpos.barcode128("AB12") == (
        b"\x1d\x68\x50"  # GS h 80
        b"\x1d\x77\x02"  # GS w 2
        b"\x1d\x48\x02"  # GS H 2: text below
        b"\x1d\x6b\x49\x06{BAB12"  # GS k 73 n, n counts the {B
    )
    assert escpos.barcode128("a{b", height=40)[:3] == b"\x1d\x68\x28"
    assert escpos.barcode128("a{b")[9:] == b"\x1d\x6b\x49\x06{Ba{{b"
    raises(ValueError, escpos.barcode128, "")
    raises(ValueError, escpos.barcode128, "\u00e9")


def test_receipt_builds_one_job_and_leaves_default_modes():
    r = Receipt(width=16)
    r.center("SHOP").bold("Sale").big("OK").pair("Tea", "2.50").rule().cut()
    assert r.bytes() == (
        b"\x1b@"
        b"\x1ba\x01SHOP\n\x1ba\x00"
        b"\x1bE\x01Sale\n\x1bE\x00"
        b"\x1d!\x11OK\n\x1d!\x00"
        b"Tea         2.50\n"
        b"----------------\n"
        b"\x1dVA\x00"
    )
    assert len(r) == len(r.bytes())


def test_receipt_lines_take_bold():
    r = Receipt().center("T", bold=True).line("b", bold=True).big("B", bold=True)
    assert r.bytes() == (
        b"\x1b@"
        b"\x1ba\x01\x1bE\x01T\n\x1bE\x00\x1ba\x00"
        b"\x1bE\x01b\n\x1bE\x00"
        b"\x1d!\x11\x1bE\x01B\n\x1bE\x00\x1d!\x00"
    )


def test_receipt_pair_that_does_not_fit_gives_the_name_its_own_line():
    r = Receipt(width=12)
    r.pair("Green tea large", "12.50")
    assert r.bytes() == b"\x1b@Green tea large\n       12.50\n"
