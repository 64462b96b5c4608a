"""A loopback TCP proxy the harness puts between the terminal and the reference host, so a
script can play the network's tricks: `host replay` makes it answer the terminal's next
request with the last reply it relayed, unchanged, without passing the request on — a
recorded host message played back, which the terminal must refuse. `host drop-reply [N]`
passes the next N requests on to the host and hangs up on the terminal without its reply: the
host acted, the terminal never heard (a reply lost after the host committed)."""

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
        self.drop = 0  # replies still to swallow after the host answered
        self.dropped = 0
        self._lock = threading.Lock()
        self._server = None
        self.address = None
        self.resume()

    def resume(self):
        """Listen (again, on the same port): the host's machine answers connections."""
        port = int(self.address.rsplit(":", 1)[1]) if self.address else 0
        self._server = socket.create_server(("127.0.0.1", port))
        self.address = "127.0.0.1:%d" % self._server.getsockname()[1]
        threading.Thread(target=self._serve, args=(self._server,), daemon=True).start()

    def pause(self):
        """Stop listening: connections are refused, as when nothing serves at the host's
        address (the terminal can tell that nothing was sent)."""
        if self._server is not None:
            try:  # wakes the accept() blocked in _serve (close alone would leave it listening)
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
            self._server = None

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

    def drop_replies(self, n=1):
        """Swallow the host's replies to the next `n` requests."""
        with self._lock:
            self.drop = n

    def close(self):
        self.pause()

    def _serve(self, server):
        while True:
            try:
                conn, _ = server.accept()
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
                        if self.drop:
                            self.drop -= 1
                            self.dropped += 1
                            return  # hang up: the host committed, the reply is lost
                conn.sendall(reply)
            except OSError:
                pass  # the host is down or the terminal hung up: close, as a dead link does
