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
    _PERIOD = const(1 << 30)  # MicroPython's ticks wrap at 2**30 on every port
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


def fsync(f):
    # MicroPython's flush() is already a sync (lfs_file_sync on littlefs, fsync on unix);
    # CPython's flush() only empties Python's buffer, so the kernel needs its own call.
    f.flush()
    if hasattr(os, "fsync"):
        os.fsync(f.fileno())


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


def monotonic_clock():
    return Clock()


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
