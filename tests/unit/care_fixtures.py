# A terminal for the care screens' tests (preparation check, troubleshooting, help, diagnostic
# report), small enough to leave the screen under test room in a 64 KiB MicroPython heap: one
# object is the Terminal, its board and its devices. The printer is what use_printer reports
# (the job's bytes kept as the paper), the card reader answers the status query on its line as
# drivers/card/sim.py does (test_card_query.py runs the real driver and model), the display
# can stop acknowledging, the store is a dict, and Host stands in for firmware.net. The
# scenarios (tests/scenarios/care_*.sim) run the real devices end to end.
import sys

from compat import Clock, asyncio

QUERY = b"\x02Q\x03R"  # STX Q ETX LRC, as the terminal must send it (test_card_query.py)


class Term:
    # Defaults as class attributes: an object with thirty attributes of its own needs one
    # large block for its dict, which a fragmented 64 KiB heap may not have.
    VERSION = "0.1.0"
    QUERY = QUERY  # CardReader.QUERY: the card reader's status query
    boots = 2
    serial = "SN-CARE-1"
    printer_problem = journal = journal_error = sync = role = None
    problem = None  # what the printer reports; None: it prints
    reader = True  # the card reader plugged in
    queries = 0
    answer = None  # CardReader.answer, as its task sets it
    answers = True  # the display acknowledges its commands
    level = None
    scanner = True
    up = True
    power = (None, True)
    free = 1 << 20  # flash bytes free

    def __init__(self, config=None):
        self.board = self.store = self.flash = self.card = self.transport = self
        self.display = self.net = self.canvas = self
        self.shows = 0
        self.rows = [""] * 8
        self.clock = Clock()
        self.config = config or {}
        self.data = {}  # the store
        self.net_lock = asyncio.Lock()
        self.paper = bytearray()
        self.states = []

    # the Terminal
    def home(self):
        self.role = None
        return ("firmware.ui.idle", "IdleScreen")

    def apply_contrast(self, level=None):
        self.display.contrast((7 if level is None else level) * 255 // 9)

    async def use_printer(self, data=None):
        problem = self.printer_problem = self.problem
        if data and problem in (None, "paper-low"):
            # what Printer.print() takes: a Receipt, a list of parts (chunks), or bytes
            for part in (
                data.parts() if hasattr(data, "parts") else data if type(data) is list else [data]
            ):
                self.paper.extend(part)
            return None
        return problem

    # the store and the flash
    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        self.data[key] = value

    def statvfs(self):
        return (4 << 20, self.free)

    # the board and its devices
    async def write(self, data):  # the card reader's line
        if data == QUERY:
            self.queries += 1
            if self.reader:
                self.answer = b"OK"

    def contrast(self, level):
        if not self.answers:
            raise OSError(19)  # ENODEV: no ACK on the bus
        self.level = level

    def is_up(self):
        return self.up

    def power_status(self):
        return self.power

    def state(self, name):
        self.states.append(name)

    # the canvas: 8 rows of text
    def draw(self, screen):
        """What `screen` paints: the display's rows."""
        self.clear()
        screen.draw(self)
        return self.rows

    def clear(self):
        self.rows = [""] * 8

    def show(self):
        self.shows += 1

    def text(self, row, s, x=0, invert=False):
        self.rows[row] = s

    center = text


def activate(term, state="ACTIVE"):
    rec = {"state": state, "secret": "00" * 32, "tid": 7, "ctr": 3}
    term.put("activation", rec)


class NetError(Exception):
    pass


class Host:
    """firmware.net while entered: post and call answer with `reply(path, body)` →
    (status, doc, signed), or an exception it returns is raised."""

    NetError = NetError

    def __init__(self, reply):
        self.reply = reply
        self.sent = []

    def __enter__(self):
        import firmware

        self.saved = sys.modules.get("firmware.net")
        sys.modules["firmware.net"] = firmware.net = self
        return self

    def __exit__(self, *exc):
        import firmware

        del sys.modules["firmware.net"]
        del firmware.net
        if self.saved is not None:
            sys.modules["firmware.net"] = firmware.net = self.saved

    async def post(self, term, path, data):
        return (await self.call(term, path, None))[0], b"{}"

    async def call(self, term, path, body, **fields):
        self.sent.append((path, body))
        answer = self.reply(path, body)
        if isinstance(answer, Exception):
            raise answer
        return answer


def shown(rows):
    return " ".join(" ".join(rows).split())


def run(coro):
    return asyncio.run(coro)
