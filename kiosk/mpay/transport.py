"""HTTP(S) POST of SOAP bytes over one kept-alive connection, with every failure mapped once.

We use ``http.client`` with our own ``ssl.SSLContext`` rather than requests: the context is the
only trust (``tls_ca`` or the system store; never certifi, never ``REQUESTS_CA_BUNDLE`` or proxy
variables from the environment, specs/stack.md 3e), the client certificate always goes with it,
and the bytes sent are exactly the bytes we archive.

* The whole exchange has one deadline (``timeout_s``): connect, send and every read get only the
  time left, so a server that drips bytes cannot hold the kiosk.
* The reply is read up to ``max_bytes``; one byte more and the connection is dropped.
* A kept-alive connection the server closed while idle is retried once on a fresh connection
  (both MPay operations are idempotent; a fresh connection is never retried).

Errors: ``MpayTimeout``, ``MpayConnectionError`` (refused, reset, DNS, TLS), ``MpayProtocolError``
(garbage status line, oversize reply), ``MpayConfigError`` (bad URL or TLS files).
Not thread-safe: one ``HttpTransport`` belongs to one caller at a time (``MpayClient`` locks).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.mpay.errors import (
    MpayConfigError,
    MpayConnectionError,
    MpayError,
    MpayProtocolError,
    MpayTimeout,
)

__all__ = ["HttpReply", "HttpTransport", "make_ssl_context"]

_CHUNK = 65536
_USER_AGENT = "mpay-kiosk/0.1"


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    content_type: str
    content: bytes


def make_ssl_context(
    *, ca: Path | None, client_cert: Path | None, client_key: Path | None
) -> ssl.SSLContext:
    """TLS client context: server verified against ``ca`` (or the system store), optional mTLS."""
    try:
        ctx = ssl.create_default_context(cafile=str(ca) if ca else None)
        if client_cert is not None:
            ctx.load_cert_chain(str(client_cert), str(client_key) if client_key else None)
    except (OSError, ssl.SSLError) as exc:
        raise MpayConfigError(f"cannot set up TLS (ca={ca}, cert={client_cert}): {exc}") from exc
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class HttpTransport:
    def __init__(self, endpoint: str, *, ssl_context: ssl.SSLContext | None) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MpayConfigError(f"the endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._ctx = ssl_context if self._https else None
        if self._https and self._ctx is None:
            self._ctx = make_ssl_context(ca=None, client_cert=None, client_key=None)
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def post(self, body: bytes, *, soap_action: str, timeout_s: float, max_bytes: int) -> HttpReply:
        """POST ``body``; the reply (any HTTP status) or an ``MpayError``. After an error the
        connection is dropped, so the next call starts clean."""
        deadline = time.monotonic() + timeout_s
        try:
            return self._post(body, soap_action, deadline, max_bytes)
        except MpayError:
            self.close()
            raise

    def _post(self, body: bytes, soap_action: str, deadline: float, max_bytes: int) -> HttpReply:
        reused = self._conn is not None
        try:
            return self._exchange(body, soap_action, deadline, max_bytes)
        except _StaleConnection as exc:
            self.close()
            if not reused:
                raise MpayConnectionError(f"{self.endpoint}: {exc.__cause__}") from exc.__cause__
        try:
            return self._exchange(body, soap_action, deadline, max_bytes)
        except _StaleConnection as again:
            raise MpayConnectionError(f"{self.endpoint}: {again.__cause__}") from again.__cause__

    def _connect(self, deadline: float) -> http.client.HTTPConnection:
        if self._conn is None:
            timeout = _left(deadline)
            conn: http.client.HTTPConnection
            if self._https:
                conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=timeout, context=self._ctx
                )
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
            conn.connect()
            if conn.sock is not None:
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conn = conn
        return self._conn

    def _exchange(
        self, body: bytes, soap_action: str, deadline: float, max_bytes: int
    ) -> HttpReply:
        try:
            conn = self._connect(deadline)
            sock = conn.sock
            if sock is not None:
                sock.settimeout(_left(deadline))
            try:
                conn.request(
                    "POST",
                    self._path,
                    body=body,
                    headers={
                        "Content-Type": "text/xml; charset=utf-8",
                        "SOAPAction": f'"{soap_action}"',
                        "User-Agent": _USER_AGENT,
                        "Accept": "text/xml",
                    },
                )
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                raise _StaleConnection() from exc
            length = response.getheader("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise MpayProtocolError(
                    f"the reply announces {length} bytes, over the limit of {max_bytes}"
                )
            chunks: list[bytes] = []
            size = 0
            while not response.isclosed():  # closed = body complete (and socket maybe gone)
                if sock is not None:
                    sock.settimeout(_left(deadline))
                chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise MpayProtocolError(f"the reply is over the limit of {max_bytes} bytes")
            if response.will_close:
                self.close()
            return HttpReply(
                status=response.status,
                content_type=response.getheader("Content-Type", ""),
                content=b"".join(chunks),
            )
        except _StaleConnection:
            raise
        except TimeoutError as exc:
            raise MpayTimeout(f"{self.endpoint}: no complete reply within the timeout") from exc
        except ssl.SSLCertVerificationError as exc:
            raise MpayConnectionError(
                f"{self.endpoint}: the server's TLS certificate is not trusted "
                f"({exc.verify_message})"
            ) from exc
        except http.client.IncompleteRead as exc:
            raise MpayConnectionError(f"{self.endpoint}: the reply was cut short") from exc
        except (http.client.RemoteDisconnected, ConnectionError) as exc:
            raise MpayConnectionError(f"{self.endpoint}: {exc}") from exc
        except http.client.HTTPException as exc:
            raise MpayProtocolError(f"{self.endpoint}: not an HTTP reply ({exc!r})") from exc
        except OSError as exc:  # refused, unreachable, DNS, TLS handshake
            raise MpayConnectionError(f"{self.endpoint}: {exc}") from exc


class _StaleConnection(Exception):
    """The server closed a connection before answering (a kept-alive one may simply be idle)."""


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left
