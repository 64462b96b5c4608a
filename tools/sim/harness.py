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
    "hotline": "400-800-1234",
    "poll_ms": 200,  # the review poll's backoff base: short, so scripts do not wait long
}


class SimError(Exception):
    pass


def firmware_command(runtime):
    """(argv, environment, working directory) that start the firmware on this runtime."""
    main = os.path.join(ROOT, "main.py")
    if runtime == "cpython":
        return [sys.executable, main], dict(os.environ), ROOT
    if runtime == "micropython":
        # As on a device: the tree compiled by mpy-cross, main.py run by name.
        from tests.runtimes import SIM_HEAP, micropython_cmd
        from tools.mpy_build import DEFAULT_OUT, build

        build()
        env = dict(os.environ, MICROPYPATH=".frozen:" + DEFAULT_OUT + ":" + DEFAULT_OUT + "/lib")
        # cwd too: MicroPython puts "" first on sys.path, and the tree's .py must not win.
        return (
            micropython_cmd(os.path.join(DEFAULT_OUT, "main.py"), heap=SIM_HEAP),
            env,
            DEFAULT_OUT,
        )
    raise SimError("unknown runtime %r (cpython or micropython)" % runtime)


def _break_app(files):
    # A version that cannot start: its firmware/app module raises at import.
    import subprocess

    from tools.mpy_build import mpy_cross

    source = b"raise ImportError('this update is broken on purpose')\n"
    for entry in files:
        if entry[0] == "firmware/app.py":
            entry[1] = source
        elif entry[0] == "firmware/app.mpy":
            with tempfile.TemporaryDirectory() as tmp:
                src, out = os.path.join(tmp, "app.py"), os.path.join(tmp, "app.mpy")
                with open(src, "wb") as f:
                    f.write(source)
                subprocess.run([mpy_cross(), "-s", "firmware/app.py", "-o", out, src], check=True)
                with open(out, "rb") as f:
                    entry[1] = f.read()


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
    def __init__(self, runtime="cpython", flash=None, config=None, on_change=None, host=None):
        self.runtime = runtime
        self.host = None  # the reference host process (tools/host), once started
        self.proxy = None  # tools/sim/proxy.py between terminal and host, once a host started
        self.code = None  # the last activation code the host issued
        if flash is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pos-flash-")
            flash = self._tmp.name
        self.flash = os.path.abspath(flash)
        # The backup media (a USB stick, an SD card): beside the flash, so that `wipe-flash`
        # leaves it, as a replacement terminal gets the old one's stick.
        if getattr(self, "_tmp", None):
            self._media_tmp = tempfile.TemporaryDirectory(prefix="pos-media-")
            self.media = self._media_tmp.name
        else:
            self.media = self.flash + "-media"
        os.makedirs(self.media, exist_ok=True)
        self.config = dict(DEFAULT_CONFIG, backup_dir=self.media)
        self.config.update(config or {})
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
        self.log = []  # ("point" | "state", name) in the order the firmware reported them
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

    def set_config(self, key, value):
        """Change one key of the flash's config.json; the firmware reads it at the next boot."""
        self._write_config()
        path = os.path.join(self.flash, "config.json")
        with open(path) as f:
            config = json.load(f)
        config[key] = self.config[key] = value
        with open(path, "w") as f:
            json.dump(config, f)

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
        port = server.getsockname()[1]
        cmd, env, cwd = firmware_command(self.runtime)
        cmd = cmd + ["--flash", self.flash, "--link", "127.0.0.1:%d" % port]
        if self.proxy:
            cmd += ["--host", self.proxy.address]
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,  # never written: a cut point blocks reading it
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._out_thread = threading.Thread(
            target=self._read_output, args=(self.proc,), daemon=True
        )
        self._out_thread.start()
        conn = None
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        server.settimeout(0.1)  # short waits: a firmware that stops during boot shows at once
        try:
            while conn is None and self.proc.poll() is None and time.monotonic() < deadline:
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    pass
        finally:
            server.close()
        if conn is None:
            exited = self.proc.poll() is not None
            self.kill()
            if exited:  # a broken update, say: no use waiting for the rest of the timeout
                raise SimError("firmware stopped before it connected:\n" + self.tail())
            raise SimError(
                "firmware did not connect within %d s:\n%s" % (BOOT_TIMEOUT_S, self.tail())
            )
        self._conn = conn
        threading.Thread(target=self._read_link, args=(conn,), daemon=True).start()
        if not self.wait_for(lambda: self._ready and any(self.rows), BOOT_TIMEOUT_S):
            self.kill()
            raise SimError("firmware did not show a screen after boot:\n" + self.tail())

    def boot_fails(self):
        """Boot, expecting the firmware to stop before it shows a screen (a broken update)."""
        try:
            self.boot()
        except SimError:
            return
        self.kill()
        raise SimError("the firmware booted and shows %r" % self.rows)

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

    # -- the reference host: a separate machine, so it outlives the terminal's power cuts --
    def start_host(self, mode="manual"):
        from tools.host.process import HostProcess
        from tools.sim.proxy import Proxy

        if self.host:
            raise SimError("the host is already running")
        if self.running and not self.proxy:
            raise SimError("start the host before `boot`: the terminal reads its address at boot")
        os.makedirs(self.flash, exist_ok=True)
        db = os.path.join(
            os.path.dirname(self.flash), os.path.basename(self.flash) + "-host.sqlite"
        )
        args = ["--auto-approve"] if mode == "auto" else []
        self.host = HostProcess(db, *args).__enter__()
        upstream = self.host.url.split("//", 1)[1]
        if self.proxy:  # a restarted host: the terminal keeps the proxy's address
            self.proxy.retarget(upstream)
            self.proxy.resume()
        else:
            self.proxy = Proxy(upstream)

    def stop_host(self):
        """Stop the host; the proxy stays, so the terminal finds nobody answering there."""
        if self.host:
            self.host.kill()
            self.host = None
        if self.proxy:
            self.proxy.pause()  # and nothing listens at its address: connections are refused

    def replay(self):
        if not self.proxy:
            raise SimError("no host: `host start` first")
        try:
            self.proxy.replay()
        except ValueError as e:
            raise SimError(str(e))

    def host_cli(self, *args):
        from tools.host.process import host_cli

        if not self.host:
            raise SimError("no host: `host start` first")
        return host_cli(self.host.db, *args)

    def issue_code(self, merchant, terminal, channel="cli"):
        """A new activation code for this terminal's serial, by hotline CLI or the web page."""
        serial = self.config["serial"]
        if channel == "cli":
            out = self.host_cli(
                "issue-code",
                "--merchant",
                merchant,
                "--serial",
                serial,
                "--terminal",
                terminal,
                "--json",
            )
            self.code = json.loads(out.stdout)["code"]
        else:
            from tools.host.client import http_post

            if not self.host:
                raise SimError("no host: `host start` first")
            form = {"merchant": merchant, "serial": serial, "terminal": terminal}
            status, _, body = http_post(self.host.url, "/", json.dumps(form).encode())
            if status != 200:
                raise SimError("web channel refused: %s %r" % (status, body))
            self.code = json.loads(body)["code"]
        return self.code

    def provision(self, merchant="100234", terminal="01", password="480219"):
        """This terminal as a technician leaves it: activated at the host through the real
        protocol (tools/host/process.enrol: code, signed activation, approval), its test sale
        done and the record on flash ACTIVE, with the technician password given. For scripts
        about selling, which should not spend a minute activating first."""
        import hashlib

        from tools.host.process import enrol

        if not self.host:
            raise SimError("no host: `host start` first")
        if self.running:
            raise SimError("provision before `boot`: the record is read at boot")
        t = enrol(self.host.url, self.host.db, merchant, self.config["serial"], terminal)
        salt = os.urandom(16)
        pw = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000).hex()
        rec = {"state": "ACTIVE", "merchant": merchant, "terminal": terminal,
               "pw": [1000, salt.hex(), pw], "secret": t.secret.hex(), "tid": t.tid,
               "ctr": t.ctr, "hctr": t.host_ctr}  # fmt: skip
        os.makedirs(os.path.join(self.flash, "store"), exist_ok=True)
        with open(os.path.join(self.flash, "store", "activation.json"), "w") as f:
            json.dump(rec, f)
        self._write_config()
        return rec

    def host_rows(self, table):
        """How many rows of the host's `table` (sales, auths, refunds, voids, settlements,
        diag_reports) belong to this terminal: what reached the back office."""
        import sqlite3

        where = ""
        if table == "reversed":  # authorisations undone: reversed, or blocked before arriving
            table, where = "auths", " AND reversed_at IS NOT NULL"
        tables = ("sales", "auths", "refunds", "voids", "settlements", "diag_reports")
        if not self.host or table not in tables:
            raise SimError("no host, or no table %r" % table)
        with sqlite3.connect(self.host.db) as c:
            q = "SELECT COUNT(*) FROM %s WHERE tid IN (SELECT id FROM terminals WHERE serial = ?)"
            return c.execute(q % table + where, (self.config["serial"],)).fetchone()[0]

    def wipe_flash(self):
        """Everything on the flash but config.json deleted: a replacement terminal, as it comes
        out of the box with its board config deployed."""
        import shutil

        if self.running:
            raise SimError("the terminal is on (power-cut first)")
        for name in os.listdir(self.flash):
            path = os.path.join(self.flash, name)
            if name == "config.json":
                continue
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)

    def corrupt_file(self, pattern, offset):
        """Flip every bit of the byte at `offset` of a file: `pattern` is a path on the flash,
        or under media/ on the backup media; a glob takes its last match in name order (the
        newest backup). Returns the path."""
        import glob

        root = self.flash
        if pattern.startswith("media/"):
            root, pattern = self.media, pattern[6:]
        found = sorted(glob.glob(os.path.join(root, pattern)))
        if not found:
            raise SimError("no file matches %s" % pattern)
        path = found[-1]
        with open(path, "r+b") as f:
            f.seek(offset)
            byte = f.read(1)
            if not byte:
                raise SimError("%s has no byte %d" % (path, offset))
            f.seek(offset)
            f.write(bytes([byte[0] ^ 0xFF]))
        return path

    def update_package(self, where, version, kind=None):
        """A signed update package of this firmware (tools/update, the development key) as the
        runtime under test runs it (.mpy or .py), on the media (config update_dir: the only
        package there) or published at the host. kind: "bad-signature" (a signature byte
        flipped) or "broken" (firmware/app fails at import, so the version never starts)."""
        import glob
        import shutil

        from tools.update.package import build_package

        fmt = "mpy" if self.runtime == "micropython" else "py"
        media = getattr(self, "media", self.flash + "-media")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, version + ".pkg")
            change = _break_app if kind == "broken" else None
            doc = build_package(version, out, board=self.config.get("board", "sim"), fmt=fmt,
                                change=change)  # fmt: skip
            if kind == "bad-signature":
                with open(out, "r+b") as f:
                    f.seek(14 + int.from_bytes(f.read(14)[8:12], "big") + 100)
                    byte = f.read(1)
                    f.seek(-1, 1)
                    f.write(bytes([byte[0] ^ 0x01]))
            if where == "host":
                self.host_cli("publish-update", out, *(["--force"] if kind else []))
                return doc
            os.makedirs(media, exist_ok=True)
            for old in glob.glob(os.path.join(media, "*.pkg")):
                os.remove(old)  # one package on the media at a time
            shutil.copyfile(out, os.path.join(media, "pos-%s.pkg" % version))
        self.set_config("update_dir", media)
        return doc

    def add_item(self, code, name, amount):
        """One line of the item file on flash (<flash>/items.csv, kept sorted by code)."""
        path = os.path.join(self.flash, "items.csv")
        os.makedirs(self.flash, exist_ok=True)
        lines = {}
        if os.path.exists(path):
            with open(path) as f:
                lines = dict(ln.split(",", 1) for ln in f.read().splitlines() if ln)
        lines[code] = "%s,%d" % (name, amount)
        with open(path, "w") as f:
            f.write("".join("%s,%s\n" % (k, lines[k]) for k in sorted(lines)))

    def terminal_id(self):
        rows = json.loads(self.host_cli("review", "--all", "--json").stdout)
        mine = [r for r in rows if r.get("serial") == self.config["serial"]]
        if not mine:
            raise SimError("the host has no terminal with serial %s" % self.config["serial"])
        return str(mine[-1]["id"])

    def close(self):
        self.kill()
        self.stop_host()
        if self.proxy:
            self.proxy.close()
            self.proxy = None
        for tmp in (getattr(self, "_tmp", None), getattr(self, "_media_tmp", None)):
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
            self.log.append(("state", msg["name"]))
        elif kind == "ready":
            self._ready = True
        elif kind == "point":
            self.points.append(msg["name"])
            self.log.append(("point", msg["name"]))
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
        if text in self.screen_text() or any(text in r for r in self.rows):
            return True
        # Chinese wraps between any two chars, with no space to drop: its phrases also match
        # the rows run together, wherever the firmware broke them.
        return not text.isascii() and text in "".join(r.strip() for r in self.rows)

    def on_paper(self, text):
        return text in self.paper.text()

    def tail(self, n=25):
        with self._cond:
            return "\n".join(self.output[-n:])
