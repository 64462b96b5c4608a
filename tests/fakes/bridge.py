"""A MicroPython "board" on a TCP port, for mpremote's socket:// transport: each connection
gets a fresh `micropython -i` on a pty in raw mode (as a board's USB serial would give), run
in `root` — the board's filesystem. Loopback only; bounded in connections and in time."""

import os
import select
import socket
import subprocess
import threading
import tty

from tests.fakes.mp import FAKES_OUT, build_fakes
from tests.runtimes import micropython_cmd

MAX_CONNECTIONS = 40
SESSION_S = 60  # one mpremote run; a longer one is cut off


class DeviceBridge:
    def __init__(self, root, heap="256k"):
        build_fakes()  # machine.reset() for `mpremote reset`: ends the process
        self.root = root
        self.heap = heap
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = "socket://127.0.0.1:%d" % self._server.getsockname()[1]
        self._stop = threading.Event()
        self._threads = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set() and self.connections < MAX_CONNECTIONS:
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            # Replies are a few bytes each: without this, Nagle's algorithm and the client's
            # delayed ACKs hold every one back ~40 ms.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn):
        master, slave = os.openpty()
        tty.setraw(slave)
        env = dict(os.environ, MICROPYPATH=".frozen:" + FAKES_OUT)
        proc = subprocess.Popen(
            micropython_cmd("-i", heap=self.heap),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=self.root,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        deadline = threading.Event()
        timer = threading.Timer(SESSION_S, deadline.set)
        timer.start()
        try:
            while not deadline.is_set() and not self._stop.is_set():
                ready, _, _ = select.select([conn, master], [], [], 0.1)
                if conn in ready:
                    data = conn.recv(4096)
                    if not data:
                        break
                    os.write(master, data)
                if master in ready:
                    try:
                        data = os.read(master, 4096)
                    except OSError:  # the process ended (machine.reset())
                        break
                    if not data:
                        break
                    conn.sendall(data)
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            os.close(master)
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self._server.close()
        for t in self._threads:
            t.join(5)
