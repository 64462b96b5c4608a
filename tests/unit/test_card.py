# Card reader: framing, track 2 parsing, PAN masking, and the driver against the sim device.
from compat import asyncio, wait_for_ms
from drivers.card.reader import Card, CardReader, CardReadError, card_from_frame, luhn_ok
from drivers.card.sim import ETX, STX, SimCardReader, encode, track2
from drivers.sim_serial import sim_serial_pair
from firmware.events import CARD, EventQueue
from tests.unit.helpers import VirtualClock, run

VISA = "4111111111111111"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"
LONGEST = "4000000000000000006"  # 19 digits, Luhn-valid
SHORTEST = "500000000017"  # 12 digits, Luhn-valid


def _reason(kind, payload):
    err = card_from_frame(kind, payload)
    assert isinstance(err, CardReadError), err
    return err.reason


def test_encode_exact_bytes():
    # Removal: LRC = 'R' ^ ETX = 0x52 ^ 0x03 = 0x51 ('Q').
    assert encode("R") == b"\x02R\x03Q"
    # 'I' 0x49 ^ '4' 0x34 = 0x7D; ^ '2' 0x32 = 0x4F; ^ '=' 0x3D = 0x72; ^ '2' 0x32 = 0x40;
    # ^ '5' 0x35 = 0x75; ^ '1' 0x31 = 0x44; ^ '2' 0x32 = 0x76; ^ ETX 0x03 = 0x75 ('u').
    assert encode("I", b"42=2512") == b"\x02I42=2512\x03\x75"
    assert encode("I", "42=2512") == encode("I", b"42=2512")


def test_sim_builds_a_realistic_track2():
    # 16 + 1 + 4 + 3 = 24 data characters; discretionary data fills the rest of the 37.
    assert track2(VISA, "2512") == ";4111111111111111=25121010000012345000?"
    assert len(track2(LONGEST, "2512")) == 39


def test_decoder_finds_frames_split_at_every_byte_boundary():
    frame = encode("S", track2(VISA, "2512"))
    for cut in range(len(frame) + 1):
        dec = CardReader(None)
        items = dec.feed(frame[:cut]) + dec.feed(frame[cut:])
        assert items == [("S", track2(VISA, "2512").encode())], cut
        assert dec.errors == 0


def test_decoder_byte_by_byte_and_skips_noise_between_frames():
    data = b"\xff\x00junk" + encode("T", VISA + "=2601") + b"\x03\x55" + encode("R")
    dec = CardReader(None)
    items = []
    for i in range(len(data)):
        items += dec.feed(data[i : i + 1])
    assert items == [("T", b"4111111111111111=2601"), ("R", b"")]
    assert dec.errors == 0


def test_bad_lrc_is_reported_and_the_next_frame_still_decodes():
    bad = bytearray(encode("I", VISA + "=2512"))
    bad[-1] ^= 0x01
    dec = CardReader(None)
    assert dec.feed(bytes(bad) + encode("R")) == [(None, "bad-lrc"), ("R", b"")]
    assert dec.errors == 1


def test_overlong_and_cut_short_frames_are_dropped():
    dec = CardReader(None, max_body=16)
    long = encode("S", ";" + "1" * 20 + "?")
    assert dec.feed(long + encode("R")) == [(None, "too-long"), ("R", b"")]
    # A new STX mid-frame: the reader restarted; the half frame is an error, the new one good.
    cut = encode("I", VISA + "=2512")[:6]
    assert CardReader(None).feed(cut + encode("R")) == [(None, "bad-frame"), ("R", b"")]
    # STX ETX LRC: no type byte at all.
    assert CardReader(None).feed(bytes((STX, ETX, ETX))) == [(None, "bad-frame")]
    assert dec.errors == 1


def test_decoder_timeout_drops_a_half_frame_only():
    dec = CardReader(None)
    assert dec.feed(b"") == []
    dec.feed(encode("S", track2(VISA, "2512"))[:10])
    assert dec.feed(b"") == [(None, "timeout")]
    assert dec.feed(b"") == []
    assert dec.feed(encode("R")) == [("R", b"")]


def test_decoder_wipes_track_data_from_its_buffer():
    dec = CardReader(None)
    dec.feed(encode("S", track2(VISA, "2512")))
    assert bytes(dec._buf) == bytes(len(dec._buf))
    dec.feed(encode("S", track2(VISA, "2512"))[:-1] + b"\x00")  # bad LRC
    assert bytes(dec._buf) == bytes(len(dec._buf))


def test_luhn():
    for pan in (VISA, MASTERCARD, AMEX, LONGEST, SHORTEST, "79927398713"):
        assert luhn_ok(pan), pan
    for pan in ("4111111111111112", "79927398710", "", "41111111111111a1"):
        assert not luhn_ok(pan), pan


