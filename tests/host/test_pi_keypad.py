# The Pi keypad backend: KeyMatrix over real gpiozero devices (DigitalOutputDevice rows,
# DigitalInputDevice(pull_up=True) columns) on gpiozero's MockFactory, wired to the matrix
# model through the row levels gpiozero actually drives.
import asyncio
import sys

import pytest

gpiozero = pytest.importorskip("gpiozero")
from gpiozero.pins.mock import MockFactory  # noqa: E402

from compat import Clock  # noqa: E402
from drivers.keypad.matrix import KeyMatrix  # noqa: E402
from drivers.keypad.membrane4x4 import PROFILE  # noqa: E402
from drivers.keypad.pi_gpio import GpioPin, matrix_pins  # noqa: E402
from firmware.events import KEY, EventQueue  # noqa: E402
from tests.fakes.pi import Matrix, WiredPin  # noqa: E402

ROWS = [5, 6, 13, 19]
COLS = [12, 16, 20, 21]


@pytest.fixture
def pad(monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    factory = MockFactory(pin_class=WiredPin)
    rows, cols, keymap = PROFILE
    matrix = Matrix(factory, ROWS, COLS, keymap)
    row_pins, col_pins = matrix_pins(ROWS, COLS, pin_factory=factory)
    keypad = KeyMatrix(row_pins, col_pins, keymap)
    yield factory, matrix, keypad, row_pins, col_pins
    for pin in row_pins + col_pins:
        pin.device.close()
    WiredPin.wiring = None
    factory.close()


def test_pins_are_real_gpiozero_devices_with_pull_ups(pad):
    factory, matrix, keypad, row_pins, col_pins = pad
    assert all(isinstance(p.device, gpiozero.DigitalOutputDevice) for p in row_pins)
    assert all(isinstance(p.device, gpiozero.DigitalInputDevice) for p in col_pins)
    assert [p.device.pin.info.name for p in row_pins] == ["GPIO%d" % n for n in ROWS]
    assert all(p.device.pull_up for p in col_pins)
    assert [factory.pin(n).function for n in ROWS] == ["output"] * 4
    # Rows idle high; nothing pressed: every column reads its pull-up.
    assert [p.value() for p in row_pins] == [1, 1, 1, 1]
    assert [p.value() for p in col_pins] == [1, 1, 1, 1]


def test_adapter_reads_levels_not_gpiozero_active_state(pad):
    factory, matrix, keypad, row_pins, col_pins = pad
    matrix.press("5")  # row 1, column 1
    row_pins[1].value(0)
    assert factory.pin(6).state == 0  # the row really is driven low
    assert col_pins[1].value() == 0  # a closed switch reads 0, as machine.Pin would
    assert col_pins[1].device.value == 1  # while gpiozero calls that "active"
    assert [p.value() for p in (col_pins[0], col_pins[2], col_pins[3])] == [1, 1, 1]
    row_pins[1].value(1)
    assert col_pins[1].value() == 1


def test_every_membrane_key_scans_to_its_name(pad):
    factory, matrix, keypad, row_pins, col_pins = pad
    keymap = PROFILE[2]
    now = 0
    for key in keymap:
        matrix.press(key)
        assert keypad.scan(now) == []  # not yet through the debounce
        now += 25
        assert keypad.scan(now) == [(key, True)]
        assert keypad.pressed() == [key]
        matrix.release(key)
        keypad.scan(now)
        now += 25
        assert keypad.scan(now) == [(key, False)]
        now += 10


def test_bounce_shorter_than_debounce_is_ignored(pad):
    factory, matrix, keypad, row_pins, col_pins = pad
    matrix.press("ENTER")
    assert keypad.scan(0) == []
    matrix.release("ENTER")
    assert keypad.scan(10) == []
    assert keypad.scan(40) == []
    assert keypad.pressed() == []


def test_ghost_rectangle_is_not_reported(pad):
    factory, matrix, keypad, row_pins, col_pins = pad
    for key in ("1", "2", "4"):  # three corners of a rectangle: "5" reads closed too
        matrix.press(key)
    changes = keypad.scan(0) + keypad.scan(30)
    assert ("5", True) not in changes
    assert "5" not in keypad.pressed()


def test_run_posts_key_events():
    async def scenario(factory, matrix, keypad):
        queue = EventQueue()
        task = asyncio.create_task(keypad.run(queue, Clock(), period_ms=2))
        matrix.press("MENU")
        event = await asyncio.wait_for(queue.get(), 1)
        matrix.release("MENU")
        task.cancel()
        return event

    factory = MockFactory(pin_class=WiredPin)
    rows, cols, keymap = PROFILE
    matrix = Matrix(factory, ROWS, COLS, keymap)
    row_pins, col_pins = matrix_pins(ROWS, COLS, pin_factory=factory)
    try:
        event = asyncio.run(scenario(factory, matrix, KeyMatrix(row_pins, col_pins, keymap)))
    finally:
        WiredPin.wiring = None
        factory.close()
    assert (event.kind, event.value) == (KEY, "MENU")


def test_gpio_pin_writes_through_the_device():
    factory = MockFactory()
    try:
        pin = GpioPin(gpiozero.DigitalOutputDevice(26, initial_value=True, pin_factory=factory))
        assert factory.pin(26).state == 1
        pin.value(0)
        assert factory.pin(26).state == 0
        assert pin.value() == 0
    finally:
        factory.close()


def test_missing_gpiozero_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "gpiozero", None)
    with pytest.raises(ImportError, match=r"'gpiozero' \(pip install gpiozero\)"):
        matrix_pins(ROWS, COLS)
