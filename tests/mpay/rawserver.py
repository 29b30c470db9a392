"""A tiny loopback HTTP server that answers every request with bytes chosen by the test.

For replies the sandbox would never produce: truncated XML, no Content-Length, wrapped
signatures, a bare Fault without signature, hand-made envelopes.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from types import TracebackType

Responder = Callable[[bytes], bytes]


def http_response(
    body: bytes,
    *,
    status: str = "200 OK",
    length: bool = True,
    content_type: str = "text/xml; charset=utf-8",
) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nConnection: close\r\n"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        length = 0
        while True:
            line = self.rfile.readline(65536)
            if line in (b"\r\n", b"\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        request = self.rfile.read(length)
        self.server.requests.append(request)
        try:
            self.wfile.write(self.server.responder(request))
            self.wfile.flush()
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = True
    allow_reuse_address = True
    responder: Responder
    requests: list[bytes]


class RawServer:
    def __init__(self, responder: Responder) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.responder = responder
        self._server.requests = []
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="raw-http"
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/ServiceProvider"

    @property
    def requests(self) -> list[bytes]:
        return self._server.requests

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port with nothing listening (bound then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port
