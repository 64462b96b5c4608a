"""What sits on the far side of a Raspberry Pi's buses, for CPython tests of the Pi backends.
Each piece puts the real library's own code in the path (gpiozero, smbus2, luma, pyserial)
and models only the hardware below it:

- WiredPin: gpiozero's MockPin whose column inputs read the key matrix model
  (drivers.keypad.sim.FakeMatrix) through the rows the pins drive.
- FakeI2cDev: the Linux i2c-dev driver: smbus2's ioctl() calls on an opened "device node"
  decoded as the kernel does (I2C_SLAVE, I2C_FUNCS, I2C_SMBUS block writes, I2C_RDWR) into
  I2C transfers, delivered to a device on that address (SSD1306Chip).
- SerialDevice: a device model on the master side of a pty whose slave the firmware opens
  with pyserial, running in a thread.
"""

import errno
import os
import threading
import tty

from gpiozero.pins.mock import MockPin

from drivers.keypad.sim import FakeMatrix


class WiredPin(MockPin):
    wiring = None  # the Matrix these pins belong to, set by Matrix()

    def _get_state(self):
        wiring = WiredPin.wiring
        if wiring is not None and self._function == "input":
            level = wiring.column_level(self.info.name)
            if level is not None:
                return bool(level)
        return super()._get_state()


class Matrix:
    """A keypad wired to BCM pins `rows` and `cols` of a MockFactory(pin_class=WiredPin)."""

    def __init__(self, factory, rows, cols, keymap):
        self.factory = factory
        self.rows = list(rows)
        self.cols = list(cols)
        self.model = FakeMatrix(len(rows), len(cols), keymap)
        WiredPin.wiring = self

    def column_level(self, name):
        """The level a column pin (gpiozero name, "GPIO12") reads, or None for another pin."""
        if not name.startswith("GPIO") or int(name[4:]) not in self.cols:
            return None
        number = int(name[4:])
        for i, row in enumerate(self.rows):  # the levels the Pi drives now
            pin = self.factory.pin(row)
            self.model.row_pins[i].value(1 if pin._state else 0)
        return self.model.col_pins[self.cols.index(number)].value()

    def press(self, key):
        self.model.press(key)

    def release(self, key):
        self.model.release(key)


# <linux/i2c-dev.h>, <linux/i2c.h>
I2C_SLAVE = 0x0703
I2C_FUNCS = 0x0705
I2C_RDWR = 0x0707
I2C_SMBUS = 0x0720
I2C_SMBUS_WRITE = 0
I2C_SMBUS_I2C_BLOCK_DATA = 8
I2C_FUNC_ALL = 0x0EFF0009  # I2C, SMBus block and byte transfers: what a Pi's bcm2835 offers


class FakeI2cDev:
    """Install with monkeypatch: `fake.install(monkeypatch)`; then smbus2.SMBus(fake.path)
    (or luma with port=fake.path) talks to `devices` {addr: obj with writeto(addr, buf)}.
    Every transfer is also kept in `transfers` as (addr, bytes)."""

    def __init__(self, path, devices):
        self.path = path
        self.devices = devices
        self.transfers = []
        self._addr = {}  # fd → the address I2C_SLAVE selected
        with open(path, "wb"):
            pass  # the "device node": smbus2 opens it, only ioctl() reaches us

    def install(self, monkeypatch):
        import smbus2.smbus2

        monkeypatch.setattr(smbus2.smbus2, "ioctl", self.ioctl)

    def _transfer(self, addr, data):
        self.transfers.append((addr, bytes(data)))
        device = self.devices.get(addr)
        if device is None:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")  # no ACK, as bcm2835 reports
        try:
            device.writeto(addr, bytes(data))
        except OSError:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")

    def ioctl(self, fd, request, arg):
        if request == I2C_SLAVE:
            if not 0x03 <= arg <= 0x77:
                raise OSError(errno.EINVAL, "Invalid argument")
            self._addr[fd] = arg
        elif request == I2C_FUNCS:
            arg.value = I2C_FUNC_ALL
        elif request == I2C_SMBUS:
            if arg.read_write != I2C_SMBUS_WRITE or arg.size != I2C_SMBUS_I2C_BLOCK_DATA:
                raise OSError(errno.EOPNOTSUPP, "only I2C block writes are modelled")
            block = arg.data.contents.block
            self._transfer(self._addr[fd], bytes([arg.command]) + bytes(block[1 : 1 + block[0]]))
        elif request == I2C_RDWR:
            for i in range(arg.nmsgs):
                msg = arg.msgs[i]
                if msg.flags & 1:
                    raise OSError(errno.EOPNOTSUPP, "reads are not modelled")
                self._transfer(msg.addr, bytes(msg))
        else:
            raise OSError(errno.ENOTTY, "Inappropriate ioctl for device")
        return 0


class SerialDevice:
    """A device on a serial line: the firmware opens `.port` (a pty slave) with pyserial; the
    thread reads what it sends from the master side and hands it to `on_receive(data)`;
    `send(data)` puts bytes on the line towards the firmware."""

    def __init__(self, on_receive=None):
        self.master, slave = os.openpty()
        tty.setraw(self.master)
        self.port = os.ttyname(slave)
        self._slave = slave  # kept open so the line does not hang up between opens
        self.on_receive = on_receive
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            self.received.extend(data)
            if self.on_receive is not None:
                self.on_receive(data)

    def send(self, data):
        os.write(self.master, bytes(data))

    # SimPrinter answers through end.peer.inject(): this line is its own peer.
    @property
    def peer(self):
        return self

    def inject(self, data):
        self.send(data)

    def close(self):
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self._slave)
