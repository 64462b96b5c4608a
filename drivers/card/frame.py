# The card reader's line protocol: STX type payload ETX LRC, where LRC is the XOR of every byte
# from type through ETX. Types: S swipe (payload: track 2 ";PAN=YYMM...?"), I insert and
# T tap (payload "PAN=YYMM"), R card removed (no payload).
from compat import const

STX = const(0x02)
ETX = const(0x03)
MAX_BODY = const(128)  # type + payload; longer is line noise, not a card

SWIPE = "S"
INSERT = "I"
TAP = "T"
REMOVED = "R"

_IDLE = const(0)  # skipping bytes until STX
_BODY = const(1)  # type and payload until ETX
_CHECK = const(2)  # the LRC byte


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


class FrameDecoder:
    """Bytes in, frames out. feed() returns a list of items: (type, payload bytes) for a good
    frame, (None, reason) for one that had to be dropped — reason is "bad-lrc", "too-long" or
    "bad-frame" (a new STX or an empty body cut it short). Dropped frames count in .errors.

    Track data passes through one preallocated buffer that is zeroed as soon as a frame is
    handed out or dropped, so no copy of it outlives the caller's own."""

    def __init__(self, max_body=MAX_BODY):
        self._buf = bytearray(max_body)
        self._len = 0
        self._lrc = 0
        self._state = _IDLE
        self.errors = 0

    def feed(self, data):
        out = []
        buf = self._buf
        for b in data:
            state = self._state
            if state == _IDLE:
                if b == STX:
                    self._start()
            elif state == _BODY:
                if b == ETX:
                    self._lrc ^= b
                    self._state = _CHECK
                elif b == STX:
                    # The reader began again mid-frame (power blip, second swipe): the first
                    # read is lost, and the cashier must hear about it.
                    out.append(self._drop("bad-frame"))
                    self._start()
                elif self._len == len(buf):
                    out.append(self._drop("too-long"))
                else:
                    buf[self._len] = b
                    self._len += 1
                    self._lrc ^= b
            elif b != self._lrc:
                out.append(self._drop("bad-lrc"))
            elif not self._len:
                out.append(self._drop("bad-frame"))
            else:
                out.append((chr(buf[0]), bytes(memoryview(buf)[1 : self._len])))
                self._reset()
        return out

    def timeout(self):
        """The line went quiet: a frame still open will never finish. Returns items as feed()."""
        if self._state == _IDLE:
            return []
        return [self._drop("timeout")]

    def _start(self):
        self._reset()
        self._state = _BODY

    def _drop(self, reason):
        self.errors += 1
        self._reset()
        return (None, reason)

    def _reset(self):
        buf = self._buf
        for i in range(self._len):
            buf[i] = 0
        self._len = 0
        self._lrc = 0
        self._state = _IDLE
