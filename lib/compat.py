# The one place where CPython and MicroPython differ. Feature-detect, never sniff versions.
import asyncio
import os
import time

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


if hasattr(time, "ticks_ms"):
    ticks_ms = time.ticks_ms
    ticks_diff = time.ticks_diff
    ticks_add = time.ticks_add
else:
    # Our own wrap period; MicroPython ports pick theirs (2**30 on ESP32, 2**62 on 64-bit unix),
    # and each runtime only ever compares its own ticks.
    _PERIOD = const(1 << 30)
    _HALF = const(1 << 29)

    def ticks_ms():
        return time.monotonic_ns() // 1000000 & (_PERIOD - 1)

    def ticks_diff(a, b):
        return ((a - b + _HALF) & (_PERIOD - 1)) - _HALF

    def ticks_add(a, delta):
        return (a + delta) & (_PERIOD - 1)


if hasattr(asyncio, "sleep_ms"):
    sleep_ms = asyncio.sleep_ms
else:

    def sleep_ms(ms):
        return asyncio.sleep(ms / 1000)


# MicroPython's flush() is already a sync (lfs_file_sync on littlefs, fsync on unix);
# CPython's flush() only empties Python's buffer, so the kernel needs its own call.
# fdatasync where there is one: it writes the data and the size (all a reader after a power
# cut needs) and skips the timestamps, so a durable record costs one flush of the disk cache.
_datasync = getattr(os, "fdatasync", None) or getattr(os, "fsync", None)


def fsync(f):
    f.flush()
    if _datasync is not None:
        _datasync(f.fileno())


def _unencodable(o):
    raise TypeError("not JSON: %r" % (o,))


# Compact JSON text (no spaces), as the journal frames a record. CPython's json.dumps() builds
# a new encoder on every call once separators are given: half of the ~5 us it takes per
# record, and each us of CPU between two fdatasyncs costs the journal 2-5 us of wall time.
# Its C encoder, made once, does the same work. MicroPython has no json.encoder.
try:
    from json.encoder import c_make_encoder, encode_basestring_ascii

    # markers (no cycle check), default, encoder, indent, ":", ",", sort_keys, skipkeys,
    # allow_nan: what json.dumps(o, separators=(",", ":")) passes
    _compact = c_make_encoder(
        None, _unencodable, encode_basestring_ascii, None, ":", ",", False, False, True
    )
except (ImportError, TypeError):  # no C encoder here (or a signature this code predates)
    _compact = None


def compact_json(o):
    if _compact is None:
        import json

        return json.dumps(o, separators=(",", ":"))
    return "".join(_compact(o, 0))


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def listdir(path):
    if hasattr(os, "listdir"):
        return os.listdir(path)
    return [e[0] for e in os.ilistdir(path)]


def mkdir_p(path):
    part = ""
    for piece in path.split("/"):
        part = part + piece + "/" if part or piece else "/"
        if piece and not exists(part):
            os.mkdir(part)


def hexlify(b):
    import binascii

    return binascii.hexlify(b).decode()


def unhexlify(s):
    import binascii

    return binascii.unhexlify(s)


class Clock:
    """Wall-independent milliseconds and awaitable sleeps; tests pass a virtual one instead."""

    def ticks_ms(self):
        return ticks_ms()

    def ticks_diff(self, a, b):
        return ticks_diff(a, b)

    def sleep_ms(self, ms):
        return sleep_ms(ms)

    def time(self):
        # Seconds since the Unix epoch where the port knows the date (both do here).
        return int(time.time())


if hasattr(asyncio, "wait_for_ms"):
    wait_for_ms = asyncio.wait_for_ms
else:

    def wait_for_ms(aw, ms):
        return asyncio.wait_for(aw, ms / 1000)


_hmac = None  # the hmac module, False where the port has none (looked up on first use)


def hmac_sha256(key, msg):
    """HMAC-SHA256 (RFC 2104): CPython's hmac module, or the same steps over hashlib.sha256.
    `msg`: bytes, or a list of pieces (bytes or str, UTF-8) hashed in turn, never joined."""
    global _hmac
    if _hmac is None:
        try:
            import hmac as _hmac
        except ImportError:
            _hmac = False
    if type(msg) is not list:
        if _hmac:
            return _hmac.digest(key, msg, "sha256")  # CPython's one-shot C path
        msg = [msg]
    if _hmac:
        inner = outer = _hmac.new(key, None, "sha256")
    else:
        import hashlib

        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key + bytes(64 - len(key))
        # Generators, not lists: a 64-item list is one 17-block allocation on a fragmented heap.
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    for m in msg:
        inner.update(m.encode() if type(m) is str else m)
    if outer is not inner:
        outer.update(inner.digest())
    return outer.digest()
