# The card reader as a device on the far end of a simulated line. It writes its frames with
# `await end.write(...)`, so they reach the driver paced at the line's baud rate and in the
# chunks a real UART would hand over, rather than as one instant injected burst. It does not
# check what it is given: tests swipe bad PANs on purpose.
from drivers.card.frame import INSERT, REMOVED, SWIPE, TAP, encode

_SERVICE_CODE = "101"  # international card, normal authorisation, no restrictions
_DISCRETIONARY = "0000012345000"  # PVKI/PVV/CVV-style digits; trimmed to fit the track
_TRACK2_DATA_MAX = 37  # ISO/IEC 7813, without the sentinels


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
