# The simulator's wire: JSON lines over a loopback TCP connection to the harness (tools/sim).
# Outgoing messages are written without awaiting (display and printer callbacks are plain
# functions); a drain task pushes them out.
import json
import sys

from compat import asyncio


class SimLink:
    def __init__(self, host, port):
        self.host = host
        self.port = port
        self._writer = None
        self._pending = asyncio.Event()
        self.handlers = {}  # command name → function(message), maybe async

    async def connect(self):
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    def send(self, message):
        if self._writer is None:
            return
        self._writer.write(json.dumps(message).encode() + b"\n")
        self._pending.set()

    async def _drain(self):
        while True:
            await self._pending.wait()
            self._pending.clear()
            await self._writer.drain()

    async def run(self):
        asyncio.create_task(self._drain())
        while True:
            line = await self._reader.readline()
            if not line:
                # The harness went away: a terminal without its simulator has nothing to do.
                sys.exit(0)
            try:
                message = json.loads(line)
                handler = self.handlers[message["c"]]
            except (ValueError, KeyError):
                self.send({"t": "error", "msg": "bad command", "line": line.decode()})
                continue
            result = handler(message)
            if result is not None and hasattr(result, "send"):
                await result


class CutPoints:
    """Freezes the process at an armed write point so the harness can kill it there: from
    then on nothing runs, as when the power is pulled. Also reports points when tracing."""

    def __init__(self, link):
        self.link = link
        self.armed = None
        self.hits = 0
        self.trace = False

    def arm(self, point, hit=1):
        self.armed = point
        self.hits = hit

    def __call__(self, name):
        if self.trace:
            self.link.send({"t": "point", "name": name})
        if name != self.armed:
            return
        self.hits -= 1
        if self.hits > 0:
            return
        sys.stdout.write("CUT %s\n" % name)
        if hasattr(sys.stdout, "flush"):
            sys.stdout.flush()
        sys.stdin.read(1)  # blocks until the harness kills us; it never writes to stdin
        sys.exit(3)
