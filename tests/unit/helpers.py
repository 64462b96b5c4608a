# Shared by unit tests on both runtimes.
from compat import asyncio


def run(coro):
    return asyncio.run(coro)


def raises(exc_type, fn, *args):
    """Call fn(*args) and return the exception it raised; fail if it raised nothing."""
    try:
        fn(*args)
    except exc_type as e:
        return e
    raise AssertionError("%s not raised" % exc_type.__name__)


class VirtualClock:
    """Milliseconds that move only when a test (or a sleeper) moves them."""

    def __init__(self, start=0):
        self.now = start

    def ticks_ms(self):
        return self.now

    def ticks_diff(self, a, b):
        return a - b

    def advance(self, ms):
        self.now += ms

    async def sleep_ms(self, ms):
        self.now += ms
        await asyncio.sleep(0)

    def time(self):
        return 1764100000 + self.now // 1000
