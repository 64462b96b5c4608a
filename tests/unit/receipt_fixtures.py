# Set-up shared by the receipt and report tests (both runtimes): a Terminal with only what the
# builders read (config, store, clock, flash with an item file), and the parser's view of a job.
import os
import time

TS = 1764100000
SECRET = "86dd782b1069584f4c2c4ab23f8387cfb0fcd22d28f388a5096ab3e0f1dbba66"


class _Store:
    def __init__(self, records):
        self.records = records

    def get(self, key, default=None):
        return self.records.get(key, default)


class _Clock:
    def time(self):
        return TS + 3600


class _Term:
    # What the builders read of the Terminal: config, store, clock, and flash, where only
    # path() is needed (the item file); the real Flash would take 4 KB of a 64 KiB heap.
    def __init__(self, name="rcpt", **config):
        self.root = "/tmp/pos-unit-rcpt-%07d-%s" % (
            os.getpid() if hasattr(os, "getpid") else 0,
            name,
        )
        try:
            os.mkdir(self.root)
        except OSError:
            pass  # there from an earlier run
        self.flash = self
        with open(self.path("items.csv"), "wb") as f:
            f.write(b"1234,Croissant,400\n4006381333931,Coffee,450\n")
        self.config = {"merchant": "CAFE", "address": ["1 Main St", "Springfield"]}
        self.config.update(config)
        self.store = _Store(
            {
                "activation": {"terminal": "00012345", "tid": 17, "secret": SECRET},
                "batch": {"no": 7, "from": 0},
            }
        )
        self.clock = _Clock()

    def path(self, name):
        return self.root + "/" + name


def _card_sale(**fields):
    rec = {"t": "A", "id": 42, "ts": TS, "amt": 1250, "m": "credit", "em": "tap",
           "k": "ab12cd34-42", "cur": "EUR", "l4": "1486", "auth": "A1B2C3", "off": 0,
           "it": [["4006381333931", 1, 450], ["1234", 2, 400]], "mb": "M-778"}  # fmt: skip
    rec.update(fields)
    return rec


def _job(chunks):
    out = []
    for chunk in chunks:
        assert isinstance(chunk, bytes) and 0 < len(chunk) < 512  # a few lines at a time
        out.append(chunk)
    return b"".join(out)


def _lines(chunks):
    # The job's chunks through the printer's parser, as it reads them: a string per printed
    # line, "modes|text" where modes are not the defaults ("b" bold, "w" double size, "c"
    # centered, "q" a QR code with its data as the text). Strings, not parser.Line objects:
    # a third of the heap each.
    from drivers.printer.parser import QR, EscPosParser  # here: not every test needs it

    out = []
    cuts = []

    def on_line(ln):
        mods = "b" if ln.bold else ""
        mods += "w" if ln.width == 2 and ln.height == 2 else ""
        mods += "c" if ln.align == 1 else ""
        if ln.kind == QR:
            out.append("q" + mods + "|" + ln.data)
        else:
            out.append(mods + "|" + ln.text if mods else ln.text)

    p = EscPosParser(on_line, on_cut=lambda: cuts.append(len(out)))
    for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
        assert isinstance(chunk, bytes) and 0 < len(chunk) < 512  # a few lines at a time
        p.feed(chunk)
    assert p.unknown == 0 and cuts == [len(out)]  # one cut, at the end
    return out


def _pair(left, right):
    return left + " " * (32 - len(left) - len(right)) + right


def _local(ts):
    tm = time.localtime(ts)
    return "%04d-%02d-%02d" % tm[:3], "%02d:%02d" % tm[3:5], "%04d%02d%02d%02d%02d" % tm[:5]
