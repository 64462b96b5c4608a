"""A loopback TCP proxy the harness puts between the terminal and the reference host, so a
script can play the network's tricks: `host replay` makes it answer the terminal's next
request with the last reply it relayed, unchanged, without passing the request on — a
recorded host message played back, which the terminal must refuse."""

import socket
import threading


def _read_request(conn):
    """One HTTP request (headers, then Content-Length bytes), or b"" if the peer hung up."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class Proxy:
    def __init__(self, upstream):
        self.retarget(upstream)
        self.last_reply = None
        self.replay_next = False
        self.replayed = 0  # replies played back so far
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self._server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def retarget(self, upstream):
        """Relay to the host at "HOST:PORT" from now on."""
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))

    def replay(self):
        """Answer the next request with the last reply relayed."""
        with self._lock:
            if self.last_reply is None:
                raise ValueError("nothing to replay yet: no reply has gone through the proxy")
            self.replay_next = True

    def close(self):
        self._server.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn):
        with conn:
            try:
                request = _read_request(conn)
                with self._lock:
                    replay = self.replay_next and self.last_reply is not None
                    if replay:
                        self.replay_next = False
                        self.replayed += 1
                        reply = self.last_reply
                if not replay:
                    with socket.create_connection(self.upstream, timeout=10) as up:
                        up.sendall(request)
                        chunks = []
                        while True:
                            chunk = up.recv(65536)
                            if not chunk:
                                break
                            chunks.append(chunk)
                    reply = b"".join(chunks)
                    with self._lock:
                        if reply:
                            self.last_reply = reply
                conn.sendall(reply)
            except OSError:
                pass  # the host is down or the terminal hung up: close, as a dead link does
