"""Webhook receivers that misbehave, over real sockets: one that drips its answer, one that redirects."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class DrippingReceiver:
    """Answers every request one byte every ``interval`` seconds (never finishing) until ``recover()``; then it
    answers 204 at once and keeps the JSON bodies it received."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.recovered = threading.Event()
        self.closed = threading.Event()
        self.bodies: list[dict] = []
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/hook"

    def recover(self) -> None:
        self.recovered.set()

    def close(self) -> None:
        self.closed.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            self.requests += 1
            request = _read_request(conn)
            if self.recovered.is_set():
                self.bodies.append(json.loads(request.split(b"\r\n\r\n", 1)[1] or b"null"))
                conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 10_000:
                if self.closed.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return  # the client gave up
                time.sleep(self.interval)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class RecordingServer:
    """Answers ``status`` (with ``Location`` when given) to any method, recording (method, path, body)."""

    def __init__(self, status: int = 204, location: str | None = None) -> None:
        self.calls: list[tuple[str, str, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.calls.append((self.command, self.path, self.rfile.read(length)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _answer  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
