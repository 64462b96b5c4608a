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
QUERY = "Q"  # terminal → reader: are you there? (drivers/card/reader.py QUERY)
ANSWER = "A"  # reader → terminal: payload "OK"

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
        self.connected = True  # False: unplugged, answers nothing
        self.queries = 0
        self._rx = b""
        end.on_receive = self._receive

    def set_connected(self, connected):
        self.connected = bool(connected)

    def _receive(self, data):
        # What the terminal sends: only status queries, answered at once like the printer's
        # real-time status. Anything else (line noise) is skipped up to the next STX.
        if not self.connected:
            return
        self._rx += bytes(data)
        query = encode(QUERY)
        while len(self._rx) >= len(query):
            start = self._rx.find(bytes((STX,)))
            if start < 0:
                self._rx = b""
                break
            self._rx = self._rx[start:]
            if self._rx.startswith(query):
                self.queries += 1
                self.end.peer.inject(encode(ANSWER, "OK"))
                self._rx = self._rx[len(query) :]
            else:
                self._rx = self._rx[1:]

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
