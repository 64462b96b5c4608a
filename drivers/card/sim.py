# The card reader as a device on the far end of a simulated line. It writes its frames with
# `await end.write(...)`, so they reach the driver paced at the line's baud rate and in the
# chunks a real UART would hand over, rather than as one instant injected burst. It does not
# check what it is given: tests swipe bad PANs on purpose. Frame layout: see reader.py.
# Runs only in the simulator harness on CPython, so it builds frames the simple way.
STX = 0x02
ETX = 0x03
SWIPE = "S"
INSERT = "I"
TAP = "T"
REMOVED = "R"

_SERVICE_CODE = "101"  # international card, normal authorisation, no restrictions
_DISCRETIONARY = "0000012345000"  # PVKI/PVV/CVV-style digits; trimmed to fit the track
_TRACK2_DATA_MAX = 37  # ISO/IEC 7813, without the sentinels


def lrc(data):
    x = 0
    for b in data:
        x ^= b
    return x


def encode(kind, payload=b""):
    """Frame bytes for a one-character type and a str or bytes payload."""
    if isinstance(payload, str):
        payload = payload.encode()
    body = kind.encode() + payload + bytes((ETX,))
    return bytes((STX,)) + body + bytes((lrc(body),))


def track2(pan, yymm):
    data = pan + "=" + yymm + _SERVICE_CODE
    room = _TRACK2_DATA_MAX - len(data)
    return ";" + data + _DISCRETIONARY[: max(room, 0)] + "?"


class SimCardReader:
    def __init__(self, end):
        self.end = end

    async def swipe(self, pan, yymm):
        await self.end.write(encode(SWIPE, track2(pan, yymm)))

    async def insert(self, pan, yymm):
        await self.end.write(encode(INSERT, pan + "=" + yymm))

    async def tap(self, pan, yymm):
        await self.end.write(encode(TAP, pan + "=" + yymm))

    async def remove(self):
        await self.end.write(encode(REMOVED))

    async def garble(self, pan="4111111111111111", yymm="2512"):
        """A swipe whose LRC does not match: what a dirty head or a line hit produces."""
        frame = bytearray(encode(SWIPE, track2(pan, yymm)))
        frame[-1] ^= 0x5A
        await self.end.write(frame)

    async def send_raw(self, data):
        await self.end.write(data)
