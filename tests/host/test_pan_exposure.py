# The card number and the PIN never leave the terminal in the clear (docs/selling.md: card on
# paper as the last 4 digits only, the PIN never journaled, logged or drawn). One session runs
# every flow that handles a card — online credit, debit with a PIN, offline credit then sync,
# refund, void, reprint, X report — on each runtime, and everything the firmware emitted is
# searched: each message it sent over the sim link (the printer's serial bytes, the card and
# scanner lines, the display's I2C writes, hex-encoded there), the printer byte stream decoded,
# the paper, every display row it reported, every frame the SSD1306 held (its RAM is a bitmap,
# so each frame is read back to text with the 8x8 font), every file on the flash, its stdout and
# stderr, and the host's log. The host's database is not searched: the back office keeps cards.
import os
import re

import pytest
from font8x8 import FONT

from tools.sim.harness import Sim
from tools.sim.runner import Runner
from tools.sim.script import parse

PANS = ("4111111111111111", "5555555555554444")
PIN = "4321"

SESSION = """
host start auto
host activated
boot
expect-screen "F1 Sale"
press F1
type 1250
expect-screen "Total 12.50 EUR"
press ENTER
press 2
expect-screen "tap a card"
insert 4111111111111111 3012
expect-screen "ENTER: next copy"
press ENTER
expect-screen "ENTER: done"
press ENTER
expect-screen "F1 Sale"
press F1
type 2000
expect-screen "Total 20.00 EUR"
press ENTER
press 3
expect-screen "tap a card"
tap 5555555555554444 3012
expect-screen "Customer PIN:"
type 4321
expect-screen "****"
press ENTER
expect-screen "ENTER: next copy"
press ENTER
expect-screen "ENTER: done"
press ENTER
expect-screen "F1 Sale"
net down
expect-screen "OFFLINE"
press F1
type 1500
expect-screen "Total 15.00 EUR"
press ENTER
press 2
expect-screen "tap a card"
swipe 4111111111111111 3012
expect-screen "Approved offline"
press ENTER
expect-screen "ENTER: done"
press ENTER
expect-screen "OFFLINE 1/15.00"
net up
expect-screen "Online"
host expect sales 1
press F2
expect-screen "Enter technician PIN"
type 480219
press ENTER
expect-screen "Receipt number:"
type 3
press ENTER
expect-screen "Sold 20.00 EUR"
type 500
press ENTER
expect-receipt "REFUND"
expect-screen "ENTER: next copy"
press CANCEL
host expect refunds 1
press MENU
press 2
expect-screen "Enter technician PIN"
type 480219
press ENTER
expect-screen "ENTER voids"
press ENTER
expect-receipt "VOID"
expect-screen "ENTER: next copy"
press CANCEL
host expect voids 1
press MENU
press 1
expect-screen "ENTER: last sale"
press ENTER
expect-receipt "REPRINT"
expect-screen "ENTER: done"
press CANCEL
expect-screen "F1 Sale"
press F3
press 1
expect-receipt "X REPORT"
expect-screen "ENTER: done"
press ENTER
expect-screen "F1 Sale"
"""

_NOT_ALNUM = "[^0-9A-Za-z]"
# The expiry beside a card number: digits of one, or a masked one, then 3012 (or the other way
# round), a few separators apart (=, D-less track 2 forms are caught by the PAN itself).
_EXPIRY = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{4,19}|\*+[ *]*\d{4})%s{0,3}3012(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])3012%s{0,3}\d{4,19}(?![0-9A-Za-z])" % (_NOT_ALNUM, _NOT_ALNUM)
)
# The PIN as a number of its own: inside a longer hex or digit run it is chance (random keys,
# encrypted fields, timestamps), which would make the test fail one run in a few dozen.
_PIN = re.compile(r"(?<![0-9A-Fa-f])%s(?![0-9A-Fa-f])" % PIN)


def _pin_field_forms():
    # ISO 9564 format 0 in the clear: the PIN field, and the block (field XOR PAN field)
    field = ("0%d%s" % (len(PIN), PIN) + "F" * 14)[:16]
    forms = [field[:6]]
    for pan in PANS:
        acct = "0000" + pan[-13:-1]
        forms.append("%016X" % (int(field, 16) ^ int(acct, 16)))
    return forms


def _needles():
    # (what, text), matched case-insensitively: the card numbers' digits, then every one (and
    # the PIN) ASCII hex-encoded as bytes travel on the link, then the PIN block in the clear
    plain = []
    for pan in PANS:
        plain += [("PAN", pan), ("first 12 digits", pan[:12]), ("first 6 digits", pan[:6])]
    out = list(plain)
    for what, s in plain + [("PIN", PIN)]:
        out.append((what + " hex-encoded", s.encode().hex()))
    return out + [("clear PIN block", f) for f in _pin_field_forms()]


NEEDLES = _needles()


def leaks(text):
    """What in `text` gives a card number or the PIN away, as short descriptions."""
    found = []
    low = text.lower()
    for what, s in NEEDLES:
        if s.lower() in low:
            found.append("%s %r" % (what, s))
    m = _EXPIRY.search(text)
    if m:
        found.append("expiry beside a card number %r" % m.group(0))
    m = _PIN.search(text)
    if m:
        found.append("PIN %r at %d" % (PIN, m.start()))
    return found