def test_parse_track2():
    assert card_from_frame("S", track2(VISA, "2512")) == Card("swipe", VISA, "2512")
    assert card_from_frame("S", track2(AMEX, "2701").encode()) == Card("swipe", AMEX, "2701")
    assert card_from_frame("S", track2(LONGEST, "3012")) == Card("swipe", LONGEST, "3012")
    assert card_from_frame("S", track2(SHORTEST, "2501")) == Card("swipe", SHORTEST, "2501")


def test_parse_track2_rejects_bad_tracks():
    assert _reason("S", track2("4111111111111112", "2512")) == "bad-luhn"
    assert _reason("S", track2("41111111111", "2512")) == "bad-pan"  # 11 digits
    assert _reason("S", track2("4" * 20, "2512")) == "bad-pan"
    assert _reason("S", ";4111x11111111111=2512101?") == "bad-pan"
    assert _reason("S", "4111111111111111=2512101?") == "bad-track"  # no ';'
    assert _reason("S", ";4111111111111111=2512101") == "bad-track"  # no '?'
    assert _reason("S", ";4111111111111111D2512101?") == "bad-track"
    assert _reason("S", ";4111111111111111=2512?") == "bad-track"  # no service code
    assert _reason("S", ";4111111111111111=2512101?" + "0" * 20) == "bad-track"
    assert _reason("S", ";4111111111111111=2513101?") == "bad-expiry"
    assert _reason("S", b";4111111111111111=2512\xff01?") == "bad-track"
    assert _reason("S", "") == "bad-track"


def test_parse_chip():
    assert card_from_frame("I", b"5555555555554444=2601") == Card("insert", MASTERCARD, "2601")
    assert card_from_frame("T", "5555555555554444=2601") == Card("tap", MASTERCARD, "2601")
    assert _reason("I", VISA + "2601") == "bad-track"
    assert _reason("I", VISA + "=26011") == "bad-track"
    assert _reason("I", VISA + "=2600") == "bad-expiry"
    assert _reason("I", "4111111111111112=2601") == "bad-luhn"


def test_masking_never_shows_more_than_last4():
    for pan in (VISA, AMEX, LONGEST, SHORTEST):
        card = Card("swipe", pan, "2512")
        assert card.last4 == pan[-4:]
        assert card.masked() == "**** **** **** " + pan[-4:]
        assert sum(1 for ch in card.masked() if ch != "*" and ch != " ") == 4
        shown = card.first6_last4()
        assert len(shown) == len(pan)
        assert shown == pan[:6] + "*" * (len(pan) - 10) + pan[-4:]
        text = repr(card)
        assert pan not in text and pan[:6] not in text and "2512" not in text, text
        assert "**** **** **** " + pan[-4:] in text
    assert Card("removed", "", "").masked() == ""


def test_frames_become_cards_or_errors():
    assert card_from_frame("S", track2(VISA, "2512").encode()) == Card("swipe", VISA, "2512")
    assert card_from_frame("I", b"5555555555554444=2601") == Card("insert", MASTERCARD, "2601")
    assert card_from_frame("T", b"378282246310005=2701") == Card("tap", AMEX, "2701")
    assert card_from_frame("R", b"") == Card("removed", "", "")
    assert card_from_frame(None, "bad-lrc").reason == "bad-lrc"
    assert card_from_frame("X", b"").reason == "bad-type"
    assert card_from_frame("S", b";123=2512101?").reason == "bad-pan"


def test_reader_and_sim_device_end_to_end():
    driver_end, device_end = sim_serial_pair(9600)
    reader = CardReader(driver_end)
    device = SimCardReader(device_end)
    q = EventQueue(16)
    clock = VirtualClock(1000)

    async def next_value():
        ev = await wait_for_ms(q.get(), 1000)
        assert ev.kind == CARD and ev.ticks == 1000, ev
        return ev.value

    async def scenario():
        task = asyncio.create_task(reader.run(q, clock))
        await device.swipe(VISA, "2512")
        assert await next_value() == Card("swipe", VISA, "2512")
        await device.insert(MASTERCARD, "2601")
        assert await next_value() == Card("insert", MASTERCARD, "2601")
        await device.remove()
        assert await next_value() == Card("removed", "", "")
        await device.tap(AMEX, "2701")
        assert await next_value() == Card("tap", AMEX, "2701")
        await device.garble()
        assert (await next_value()).reason == "bad-lrc"
        await device.swipe("4111111111111112", "2512")
        assert (await next_value()).reason == "bad-luhn"
        await device.swipe("4111111", "2512")
        assert (await next_value()).reason == "bad-pan"
        await device.send_raw(encode("S", track2(VISA, "2512"))[:12])  # reader unplugged
        assert (await next_value()).reason == "timeout"
        await device.tap(VISA, "2512")
        assert await next_value() == Card("tap", VISA, "2512")
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    run(scenario())
    assert len(q) == 0 and not q.overflowed
    assert reader.errors == 2  # the LRC and the unplugged frame
