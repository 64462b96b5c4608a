# The receipt printer as the firmware sees it: ask its status, print a job, and never report
# success unless the printer still had paper and a closed cover after the job.
# escpos is not imported: the driver needs only DLE EOT, and the encoder would cost the heap
# several KB for as long as the terminal runs; screens import it while they build a job.
from compat import asyncio, const

_REPLY_MS = const(300)
_FIXED_MASK = const(0x93)  # every status byte reads 0b0xx1xx10
_FIXED_BITS = const(0x12)
# The mechanism prints slower than the wire delivers: a 58 mm head at 50 mm/s needs ~85 ms for
# a 4.2 mm line. Paper can run out while buffered lines are still printing, so the closing
# status check waits for them.
LINE_MS = const(85)


class PrinterError(Exception):
    # reason: 'paper-out' | 'cover-open' | 'offline' | 'garbled status' | 'no-answer'.
    # partial: the job was (at least partly) sent, so the receipt must be printed again.

    def __init__(self, reason, partial=False):
        super().__init__(reason)
        self.reason = reason
        self.partial = partial


class PrinterOffline(PrinterError):
    # Nothing answered a status query (reason 'no-answer'): unplugged, powered off or a wrong
    # baud rate.
    pass


class Status:
    def __init__(self, online, paper, cover_open):
        self.online = online
        self.paper = paper  # "ok" | "near-end" | "out"
        self.cover_open = cover_open

    def problem(self):
        # Why nothing can print, or None. The cover goes first: with it open the paper sensor
        # cannot be trusted, and closing it is what the cashier must do next.
        if self.cover_open:
            return "cover-open"
        if self.paper == "out":
            return "paper-out"
        if not self.online:
            return "offline"
        return None

    def warning(self):
        return "near-end" if self.paper == "near-end" else None

    def __eq__(self, other):
        return (
            isinstance(other, Status)
            and self.online == other.online
            and self.paper == other.paper
            and self.cover_open == other.cover_open
        )

    def __repr__(self):
        return "Status(online=%r, paper=%r, cover_open=%r)" % (
            self.online,
            self.paper,
            self.cover_open,
        )


def decode_status(printer, offline, paper):
    # The three DLE EOT replies (n = 1, 2, 4) → Status.
    if paper & 0x60 or offline & 0x20:
        state = "out"
    elif paper & 0x0C:
        state = "near-end"
    else:
        state = "ok"
    return Status(not printer & 0x08, state, bool(offline & 0x04))


class Printer:
    def __init__(self, transport, clock, line_ms=LINE_MS):
        self.transport = transport
        self.clock = clock
        self.line_ms = line_ms
        self.last_status = None
        self._lock = asyncio.Lock()  # a status poll must not interleave with a job's queries

    async def status(self):
        async with self._lock:
            return await self._status()

    async def print(self, job):
        # Send a job (bytes or an escpos.Receipt); returns the Status after printing, whose
        # warning() may say 'near-end'. Raises PrinterError instead of reporting success without
        # paper: partial=False means nothing was sent, partial=True that the receipt is
        # incomplete and must be printed again.
        if hasattr(job, "bytes"):
            job = job.bytes()
        async with self._lock:
            problem = (await self._status()).problem()
            if problem:
                raise PrinterError(problem)
            self.transport.flush_input()
            start = self.clock.ticks_ms()
            await self.transport.write(job)
            left = job.count(b"\n") * self.line_ms - self.clock.ticks_diff(
                self.clock.ticks_ms(), start
            )
            if left > 0:
                await self.clock.sleep_ms(left)
            try:
                status = await self._status()
            except PrinterError as e:
                e.partial = True
                raise
            problem = status.problem()
            if problem:
                raise PrinterError(problem, partial=True)
            return status

    async def _status(self):
        self.transport.flush_input()  # a late reply to an earlier query must not be read as ours
        printer = await self._query(1)
        offline = await self._query(2)
        paper = await self._query(4)
        self.last_status = decode_status(printer, offline, paper)
        return self.last_status

    async def _query(self, n):
        await self.transport.write(bytes((0x10, 0x04, n)))  # DLE EOT n
        reply = await self.transport.read(1, _REPLY_MS)
        if not reply:
            raise PrinterOffline("no-answer")
        if reply[0] & _FIXED_MASK != _FIXED_BITS:
            raise PrinterError("garbled status")
        return reply[0]
