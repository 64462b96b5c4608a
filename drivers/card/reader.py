# Card reader driver: frames off the serial line become Card events (or CardReadError events
# the sale screen turns into "card read error, try again"). PCI DSS: track data is parsed and
# dropped on the spot — only PAN and expiry survive, in the Card — and nothing here ever
# shows more than the first 6 / last 4 digits.
#
# CardReadError.reason: "bad-lrc", "too-long", "bad-frame", "timeout" (framing, see frame.py),
# "bad-track" (sentinels, separator, characters), "bad-pan" (not 12..19 digits), "bad-luhn",
# "bad-expiry" (month not 01..12), "bad-type" (a frame type this reader does not send).
from compat import const
from drivers.card.frame import INSERT, REMOVED, SWIPE, TAP, FrameDecoder
from firmware.events import CARD, Event

METHOD_SWIPE = "swipe"
METHOD_INSERT = "insert"
METHOD_TAP = "tap"
METHOD_REMOVED = "removed"  # Card(METHOD_REMOVED, "", ""): the card left the slot or field

_READ_SIZE = const(64)
_READ_TIMEOUT_MS = const(200)  # a frame takes ~50 ms at 9600 baud; longer silence ends it
_TRACK2_MAX = const(40)  # ISO/IEC 7813: 37 data characters plus sentinels and LRC
_PAN_MIN = const(12)
_PAN_MAX = const(19)


class CardReadError(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Card:
    def __init__(self, method, pan, expiry):
        self.method = method
        self.pan = pan
        self.expiry = expiry  # "YYMM"
        self.last4 = pan[-4:]

    def masked(self):
        """For receipts and the screen: last 4 only, always four groups whatever the length."""
        if not self.pan:
            return ""
        return "**** **** **** " + self.last4

    def first6_last4(self):
        """The most of a PAN a screen may show (PCI DSS): BIN and last 4."""
        if not self.pan:
            return ""
        return self.pan[:6] + "*" * (len(self.pan) - 10) + self.last4

    def __eq__(self, other):
        return (
            isinstance(other, Card)
            and self.method == other.method
            and self.pan == other.pan
            and self.expiry == other.expiry
        )

    def __repr__(self):
        # Events get printed in logs and test failures: never the full PAN, nor the expiry.
        return "Card(%r, %r)" % (self.method, self.masked())


def luhn_ok(pan):
    total = 0
    double = False
    for i in range(len(pan) - 1, -1, -1):
        d = ord(pan[i]) - 48
        if not 0 <= d <= 9:
            return False
        if double:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        double = not double
    return bool(pan) and total % 10 == 0


def parse_track2(track):
    """ ";PAN=YYMM<service code><discretionary>?" → (pan, "YYMM"); raises CardReadError."""
    text = _ascii(track)
    if len(text) < 2 or len(text) > _TRACK2_MAX or text[0] != ";" or text[-1] != "?":
        raise CardReadError("bad-track")
    pan, rest = _split(text[1:-1])
    if len(rest) < 7 or not _digits(rest):  # YYMM and the 3-digit service code are mandatory
        raise CardReadError("bad-track")
    return _check_pan(pan), _check_expiry(rest[:4])


def parse_chip(data):
    """ "PAN=YYMM" (insert and tap frames) → (pan, "YYMM"); raises CardReadError."""
    pan, expiry = _split(_ascii(data))
    if len(expiry) != 4:
        raise CardReadError("bad-track")
    return _check_pan(pan), _check_expiry(expiry)


def _ascii(data):
    if isinstance(data, str):
        return data
    for b in data:
        if b < 0x20 or b > 0x7E:
            raise CardReadError("bad-track")
    return data.decode()


def _split(body):
    sep = body.find("=")
    if sep < 0:
        raise CardReadError("bad-track")
    return body[:sep], body[sep + 1 :]


def _digits(s):
    for ch in s:
        if not "0" <= ch <= "9":
            return False
    return True


def _check_pan(pan):
    if not _PAN_MIN <= len(pan) <= _PAN_MAX or not _digits(pan):
        raise CardReadError("bad-pan")
    if not luhn_ok(pan):
        raise CardReadError("bad-luhn")
    return pan


def _check_expiry(yymm):
    if not _digits(yymm) or not 1 <= int(yymm[2:]) <= 12:
        raise CardReadError("bad-expiry")
    return yymm


def card_from_frame(kind, payload):
    """One decoder item → Card or CardReadError (returned, not raised: both become events)."""
    try:
        if kind is None:
            return CardReadError(payload)
        if kind == SWIPE:
            pan, expiry = parse_track2(payload)
            return Card(METHOD_SWIPE, pan, expiry)
        if kind == INSERT or kind == TAP:
            pan, expiry = parse_chip(payload)
            return Card(METHOD_INSERT if kind == INSERT else METHOD_TAP, pan, expiry)
        if kind == REMOVED:
            return Card(METHOD_REMOVED, "", "")
        return CardReadError("bad-type")
    except CardReadError as e:
        return e


class CardReader:
    def __init__(self, transport):
        self.transport = transport
        self.decoder = FrameDecoder()

    def feed(self, data):
        """Bytes from the line → [Card | CardReadError]; empty bytes mean the read timed out."""
        items = self.decoder.feed(data) if data else self.decoder.timeout()
        return [card_from_frame(kind, payload) for kind, payload in items]

    async def run(self, queue, clock):
        while True:
            data = await self.transport.read(_READ_SIZE, _READ_TIMEOUT_MS)
            for value in self.feed(data):
                queue.put(Event(CARD, value, clock.ticks_ms()))
