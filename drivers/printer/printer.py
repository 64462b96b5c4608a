# The receipt printer as the firmware sees it: ask its status, print a job, and never report
# success unless the printer still had paper and a closed cover after the job.
# escpos is not imported: the driver needs only DLE EOT, and the encoder would cost the heap
# several KB for as long as the terminal runs; screens import it while they build a job.
from collections import namedtuple

from compat import asyncio, const

_REPLY_MS = const(300)
_FIXED_MASK = const(0x93)  # every status byte reads 0b0xx1xx10
_FIXED_BITS = const(0x12)
_ERROR = const(0x40)  # n=2: an error occurred; n=3: an automatically recoverable one (head heat)
# The mechanism prints slower than the wire delivers: a 58 mm head at 50 mm/s needs ~85 ms for
# a 4.2 mm line. Paper can run out while buffered lines are still printing, so the closing
# status check waits for them.
_LINE_MS = const(85)


class PrinterError(Exception):
    # reason: 'paper-out' | 'cover-open' | 'overheated' | 'offline' | 'printer-garbled' (a
    # status byte no printer sends: a wrong baud rate, a bad cable) | 'no-answer'. All but
    # 'no-answer' are catalogue keys, and so is "fix-" + reason (firmware/app.py use_printer()).
    # partial: the job was (at least partly) sent, so the receipt must be printed again.

    # No super().__init__ (it costs a closure): both runtimes already keep the constructor's
    # arguments in .args.
    def __init__(self, reason, partial):
        self.reason = reason
        self.partial = partial


class PrinterOffline(PrinterError):
    # Nothing answered a status query (reason 'no-answer'): unplugged, powered off or a wrong
    # baud rate.
    pass


# A namedtuple brings ==, repr and the fields in C: ~200 bytes of heap less than a class
# defining __init__, __eq__ and __repr__. paper: "ok" | "near-end" | "out"; overheated: the
# head stopped itself until it cools (ESC/POS: an automatically recoverable error).
class Status(namedtuple("Status", ["online", "paper", "cover_open", "overheated"])):
    def problem(self):
        # Why nothing can print, or None. The cover goes first: with it open the paper sensor
        # cannot be trusted, and closing it is what the cashier must do next.
        if self.cover_open:
            return "cover-open"
        if self.paper == "out":
            return "paper-out"
        if self.overheated:
            return "overheated"
        if not self.online:
            return "offline"
        return None

    def warning(self):
        return "near-end" if self.paper == "near-end" else None


def decode_status(printer, offline, paper, error=_FIXED_BITS):
    # The DLE EOT replies n = 1, 2, 4 and, when n=2 reports an error, 3 → Status.
    if paper & 0x60 or offline & 0x20:
        state = "out"
    elif paper & 0x0C:
        state = "near-end"
    else:
        state = "ok"
    return Status(not printer & 0x08, state, bool(offline & 0x04), bool(error & _ERROR))


class Printer:
    line_ms = _LINE_MS  # per line fed; a board or test may set its own on the instance

    def __init__(self, transport, clock):
        self.transport = transport
        self.clock = clock
        self.last_status = None
        self._lock = asyncio.Lock()  # a status poll must not interleave with a job's queries

    async def print(self, job=None):
        # Send a job (bytes, a list of byte parts, or an escpos.Receipt, sent in its parts so
        # it never needs one block of heap); returns the Status after printing, whose
        # warning() may say 'near-end'. Raises PrinterError instead of reporting success without
        # paper: partial=False means nothing was sent, partial=True that the receipt is
        # incomplete and must be printed again. Without a job it only asks the status (that is
        # status()): one method holding both keeps the query code once in the resident heap.
        if hasattr(job, "parts"):
            job = job.parts()
        elif type(job) is not list and job is not None:
            job = (job,)
        transport = self.transport
        clock = self.clock
        sent = False
        # acquire/release rather than `async with`: the same lock, ~60 bytes less bytecode.
        await self._lock.acquire()
        try:
            while True:  # the status check before the job, then the one after it
                transport.flush_input()  # a late reply to an earlier query must not be ours
                replies = bytearray(4)
                replies[3] = _FIXED_BITS
                for i in range(4):
                    # DLE EOT 1, 2, 4; the error cause (3) only when n=2 says there is one, so
                    # a healthy printer costs three bytes each way per check.
                    if i == 3 and not replies[1] & _ERROR:
                        break
                    await transport.write(bytes((0x10, 0x04, 3 if i == 3 else 1 << i)))
                    reply = await transport.read(1, _REPLY_MS)
                    if not reply:
                        raise PrinterOffline("no-answer", sent)
                    if reply[0] & _FIXED_MASK != _FIXED_BITS:
                        raise PrinterError("printer-garbled", sent)
                    replies[i] = reply[0]
                status = self.last_status = decode_status(*replies)
                if job is None:
                    return status
                problem = status.problem()
                if problem:
                    raise PrinterError(problem, sent)
                if sent:
                    return status
                start = clock.ticks_ms()
                lines = 0
                # "\n" is an interned string; a b"\n" literal would be a heap object of its own.
                lf = "\n".encode()
                for part in job:
                    await transport.write(part)
                    lines += part.count(lf)
                left = lines * self.line_ms - clock.ticks_diff(clock.ticks_ms(), start)
                if left > 0:
                    await clock.sleep_ms(left)
                sent = True
        finally:
            self._lock.release()

    status = print  # print() without a job: the status under the same lock
