"""Runs the firmware in a separate process — CPython or the real MicroPython binary — on the
sim board, and plays every device around it over a loopback link. The device models live
here, as real devices live outside the MCU: the SSD1306 decodes the I2C bytes the firmware
sends, the ESC/POS printer answers status queries and prints, the card reader and scanner
send their real frames. Keeps what the terminal shows: display rows and pixels, paper."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from drivers.card.sim import SimCardReader
from drivers.display.sim import SSD1306Chip
from drivers.printer.sim import SimPrinter
from drivers.scanner.sim import SimScanner
from tools.sim.paper import Paper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOT_TIMEOUT_S = 20
CUT_TIMEOUT_S = 10

DEFAULT_CONFIG = {
    "board": "sim",
    "serial": "SIM0000001",
    "merchant": "DEMO SHOP",
}


class SimError(Exception):
    pass


def firmware_command(runtime):
    main = os.path.join(ROOT, "main.py")
    if runtime == "cpython":
        return [sys.executable, main], dict(os.environ)
    if runtime == "micropython":
        from tests.runtimes import FIRMWARE_HEAP, micropython_cmd, micropython_env

        return micropython_cmd(main, heap=FIRMWARE_HEAP), micropython_env()
    raise SimError("unknown runtime %r (cpython or micropython)" % runtime)


class Port:
    """The device side of one serial line; bytes go to the firmware over the link."""

    def __init__(self, sim, name):
        self.sim = sim
        self.name = name
        self.peer = self  # models answer with end.peer.inject(...)
        self.on_receive = None

    def inject(self, data):
        self.sim.send(c="rx", ch=self.name, d=bytes(data).hex())

    async def write(self, data):
        self.inject(data)


class Sim:
    def __init__(self, runtime="cpython", flash=None, config=None, on_change=None):
        self.runtime = runtime
        if flash is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pos-flash-")
            flash = self._tmp.name
        self.flash = os.path.abspath(flash)
        self.config = dict(DEFAULT_CONFIG, **(config or {}))
        self.on_change = on_change  # called (from the reader thread) after any update
        self.rows = [""] * 8
        self.chip = SSD1306Chip()
        self.paper = Paper()
        self.ports = {name: Port(self, name) for name in ("prn", "card", "scan")}
        self.printer = SimPrinter(self.ports["prn"], sink=self.paper.feed)
        self.card = SimCardReader(self.ports["card"])
        self.scanner = SimScanner(self.ports["scan"])
        self._send_lock = threading.Lock()
        self.state = None
        self.points = []
        self.errors = []
        self.output = []  # the firmware's stdout/stderr lines, for failure reports
        self.cut_point = None
        self.proc = None
        self._conn = None
        self._cond = threading.Condition()
        self._ready = False

    # -- process life ------------------------------------------------------------------
    def _write_config(self):
        os.makedirs(self.flash, exist_ok=True)
        path = os.path.join(self.flash, "config.json")
        if not os.path.exists(path):
            with open(path, "w") as f:
                json.dump(self.config, f)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def boot(self):
        if self.running:
            raise SimError("the terminal is already on (power-cut first)")
        self._write_config()
        with self._cond:
            self.paper.clear()
            self.chip = SSD1306Chip()  # the panel lost power too: its RAM starts blank
            self.rows = [""] * 8
            self.state = None
            self.cut_point = None
            self._ready = False
        server = socket.create_server(("127.0.0.1", 0))
        server.settimeout(BOOT_TIMEOUT_S)
        port = server.getsockname()[1]
        cmd, env = firmware_command(self.runtime)
        cmd = cmd + ["--flash", self.flash, "--link", "127.0.0.1:%d" % port]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,  # never written: a cut point blocks reading it
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._out_thread = threading.Thread(
            target=self._read_output, args=(self.proc,), daemon=True
        )
        self._out_thread.start()
        try:
            conn, _ = server.accept()
        except TimeoutError:
            self.kill()
            raise SimError(
                "firmware did not connect within %d s:\n%s" % (BOOT_TIMEOUT_S, self.tail())
            )
        finally:
            server.close()
        self._conn = conn
        threading.Thread(target=self._read_link, args=(conn,), daemon=True).start()
        if not self.wait_for(lambda: self._ready and any(self.rows), BOOT_TIMEOUT_S):
            self.kill()
            raise SimError("firmware did not show a screen after boot:\n" + self.tail())

    def kill(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc.stdin.close()
            self._out_thread.join(5)  # EOF follows the kill; then the pipe can be closed
            self.proc.stdout.close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def power_cut(self):
        """Kill the firmware with no warning. With a cut point armed, first wait until the
        firmware has frozen exactly there."""
        if self.armed and self.running:
            if not self.wait_for(lambda: self.cut_point is not None, CUT_TIMEOUT_S):
                self.kill()
                raise SimError("cut point %s was never reached" % self.armed)
        self.armed = None
        self.kill()

    armed = None

    def close(self):
        self.kill()
        tmp = getattr(self, "_tmp", None)
        if tmp:
            tmp.cleanup()

    # -- readers (threads) ---------------------------------------------------------------
    def _read_output(self, proc):
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self.output.append(line)
                del self.output[:-200]
                if line.startswith("CUT "):
                    self.cut_point = line[4:]
                self._cond.notify_all()

    def _read_link(self, conn):
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            buf += data
            *lines, buf = buf.split(b"\n")
            with self._cond:
                for line in lines:
                    self._handle(json.loads(line))
                self._cond.notify_all()
            if self.on_change:
                self.on_change()
        with self._cond:
            self._cond.notify_all()

    def _handle(self, msg):
        kind = msg.get("t")
        if kind == "i2c":
            try:
                self.chip.writeto(msg["a"], bytes.fromhex(msg["d"]))
            except OSError as e:
                self.errors.append({"t": "i2c", "msg": str(e)})
        elif kind == "rows":
            self.rows = msg["rows"]
        elif kind == "tx":
            port = self.ports[msg["ch"]]
            if port.on_receive:
                port.on_receive(bytes.fromhex(msg["d"]))
        elif kind == "state":
            self.state = msg["name"]
        elif kind == "ready":
            self._ready = True
        elif kind == "point":
            self.points.append(msg["name"])
        elif kind == "error":
            self.errors.append(msg)

    # -- talking to the terminal ---------------------------------------------------------
    def send(self, **message):
        if not self.running or self._conn is None:
            raise SimError("the terminal is off (boot first)\n" + self.tail())
        with self._send_lock:
            self._conn.sendall(json.dumps(message).encode() + b"\n")

    def device(self, coro):
        """Run one action of a device model (a swipe, a scan) to completion."""
        asyncio.run(coro)

    @property
    def frame(self):
        return self.chip.panel()

    def arm_cut(self, point, hit=1):
        self.armed = point
        self.send(c="cut", point=point, hit=hit)

    def wait_for(self, predicate, timeout_s):
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc is not None and self.proc.poll() is not None):
                    return predicate()
                self._cond.wait(min(left, 0.2))
            return True

    def screen_text(self):
        """The display as one line: rows stripped and joined by spaces, so a message wrapped
        over two rows still matches as a phrase."""
        return " ".join(r.strip() for r in self.rows if r.strip())

    def on_screen(self, text):
        return text in self.screen_text() or any(text in r for r in self.rows)

    def on_paper(self, text):
        return text in self.paper.text()

    def tail(self, n=25):
        with self._cond:
            return "\n".join(self.output[-n:])
