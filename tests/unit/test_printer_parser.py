# The ESC/POS parser reads every command the encoder writes, however the stream is split.
from drivers.printer import escpos
from drivers.printer.escpos import CENTER, LEFT, RIGHT, Receipt
from drivers.printer.parser import BARCODE, QR, TEXT, EscPosParser, Line


def _parse(data, cuts_at=()):
    # Feeds data in pieces split at cuts_at (increasing offsets); a range cuts every byte.
    lines = []
    cuts = []
    statuses = []
    p = EscPosParser(lines.append, statuses.append, lambda: cuts.append(len(lines)))
    last = 0
    for pos in cuts_at:
        p.feed(data[last:pos])
        last = pos
    p.feed(data[last:])
    return lines, cuts, statuses, p


def _sample_job():
    r = Receipt(width=32)
    r.center("CAFE")
    r.bold("Receipt 42")
    r.big("TOTAL 9.90")
    r.pair("Tea", "2.50")
    r.rule()
    r.line("Caf\u00e9")
    r.raw(b"\x1b-\x01").line("under").raw(b"\x1b-\x00")  # ESC - n: underline
    r.qr("https://x.test/r/42")
    r.barcode("A{1}")
    r.feed(2)
    r.raw(escpos.status_query(2))
    r.raw(escpos.align(RIGHT)).line("right").raw(escpos.align(LEFT))
    r.cut(partial=True)
    return r.bytes()


_EXPECTED = [
    Line(TEXT, "CAFE", align=CENTER),
    Line(TEXT, "Receipt 42", bold=True),
    Line(TEXT, "TOTAL 9.90", width=2, height=2),
    Line(TEXT, "Tea" + " " * 25 + "2.50"),
    Line(TEXT, "-" * 32),
    Line(TEXT, "Caf?"),
    Line(TEXT, "under"),
    Line(QR, align=CENTER, data="https://x.test/r/42"),
    Line(BARCODE, align=CENTER, data="A{1}"),
    Line(TEXT),
    Line(TEXT),
    Line(TEXT, "right", align=RIGHT),
]


def test_parser_reads_every_encoder_command_back():
    lines, cuts, statuses, p = _parse(_sample_job())
    assert lines == _EXPECTED
    assert cuts == [len(_EXPECTED)]
    assert statuses == [2]
    assert p.unknown == 0


def test_parser_survives_every_split_point():
    job = _sample_job()
    # Byte by byte puts a split inside every command; then every single cut point.
    assert _parse(job, range(1, len(job)))[:3] == (_EXPECTED, [12], [2])
    for pos in range(1, len(job)):
        lines, cuts, statuses, p = _parse(job, (pos,))
        assert (lines, cuts, statuses, p.unknown) == (_EXPECTED, [12], [2], 0), pos
    for cuts_at in ((3, 5, 8), (40, 41, 42, 43), (100, 117, 118, 200), (7, 64, 150, 151)):
        assert _parse(job, cuts_at)[0] == _EXPECTED


def test_esc_d_prints_a_pending_line_then_feeds():
    lines = _parse(b"abc\x1bd\x03\x1bd\x01")[0]
    assert lines == [Line(TEXT, "abc"), Line(TEXT), Line(TEXT), Line(TEXT)]


def test_line_keeps_the_modes_its_text_was_printed_in():
    # bold switched off before LF: the text was still printed bold; align counts at line start.
    lines = _parse(b"\x1bE\x01ab\x1bE\x00\x1ba\x01c\n\x1b!\x38x\n\x1b@y\n", (13,))[0]
    assert lines == [
        Line(TEXT, "abc", bold=True),
        Line(TEXT, "x", bold=True, width=2, height=2, align=CENTER),
        Line(TEXT, "y"),
    ]


def test_parser_skips_commands_the_encoder_does_not_emit():
    raster = b"\x1dv0\x00\x02\x00\x03\x00" + b"\x0a\x1b\x40\x10\x04\x01\xff"[:6]
    job = (
        b"\x1b!\x00\x1b-\x01\x1b2\x1b3\x18\x1bt\x00\x1dB\x01\x1c&\x1c."
        + raster
        + b"\x1bp\x00\x19\xfa"  # ESC p: open the cash drawer
        + b"\x1d(L\x04\x000p01\x1dk\x02590123412345\x00"
        + b"ok\n"
    )
    for cuts_at in ((), range(1, len(job))):
        lines, cuts, statuses, p = _parse(job, cuts_at)
        assert lines == [Line(BARCODE, data="590123412345"), Line(TEXT, "ok")]
        assert (statuses, p.unknown, p.chinese) == ([], 0, False)


def test_tab_prints_as_a_space():
    assert _parse(b"a\tb\r\n")[0] == [Line(TEXT, "a b")]


def test_fs_and_tracks_chinese_mode():
    p = _parse(b"\x1c&")[3]
    assert p.chinese
    p.feed(b"\x1c.")
    assert not p.chinese


def test_unknown_sequence_is_counted_and_skipped_by_one_byte():
    lines, _, _, p = _parse(b"\x1b\x01a\n\x1d\xfeb\n\x10\x99c\n")
    assert [line.text for line in lines] == ["a", "b", "c"]
    assert p.unknown == 3


def test_non_ascii_bytes_stay_latin1_until_gb18030_arrives():
    assert _parse(b"\xb2\xe2\xca\xd4\n")[0] == [Line(TEXT, "\xb2\xe2\xca\xd4")]


def test_dle_eot_7_and_8_take_one_more_byte():
    lines, _, statuses, p = _parse(b"\x10\x04\x07\x01\x10\x04\x08\x01x\n")
    assert (statuses, [line.text for line in lines], p.unknown) == ([7, 8], ["x"], 0)