def test_leak_patterns_catch_and_pass():
    # the detector itself: each of these must be caught, and what the terminal may show passes
    bad = [
        "card 4111111111111111",
        "bin 411111 ok",
        "55555555555544",
        "34313131313131313131313131313131",  # the PAN's digits hex-encoded
        "**** **** **** 1111 3012",
        "1111=3012",
        "pin: 4321",
        '{"pin":"4321"}',
        "34333231",
        "pb 044321FFFFFFFFFF",
    ]
    good = [
        "**** **** **** 1111",
        "**** 4444",
        "key a94321f0-3",
        "ts 1795432110",
        "Total 30.12 EUR",
        "EINV1|1|3|202611260642|1250|EUR|c6d2a9fe1130836d",
    ]
    assert [s for s in bad if not leaks(s)] == []
    assert [s for s in good if leaks(s)] == []


class _Tee(list):
    # Sim.output keeps the last 200 lines for failure reports; this keeps every one too
    def __init__(self, every):
        super().__init__()
        self.every = every

    def append(self, line):
        self.every.append(line)
        super().append(line)


class TapSim(Sim):
    """A Sim that keeps every message the firmware sent over the link, every line it printed
    and every distinct frame of the display controller's RAM."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = []
        self.lines = []
        self.output = _Tee(self.lines)
        self.frames = {}  # frame bytes -> None, in order

    def _handle(self, msg):
        self.messages.append(msg)
        super()._handle(msg)
        if msg.get("t") == "i2c":
            self.frames[self.chip.frame()] = None


_GLYPHS = {}
for _i in range(len(FONT) // 8 - 1, 0, -1):  # not the space: blank columns read as spaces
    _GLYPHS[bytes(FONT[_i * 8 : _i * 8 + 8])] = chr(32 + _i)


def frame_text(frame):
    """The text an 8x8-font frame shows, a line per page, read both plain and inverted; a
    glyph may sit at any column (centred and right-aligned text)."""
    lines = []
    for page in range(8):
        cols = bytes(frame[page * 128 : page * 128 + 128])
        for invert in (False, True):
            if invert:
                cols = bytes(b ^ 0xFF for b in cols)
            out = []
            x = 0
            while x < 128:
                ch = _GLYPHS.get(cols[x : x + 8])
                if ch:
                    out.append(ch)
                    x += 8
                else:
                    if not cols[x] and (not out or out[-1] != " "):
                        out.append(" ")
                    x += 1
            lines.append("".join(out))
    return "\n".join(lines)


def _flash_files(root):
    for d, _, names in os.walk(root):
        for n in sorted(names):
            path = os.path.join(d, n)
            with open(path, "rb") as f:
                yield os.path.relpath(path, root), f.read()


def capture(sim, tmp_path):
    """{what: text} of everything the firmware emitted in the session (bytes as latin-1)."""
    got = {}
    streams = {}
    for i, msg in enumerate(sim.messages):
        got["link message %d" % i] = repr(msg)
        if "d" in msg:
            key = "%s %s bytes" % (msg.get("t"), msg.get("ch", msg.get("a")))
            streams[key] = streams.get(key, b"") + bytes.fromhex(msg["d"])
    for key, data in streams.items():
        got[key] = data.decode("latin-1")
    got["paper"] = sim.paper.text()
    for i, msg in enumerate(m for m in sim.messages if m.get("t") == "rows"):
        got["display rows %d" % i] = "\n".join(msg["rows"])
    for i, frame in enumerate(sim.frames):
        got["display frame %d" % i] = frame_text(frame)
    for name, data in _flash_files(sim.flash):
        got["flash " + name] = data.decode("latin-1")
    got["stdout/stderr"] = "\n".join(sim.lines)
    got["link errors"] = repr(sim.errors)
    for path in sorted(tmp_path.glob("*.log")):
        got["host log " + path.name] = path.read_bytes().decode("latin-1")
    return got


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_no_pan_or_pin_in_anything_the_firmware_emitted(runtime, tmp_path):
    sim = TapSim(runtime, str(tmp_path / "flash"))
    try:
        Runner(sim).run(parse(SESSION, "pan-exposure session"))
        got = capture(sim, tmp_path)
    finally:
        sim.close()
    # Each capture holds what it should, so finding nothing in it means something.
    flash = "\n".join(v for k, v in got.items() if k.startswith("flash "))
    frames = "\n".join(v for k, v in got.items() if k.startswith("display frame"))
    rows = "\n".join(v for k, v in got.items() if k.startswith("display rows"))
    assert "**** **** **** 1111" in got["tx prn bytes"]
    assert "**** **** **** 4444" in got["paper"]
    assert "X REPORT" in got["paper"] and "REPRINT" in got["paper"]
    assert "**** 4444" in rows and "**** 1111" in frames and "F1 Sale" in frames
    assert '"l4":"1111"' in flash and '"l4":"4444"' in flash
    assert any(k.startswith("flash journal/") and k.endswith(".seg") for k in got)
    assert "flash journal/ckpt" in got and any(k.startswith("flash audit/log") for k in got)
    assert any(k.startswith("flash store/") for k in got)
    assert any(k.startswith("host log") for k in got)
    found = ["%s: %s" % (k, ", ".join(w)) for k, w in ((k, leaks(v)) for k, v in got.items()) if w]
    assert not found, "card data or PIN in what the firmware emitted (%d captures):\n%s" % (
        len(found),
        "\n".join(found[:25]),
    )
