# Starts the host as a real process for tests and the simulator: free loopback port, its own
# SQLite file, bounded wait for readiness, and always killed on the way out.
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READY = re.compile(r"host listening on (http://\S+/)")


def host_cli(db, *args, check=True, timeout=30):
    """Run `python -m tools.host ARGS --db DB` → CompletedProcess (text)."""
    cmd = [sys.executable, "-m", "tools.host", args[0], "--db", db] + [str(a) for a in args[1:]]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (cmd, proc.returncode, proc.stderr))
    return proc


class HostProcess:
    """`with HostProcess(db, "--auto-approve") as host:` → host.url, host.log(), host.stop()."""

    def __init__(self, db, *serve_args, ready_timeout=15.0):
        self.db = db
        self.args = [str(a) for a in serve_args]
        self.ready_timeout = ready_timeout
        self.proc = None
        self.url = None
        self.log_path = db + ".log"

    def __enter__(self):
        cmd = [sys.executable, "-m", "tools.host", "serve", "--db", self.db, "--port", "0"]
        # A file, not a pipe: nobody has to drain it for the server to keep running.
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                cmd + self.args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self._wait_ready()
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            found = READY.search(self.log())
            if found:
                self.url = found.group(1).rstrip("/")
                return
            if self.proc.poll() is not None:
                raise RuntimeError("host exited with %d: %s" % (self.proc.returncode, self.log()))
            time.sleep(0.02)
        raise TimeoutError("host not ready after %.0f s: %s" % (self.ready_timeout, self.log()))

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Ask the host to stop; return its exit code (killing it if it does not stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def __exit__(self, *exc):
        self.kill()
        return False


def enrol(url, db, merchant, serial, terminal, approve=True):
    """An activated (and by default approved) client Terminal, set up through the real host."""
    from tools.host.client import Terminal
    from tools.host.db import connect
    from tools.host.service import Host

    conn = connect(db)
    try:
        host = Host(conn)
        code = host.issue_code(merchant, serial, terminal, "cli")["code"]
        t = Terminal(url, merchant, serial, terminal)
        answer = t.activate(code)
        if answer.http != 200:
            raise RuntimeError("activation failed: %r" % (answer,))
        if approve and answer.body["status"] == "pending":
            host.approve(t.tid)
    finally:
        conn.close()
    return t
