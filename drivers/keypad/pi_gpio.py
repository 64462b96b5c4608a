# gpiozero pins as the KeyMatrix's pins on a Raspberry Pi (CPython only). gpiozero picks the
# pin library itself (lgpio or RPi.GPIO on a Pi; GPIOZERO_PIN_FACTORY=mock in tests).
# KeyMatrix drives and reads levels the way machine.Pin.value() does, while gpiozero devices
# speak of active and inactive, and a pulled-up input counts as active when it reads low; so
# the adapter reads the pin's raw level, never the device's value.


class GpioPin:
    """machine.Pin's value() over a gpiozero DigitalOutputDevice or DigitalInputDevice."""

    def __init__(self, device):
        self.device = device
        self.pin = device.pin

    def value(self, level=None):
        if level is None:
            return 1 if self.pin.state else 0
        self.device.value = 1 if level else 0


def matrix_pins(rows, cols, pin_factory=None):
    """(row_pins, col_pins) for KeyMatrix from BCM pin numbers: rows are outputs idling high,
    columns inputs with the Pi's internal pull-up on."""
    try:
        from gpiozero import DigitalInputDevice, DigitalOutputDevice
    except ImportError:
        raise ImportError("the keypad needs the Python package 'gpiozero' (pip install gpiozero)")
    row_pins = [
        GpioPin(DigitalOutputDevice(p, initial_value=True, pin_factory=pin_factory)) for p in rows
    ]
    col_pins = [
        GpioPin(DigitalInputDevice(p, pull_up=True, pin_factory=pin_factory)) for p in cols
    ]
    return row_pins, col_pins
