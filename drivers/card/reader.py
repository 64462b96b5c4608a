# Card reader driver: frames off the serial line become Card events (or CardReadError events
# the sale screen turns into "card read error, try again"). PCI DSS: track data is parsed and
# dropped on the spot — only PAN and expiry survive, in the Card — and nothing here ever
# shows more than the first 6 / last 4 digits.
#
# The line protocol: STX type payload ETX LRC, where LRC is the XOR of every byte from type
# through ETX. Types: S swipe (payload: track 2 ";PAN=YYMM...?"), I insert and T tap (payload
# "PAN=YYMM"), R card removed (no payload). drivers/card/sim.py builds the frames.
# The terminal may ask whether the reader is there: it sends CardReader.QUERY (STX Q ETX LRC)
# and the reader answers STX A "OK" ETX LRC; run() keeps the answer's payload in .answer (the
# preparation check, firmware/ui/selfcheck.py, sends the query and reads it).
#
# CardReadError.reason: "bad-lrc", "too-long", "bad-frame", "timeout" (framing),
# "bad-track" (sentinels, separator, characters), "bad-pan" (not 12..19 digits), "bad-luhn",
# "bad-expiry" (month not 01..12), "bad-type" (a frame type this reader does not send).
from compat import const
from firmware.events import CARD, Event

_STX = const(0x02)
_ETX = const(0x03)
_MAX_BODY = const(128)  # type + payload; longer is line noise, not a card
_READ_SIZE = const(64)
_READ_TIMEOUT_MS = const(200)  # a frame takes ~50 ms at 9600 baud; longer silence ends it
_TRACK2_MAX = const(40)  # ISO/IEC 7813: 37 data characters plus sentinels and LRC
_PAN_MIN = const(12)
_PAN_MAX = const(19)

_IDLE = const(0)  # skipping bytes until STX
_BODY = const(1)  # type and payload until ETX
_CHECK = const(2)  # the LRC byte


class CardReadError(Exception):
    # Posted as an event value rather than raised; Exception's args keep the reason for str().
    def __init__(self, reason):
        self.reason = reason


class Card:
    def __init__(self, method, pan, expiry):
        self.method = method  # "swipe", "insert", "tap", or "removed" with pan and expiry ""
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


def card_from_frame(kind, payload):
    """One item of CardReader.feed() → Card or CardReadError (returned, not raised: both
    become events). The payload may also be given as str."""
    if kind is None:
        return CardReadError(payload)
    if kind == "R":
        return Card("removed", "", "")
    if kind == "S":
        method = "swipe"
    elif kind == "I":
        method = "insert"
    elif kind == "T":
        method = "tap"
    else:
        return CardReadError("bad-type")
    if isinstance(payload, str):
        payload = payload.encode()
    for b in payload:
        if b < 0x20 or b > 0x7E:
            return CardReadError("bad-track")
    text = payload.decode()
    if kind == "S":  # ";PAN=YYMM<service code><discretionary>?"
        if len(text) < 2 or len(text) > _TRACK2_MAX or text[0] != ";" or text[-1] != "?":
            return CardReadError("bad-track")
        text = text[1:-1]
    sep = text.find("=")
    if sep < 0:
        return CardReadError("bad-track")
    pan = text[:sep]
    rest = text[sep + 1 :]
    if kind != "S":
        if len(rest) != 4:  # "PAN=YYMM" exactly
            return CardReadError("bad-track")
    elif len(rest) < 7 or not rest.isdigit():  # YYMM and the 3-digit service code are mandatory
        return CardReadError("bad-track")
    # isdigit() is 0-9 only here: the payload was checked to be printable ASCII.
    if not _PAN_MIN <= len(pan) <= _PAN_MAX or not pan.isdigit():
        return CardReadError("bad-pan")
    if not luhn_ok(pan):
        return CardReadError("bad-luhn")
    expiry = rest[:4]
    if not expiry.isdigit() or not 1 <= int(expiry[2:]) <= 12:
        return CardReadError("bad-expiry")
    return Card(method, pan, expiry)


class CardReader:
    """feed() turns bytes into frames: (type, payload bytes) for a good frame, (None, reason)
    for one that had to be dropped — "bad-lrc", "too-long", "bad-frame" (a new STX or an empty
    body cut it short) or "timeout" (empty bytes: the read timed out with a frame still open).
    Dropped frames count in .errors. run() turns frames into CARD events.

    Track data passes through one preallocated buffer that is zeroed as soon as a frame is
    handed out or dropped, so no copy of it outlives the caller's own."""

    QUERY = b"\x02Q\x03R"  # are you there? LRC = 'Q' ^ ETX = 0x52 ('R')

    def __init__(self, transport, max_body=_MAX_BODY):
        self.transport = transport
        self.errors = 0
        self.answer = None  # payload of the last status answer (b"OK"), set by run()
        self._buf = bytearray(max_body)
        self._len = 0
        self._lrc = 0
        self._state = _IDLE

    def feed(self, data):
        out = []
        if not data:
            if self._state != _IDLE:
                out.append(self._end("timeout"))
            return out
        buf = self._buf
        for b in data:
            state = self._state
            if state == _IDLE:
                if b == _STX:
                    self._state = _BODY
            elif state == _BODY:
                if b == _ETX:
                    self._lrc ^= b
                    self._state = _CHECK
                elif b == _STX:
                    # The reader began again mid-frame (power blip, second swipe): the first
                    # read is lost, and the cashier must hear about it.
                    out.append(self._end("bad-frame"))
                    self._state = _BODY
                elif self._len == len(buf):
                    out.append(self._end("too-long"))
                else:
                    buf[self._len] = b
                    self._len += 1
                    self._lrc ^= b
            elif b != self._lrc:
                out.append(self._end("bad-lrc"))
            elif not self._len:
                out.append(self._end("bad-frame"))
            else:
                out.append(self._end(None))
        return out

    def _end(self, reason):
        """Close the open frame: the frame itself, or (None, reason) when it is dropped."""
        buf = self._buf
        if reason:
            self.errors += 1
            item = (None, reason)
        else:
            item = (chr(buf[0]), bytes(memoryview(buf)[1 : self._len]))
        for i in range(self._len):
            buf[i] = 0
        self._len = 0
        self._lrc = 0
        self._state = _IDLE
        return item

    async def run(self, queue, clock):
        while True:
            data = await self.transport.read(_READ_SIZE, _READ_TIMEOUT_MS)
            for kind, payload in self.feed(data):
                if kind == "A":  # the answer to QUERY: the reader is there, not a card
                    self.answer = payload
                else:
                    queue.put(Event(CARD, card_from_frame(kind, payload), clock.ticks_ms()))
