# A USB-HID barcode scanner on Linux (Raspberry Pi, CPython only), through python-evdev.
# A HID scanner is a keyboard that types each code and presses Enter. HidLine turns its key
# presses back into the bytes a serial scanner would send ("CODE\r") and offers them as a
# serial transport, so the one Scanner driver decodes both kinds. The device is grabbed, so
# scans do not also type into a console; when it is unplugged (or not yet plugged in) the line
# is silent and the device is looked for again every few seconds.
import asyncio
import time

from compat import wait_for_ms

_RETRY_S = 5
_GS = 0x1D  # Ctrl+] : how HID scanners type the GS1 group separator

# US layout, as scanners type by default: key name → (plain, shifted) characters.
_KEYS = {
    "MINUS": "-_",
    "EQUAL": "=+",
    "LEFTBRACE": "[{",
    "RIGHTBRACE": "]}",
    "BACKSLASH": "\\|",
    "SEMICOLON": ";:",
    "APOSTROPHE": "'\"",
    "GRAVE": "`~",
    "COMMA": ",<",
    "DOT": ".>",
    "SLASH": "/?",
    "SPACE": "  ",
    "KPMINUS": "--",
    "KPPLUS": "++",
    "KPASTERISK": "**",
    "KPSLASH": "//",
    "KPDOT": "..",
}
_SHIFTED_DIGITS = ")!@#$%^&*("


def _evdev():
    try:
        import evdev
    except ImportError:
        raise ImportError(
            "the USB-HID barcode scanner needs the Python package 'evdev' (pip install evdev);"
            " a scanner in serial mode needs only pyserial"
        )
    return evdev


def keymap(ecodes):
    """{key code: (plain byte, shifted byte)} from evdev's ecodes; Enter is CR."""
    table = {}
    for i, name in enumerate("0123456789"):
        shifted = ord(_SHIFTED_DIGITS[i])
        table[getattr(ecodes, "KEY_" + name)] = (ord(name), shifted)
        table[getattr(ecodes, "KEY_KP" + name)] = (ord(name), ord(name))
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[getattr(ecodes, "KEY_" + c)] = (ord(c.lower()), ord(c))
    for name, chars in _KEYS.items():
        table[getattr(ecodes, "KEY_" + name)] = (ord(chars[0]), ord(chars[1]))
    for name in ("ENTER", "KPENTER"):
        table[getattr(ecodes, "KEY_" + name)] = (0x0D, 0x0D)
    return table


def find_scanner(evdev):
    """The first input device whose name says it is a barcode scanner, or None."""
    for path in evdev.list_devices():
        device = evdev.InputDevice(path)
        name = (device.name or "").lower()
        if "barcode" in name or "scanner" in name:
            return device
        device.close()
    return None


class HidLine:
    """The serial transport interface over a HID scanner. path: an event device
    (/dev/input/by-id/...-event-kbd), or None to find one by name. device: an open
    evdev.InputDevice (or an object with fd, read(), grab(), close()) to use instead."""

    def __init__(self, path=None, device=None):
        self._evdev = _evdev()
        ecodes = self._evdev.ecodes
        self._ev_key = ecodes.EV_KEY
        self._shift_keys = (ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT)
        self._ctrl_keys = (ecodes.KEY_LEFTCTRL, ecodes.KEY_RIGHTCTRL)
        self._rightbrace = ecodes.KEY_RIGHTBRACE
        self._table = keymap(ecodes)
        self.path = path
        self.device = device
        self._shift = self._ctrl = False
        self._buf = bytearray()
        self._next_look = 0.0
        if device is not None:
            self._grab()

    def _grab(self):
        try:
            self.device.grab()
        except OSError:
            pass  # grabbed already, by us or another reader: scans still arrive

    def _open(self):
        now = time.monotonic()
        if now < self._next_look:
            return None
        self._next_look = now + _RETRY_S
        try:
            if self.path:
                self.device = self._evdev.InputDevice(self.path)
            else:
                self.device = find_scanner(self._evdev)
        except OSError:
            self.device = None
        if self.device is not None:
            self._grab()
        return self.device

    def feed(self, events):
        """Key events → bytes on the line."""
        for ev in events:
            if ev.type != self._ev_key:
                continue
            code = ev.code
            if code in self._shift_keys:
                self._shift = ev.value != 0
            elif code in self._ctrl_keys:
                self._ctrl = ev.value != 0
            elif ev.value == 1:  # a press; releases and auto-repeats type nothing
                if self._ctrl:
                    if code == self._rightbrace:
                        self._buf.append(_GS)
                    continue
                chars = self._table.get(code)
                if chars is not None:
                    self._buf.append(chars[1] if self._shift else chars[0])

    def _drain(self):
        try:
            self.feed(list(self.device.read()))
        except BlockingIOError:
            pass
        except OSError:  # unplugged: look for it again later
            self._lose()

    def _lose(self):
        try:
            self.device.close()
        except OSError:
            pass
        self.device = None
        self._shift = self._ctrl = False

    def _take(self, n):
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    async def read(self, n, timeout_ms):
        if self._buf:
            return self._take(n)
        device = self.device or self._open()
        if device is None:
            await asyncio.sleep(timeout_ms / 1000)
            return b""
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        loop.add_reader(device.fd, ready.set)
        try:
            await wait_for_ms(ready.wait(), timeout_ms)
        except asyncio.TimeoutError:
            return b""
        finally:
            loop.remove_reader(device.fd)
        self._drain()
        return self._take(n)

    async def write(self, data):
        pass  # a HID scanner takes no commands from the host

    def flush_input(self):
        self._buf = bytearray()

    def in_waiting(self):
        return len(self._buf)
