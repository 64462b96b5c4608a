# The Pi's USB-HID barcode scanner: python-evdev key events (real evdev.InputEvent objects and
# ecodes) turned back into a serial scanner's bytes, decoded by the one Scanner driver. This
# machine has no /dev/uinput, so the input device is a stand-in with a real file descriptor
# (a pipe) that becomes readable when events are queued, as an event node does.
import asyncio
import errno
import os
import sys

import pytest

from compat import Clock
from drivers.scanner.pi_evdev import HidLine, keymap
from drivers.scanner.scanner import Scanner
from firmware.events import SCAN, EventQueue

evdev = pytest.importorskip("evdev")
from evdev import InputEvent, ecodes  # noqa: E402

SHIFT = ecodes.KEY_LEFTSHIFT


def typed(text, ctrl_gs=False):
    """The key events a scanner in US layout sends for text, then Enter."""
    table = keymap(ecodes)
    by_char = {}
    for code, (plain, shifted) in sorted(table.items()):
        by_char.setdefault(plain, (code, False))
        by_char.setdefault(shifted, (code, True))
    events = []
    for ch in text:
        if ch == "\x1d":
            mods, code = ecodes.KEY_LEFTCTRL, ecodes.KEY_RIGHTBRACE
        else:
            code, shift = by_char[ord(ch)]
            mods = SHIFT if shift else None
        if mods:
            events.append(InputEvent(0, 0, ecodes.EV_KEY, mods, 1))
        events.append(InputEvent(0, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70004))
        events.append(InputEvent(0, 0, ecodes.EV_KEY, code, 1))
        events.append(InputEvent(0, 0, ecodes.EV_SYN, 0, 0))
        events.append(InputEvent(0, 0, ecodes.EV_KEY, code, 0))
        if mods:
            events.append(InputEvent(0, 0, ecodes.EV_KEY, mods, 0))
    events.append(InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_ENTER, 1))
    events.append(InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_ENTER, 0))
    return events


class FakeInputDevice:
    """An evdev.InputDevice stand-in: fd is readable while events wait; read() raises
    BlockingIOError when none do, OSError(ENODEV) once unplugged."""

    def __init__(self):
        self.fd, self._w = os.pipe()
        os.set_blocking(self.fd, False)
        self.pending = []
        self.grabbed = False
        self.unplugged = False
        self.closed = False

    def queue(self, events):
        self.pending.extend(events)
        os.write(self._w, b"!")

    def read(self):
        if self.unplugged:
            raise OSError(errno.ENODEV, "No such device")
        try:
            os.read(self.fd, 4096)
        except BlockingIOError:
            pass
        if not self.pending:
            raise BlockingIOError
        events, self.pending = self.pending, []
        return iter(events)

    def grab(self):
        self.grabbed = True

    def close(self):
        self.closed = True
        os.close(self.fd)
        os.close(self._w)


def test_key_events_become_serial_scanner_bytes():
    line = HidLine(device=FakeInputDevice())
    line.feed(typed("Ab1-x_Z!"))
    assert bytes(line._buf) == b"Ab1-x_Z!\r"


def test_gs1_group_separator_and_releases():
    line = HidLine(device=FakeInputDevice())
    line.feed(typed("(01)0950\x1d10ABC"))
    assert bytes(line._buf) == b"(01)0950\x1d10ABC\r"


def test_keypad_digits_and_repeats():
    line = HidLine(device=FakeInputDevice())
    line.feed(
        [
            InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KP7, 1),
            InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KP7, 2),  # auto-repeat: not a press
            InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KP7, 0),
            InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KPENTER, 1),
        ]
    )
    assert bytes(line._buf) == b"7\r"


def test_scanner_driver_posts_the_code_and_device_is_grabbed():
    device = FakeInputDevice()
    line = HidLine(device=device)
    assert device.grabbed
    scanner = Scanner(line)

    async def scenario():
        queue = EventQueue()
        task = asyncio.create_task(scanner.run(queue, Clock()))
        await asyncio.sleep(0.02)
        device.queue(typed("4006381333931"))
        event = await asyncio.wait_for(queue.get(), 2)
        task.cancel()
        return event

    event = asyncio.run(scenario())
    assert (event.kind, event.value) == (SCAN, "4006381333931")
    assert scanner.errors == 0


def test_unplugged_scanner_goes_quiet_and_is_looked_for_again(monkeypatch):
    device = FakeInputDevice()
    line = HidLine(device=device)
    looked = []

    def find(evdev_module):
        looked.append(True)
        return None

    monkeypatch.setattr("drivers.scanner.pi_evdev.find_scanner", find)

    async def scenario():
        device.unplugged = True
        os.write(device._w, b"!")
        first = await line.read(64, 200)
        second = await line.read(64, 50)  # no device now: silence for the timeout
        return first, second

    first, second = asyncio.run(scenario())
    assert (first, second) == (b"", b"")
    assert device.closed and line.device is None
    assert looked == [True]  # one look, then not again before the retry period


def test_missing_evdev_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)
    with pytest.raises(ImportError, match=r"'evdev' \(pip install evdev\)"):
        HidLine()
