"""The MPay sandbox: a real SOAP 1.1 server on loopback that plays an IServiceProvider.

It implements the same contract as the kiosk's client (``contract/mpay.wsdl``), verifies every
request's WS-Security signature against the pinned kiosk certificate (demo ``terminal.crt`` by
default; a bad or missing signature gets an ``AuthenticationFailed`` fault), and signs every reply
(faults included) with its own demo certificate (``mpay.crt``). Demo services and orders, SIM- and
FAULT- keys: ``kiosk.mpay.sandbox_data``. Confirmations are durable (SQLite in ``state_dir``) and
idempotent by PaymentID (``sandbox_store``).

Fault injection (from tests, the demo's simulator panel or ``kiosk sandbox mpay``'s stdin):

* ``set_offline(True)``: refuse new connections and reset open ones ("cut the network").
* ``set_delay(s)``: every reply waits ``s`` seconds (``stop()`` interrupts the wait).
* ``set_bad_signatures(True)``: every reply's signature fails (body changed after signing).
* ``set_fault_rate(r, kinds=...)``: each request fails with probability ``r`` (seeded RNG).
* ``fail_next(kind, count=1)``: the next ``count`` requests fail with ``kind``.
* ``set_clock_offset(s)``: reply Timestamps (and due dates) as if the sandbox clock were off.
* ``set_canned_reply(service, key, body)``: serve ``body`` (a GetOrderDetailsResponse element,
  bytes) verbatim inside a signed envelope, e.g. the documented real reply.

Fault kinds: ``http500``, ``http503``, ``internal`` (SOAP InternalError), ``reset`` (no reply),
``lost_reply`` (the request IS processed, then the connection is reset: the kiosk must retry and
the sandbox must not apply it twice), ``badsig``, ``unsigned``, ``slow`` (waits ``slow_s``).

Threads: one accept loop plus one thread per connection (stdlib ``ThreadingHTTPServer``);
``stop()`` closes every connection and joins all of them.
"""

from __future__ import annotations

import logging
import random
import socket
import ssl
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

from lxml import etree

from kiosk.mpay.errors import MpayProtocolError, MpaySignatureError
from kiosk.mpay.sandbox_provider import DemoProvider, ProviderReply
from kiosk.mpay.sandbox_store import ConfirmationStore, SandboxConfirmation
from kiosk.mpay.sandbox_xml import BILLION_LAUGHS, envelope_bytes, fault_body, huge_reply
from kiosk.mpay.schema import TNS, contract_path
from kiosk.mpay.wssec import SOAP_NS, Signer, Verifier
from kiosk.mpay.xmlsafe import parse_untrusted

__all__ = ["MpaySandbox", "SandboxTls", "FAULT_KINDS", "demo_cert"]

log = logging.getLogger(__name__)

FAULT_KINDS = (
    "http500",
    "http503",
    "internal",
    "reset",
    "lost_reply",
    "badsig",
    "unsigned",
    "slow",
)
_DEFAULT_RATE_KINDS = ("internal", "http500", "reset", "lost_reply")
_KEY_FAULTS = {
    "FAULT-500": "http500",
    "FAULT-503": "http503",
    "FAULT-INTERNAL": "internal",
    "FAULT-INVALID": "invalid",
    "FAULT-UNKNOWNORDER": "unknownorder",
    "FAULT-AUTH": "auth",
    "FAULT-BADSIG": "badsig",
    "FAULT-UNSIGNED": "unsigned",
    "FAULT-GARBAGE": "garbage",
    "FAULT-DTD": "dtd",
    "FAULT-HUGE": "huge",
    "FAULT-RESET": "reset",
    "FAULT-SLOW": "slow",
}
_MAX_REQUEST = 1_000_000
_PATH = "/ServiceProvider"


def demo_cert(name: str) -> Path:
    """A demo certificate/key shipped in ``kiosk/mpay/demo_certs`` (demo only!)."""
    return Path(str(resources.files("kiosk.mpay.demo_certs").joinpath(name)))


@dataclass(frozen=True, slots=True)
class SandboxTls:
    """Serve HTTPS; with ``client_ca``, require a client certificate issued by it."""

    cert: Path
    key: Path
    client_ca: Path | None = None


@dataclass(slots=True)
class _Outcome:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml; charset=utf-8"
    sign: bool = True
    tamper: bool = False
    reset: bool = False
    delay: float = 0.0
    raw: bool = False  # body is the whole HTTP payload (no envelope)


@dataclass(slots=True)
class _Controls:
    offline: bool = False
    confirmations_down: bool = False  # ConfirmOrderPayment answers HTTP 503, lookups still work
    delay: float = 0.0
    bad_signatures: bool = False
    fault_rate: float = 0.0
    rate_kinds: tuple[str, ...] = _DEFAULT_RATE_KINDS
    clock_offset: timedelta = timedelta(0)
    forced: deque[str] = field(default_factory=deque)
    canned: dict[tuple[str, str], bytes] = field(default_factory=dict)


class MpaySandbox:
    """See the module docstring. ``start()`` binds and serves; ``url`` is the endpoint."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state_dir: Path | None = None,
        *,
        sign_cert: Path | None = None,
        sign_key: Path | None = None,
        client_cert: Path | None = None,
        verify_requests: bool = True,
        tls: SandboxTls | None = None,
        clock: Callable[[], datetime] | None = None,
        slow_s: float = 30.0,
        seed: int | None = None,
        clock_skew_s: int = 300,
    ) -> None:
        self._host, self._port = host, port
        self._signer = Signer(sign_cert or demo_cert("mpay.crt"), sign_key or demo_cert("mpay.key"))
        self._verifier = (
            Verifier(client_cert or demo_cert("terminal.crt"), clock_skew_s=clock_skew_s)
            if verify_requests
            else None
        )
        self._tls = tls
        self._base_clock = clock or (lambda: datetime.now(UTC))
        self._slow_s = slow_s
        self._rng = random.Random(seed)
        self._store = ConfirmationStore(state_dir)
        self._provider = DemoProvider(self._store)
        self._controls = _Controls()
        self._lock = threading.Lock()  # controls and stats
        self._stats: dict[str, int] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MpaySandbox:
        server = _Server((self._host, self._port), _Handler)
        server.sandbox = self
        if self._tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(self._tls.cert), str(self._tls.key))
            if self._tls.client_ca is not None:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(str(self._tls.client_ca))
            server.tls_context = ctx
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="mpay-sandbox"
        )
        self._thread.start()
        log.info("MPay sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving, close every connection, join every thread. Idempotent."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._store.close()

    def __enter__(self) -> MpaySandbox:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{host}:{port}{_PATH}"

    # ------------------------------------------------------------------ controls

    def set_offline(self, offline: bool) -> None:
        with self._lock:
            self._controls.offline = offline
        if offline and self._server is not None:
            self._server.close_connections(reset=True)

    def set_confirmations_down(self, down: bool) -> None:
        """A partial outage: look-ups work, every ConfirmOrderPayment gets HTTP 503."""
        with self._lock:
            self._controls.confirmations_down = down

    def set_delay(self, seconds: float) -> None:
        with self._lock:
            self._controls.delay = max(0.0, seconds)

    def set_bad_signatures(self, bad: bool) -> None:
        with self._lock:
            self._controls.bad_signatures = bad

    def set_fault_rate(self, rate: float, kinds: Iterable[str] | None = None) -> None:
        kinds_t = tuple(kinds) if kinds is not None else _DEFAULT_RATE_KINDS
        unknown = set(kinds_t) - set(FAULT_KINDS)
        if unknown or not 0.0 <= rate <= 1.0 or not kinds_t:
            raise ValueError(f"rate must be in [0, 1] and kinds among {FAULT_KINDS}")
        with self._lock:
            self._controls.fault_rate = rate
            self._controls.rate_kinds = kinds_t

    def fail_next(self, kind: str, count: int = 1) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        with self._lock:
            self._controls.forced.extend([kind] * count)

    def set_clock_offset(self, seconds: float) -> None:
        with self._lock:
            self._controls.clock_offset = timedelta(seconds=seconds)

    def set_canned_reply(self, service_id: str, order_key: str, body: bytes | None) -> None:
        with self._lock:
            if body is None:
                self._controls.canned.pop((service_id, order_key), None)
            else:
                self._controls.canned[(service_id, order_key)] = body

    def controls(self) -> dict[str, object]:
        """The current fault-injection settings (for a simulator panel)."""
        with self._lock:
            c = self._controls
            return {
                "offline": c.offline,
                "delay_s": c.delay,
                "bad_signatures": c.bad_signatures,
                "fault_rate": c.fault_rate,
                "fault_kinds": list(c.rate_kinds),
                "clock_offset_s": c.clock_offset.total_seconds(),
                "pending_forced_faults": len(c.forced),
            }

    def confirmations(self) -> list[SandboxConfirmation]:
        """Every accepted confirmation, once per PaymentID, oldest first."""
        return self._store.all()

    def stats(self) -> dict[str, int]:
        """Counters: requests, GetOrderDetails, ConfirmOrderPayment, repeats, conflicts,
        rejected_signatures, faults_injected."""
        with self._lock:
            return dict(self._stats)

    # ------------------------------------------------------------------ request handling

    def _now(self) -> datetime:
        return self._base_clock() + self._controls.clock_offset

    def _count(self, name: str) -> None:
        with self._lock:
            self._stats[name] = self._stats.get(name, 0) + 1

    def _pick_fault(self, order_key: str) -> str | None:
        with self._lock:
            if self._controls.forced:
                return self._controls.forced.popleft()
            by_key = _KEY_FAULTS.get(order_key.upper())
            if by_key is not None:
                return by_key
            if self._controls.fault_rate and self._rng.random() < self._controls.fault_rate:
                return self._rng.choice(self._controls.rate_kinds)
        return None

    def handle(self, data: bytes) -> _Outcome:
        """Turn one request body into an outcome (reply bytes unsigned yet, or a reset)."""
        self._count("requests")
        try:
            envelope = parse_untrusted(data, max_bytes=_MAX_REQUEST, what="request")
        except MpayProtocolError as exc:
            return _fault("InvalidParameter", f"malformed request: {exc}")
        if self._verifier is not None:
            try:
                self._verifier.verify(envelope, now=self._now())
            except MpaySignatureError as exc:
                self._count("rejected_signatures")
                return _fault("AuthenticationFailed", f"request signature rejected: {exc}")
        bodies = [c for c in envelope if c.tag == f"{{{SOAP_NS}}}Body"]
        payload = [c for c in bodies[0] if isinstance(c.tag, str)] if len(bodies) == 1 else []
        if len(payload) != 1 or etree.QName(payload[0]).namespace != TNS:
            return _fault("InvalidParameter", "expected one IServiceProvider operation in the Body")
        op = payload[0]
        name = etree.QName(op).localname
        holder = op.find(
            f"{{{TNS}}}query" if name == "GetOrderDetails" else f"{{{TNS}}}confirmation"
        )
        service_id = _child(holder, "ServiceID")
        order_key = _child(holder, "OrderKey")
        self._count(name)
        if name == "ConfirmOrderPayment" and self._controls.confirmations_down:
            self._count("faults_injected")
            down = _early_fault("http503")
            if down is not None:
                return down

        fault = self._pick_fault(order_key)
        if fault is not None:
            self._count("faults_injected")
            early = _early_fault(fault)
            if early is not None:
                return early
        if name == "GetOrderDetails":
            outcome = self._get_order_details(service_id, order_key, _child(holder, "Language"))
        elif name == "ConfirmOrderPayment":
            outcome = self._confirm(op)
        else:
            return _fault("InvalidParameter", f"unknown operation {name}")
        if fault == "lost_reply":
            outcome.reset = True
        elif fault == "badsig":
            outcome.tamper = True
        elif fault == "unsigned":
            outcome.sign = False
        elif fault == "slow":
            outcome.delay = self._slow_s
        return outcome

    def _get_order_details(self, service_id: str, order_key: str, language: str) -> _Outcome:
        with self._lock:
            canned = self._controls.canned.get((service_id, order_key))
        return _from(
            self._provider.get_order_details(
                service_id, order_key, language, now=self._now(), canned=canned
            )
        )

    def _confirm(self, op: etree._Element) -> _Outcome:
        reply = self._provider.confirm(op, now=self._now())
        if reply.event:
            self._count(reply.event)
        return _from(reply)

    def render(self, outcome: _Outcome) -> bytes:
        """The HTTP payload for an outcome: signed envelope (maybe tampered) or raw bytes."""
        if outcome.raw:
            return outcome.body
        data = envelope_bytes(outcome.body)
        with self._lock:
            tamper = outcome.tamper or self._controls.bad_signatures
        if not outcome.sign:
            return data
        envelope = etree.fromstring(data)
        envelope = self._signer.sign(envelope, now=self._now())
        signed = bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))
        if tamper:
            start = signed.index(b">", signed.index(b"<s:Body")) + 1
            signed = signed[:start] + b"\n" + signed[start:]
        return signed


def _child(holder: etree._Element | None, name: str) -> str:
    if holder is None:
        return ""
    el = holder.find(f"{{{TNS}}}{name}")
    return "" if el is None else (el.text or "").strip()


def _fault(code: str, message: str, *, prefixed: bool = False) -> _Outcome:
    return _Outcome(status=500, body=fault_body(code, message, prefixed=prefixed))


def _from(reply: ProviderReply) -> _Outcome:
    return _Outcome(status=500 if reply.fault else 200, body=reply.body)


def _early_fault(kind: str) -> _Outcome | None:
    """Faults that replace processing; None for the ones applied after it."""
    if kind == "http500":
        page = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
        return _Outcome(status=500, body=page, content_type="text/html", raw=True)
    if kind == "http503":
        return _Outcome(
            status=503, body=b"Service Unavailable", content_type="text/plain", raw=True
        )
    if kind == "internal":
        return _fault("InternalError", "Eroare internă (injectată de sandbox)")
    if kind == "invalid":
        return _fault("InvalidParameter", "Parametru invalid (injectat de sandbox)")
    if kind == "unknownorder":
        return _fault("UnknownOrder", "Comanda nu a fost găsită", prefixed=True)
    if kind == "auth":
        return _fault("AuthenticationFailed", "Autentificare eșuată (injectată de sandbox)")
    if kind == "garbage":
        return _Outcome(body=b"this is not XML at all", content_type="text/plain", raw=True)
    if kind == "dtd":
        return _Outcome(body=BILLION_LAUGHS, raw=True)
    if kind == "huge":
        return _Outcome(body=huge_reply(), raw=True)
    if kind == "reset":
        return _Outcome(reset=True)
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    sandbox: MpaySandbox
    tls_context: ssl.SSLContext | None = None

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if self.tls_context is not None:
            sock = self.tls_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, addr

    def verify_request(self, request: Any, client_address: Any) -> bool:  # noqa: ARG002
        if self.sandbox._controls.offline:
            _reset(request)
            return False
        return True

    def track(self, sock: socket.socket, on: bool) -> None:
        with self._conn_lock:
            if on:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def close_connections(self, *, reset: bool = False) -> None:
        with self._conn_lock:
            conns = list(self._connections)
        for sock in conns:
            if reset:
                _reset(sock, close=False)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        log.debug("sandbox connection from %s ended with an error", client_address, exc_info=True)


def _reset(sock: socket.socket, *, close: bool = True) -> None:
    """Make the next close send RST instead of FIN (a "network cut")."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if close:
            sock.close()
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else every keep-alive reply waits ~40 ms (stack.md 3)
    timeout = 30
    server: _Server
    server_version = "mpay-sandbox/0.1"

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("sandbox: " + format, *args)

    def do_GET(self) -> None:
        if self.path.endswith("?wsdl"):
            wsdl = contract_path("mpay.wsdl").read_bytes()
            url = self.server.sandbox.url.encode()
            self._send(200, wsdl.replace(b"https://localhost/ServiceProvider", url), "text/xml")
        elif self.path.endswith("mpay.xsd") or self.path.endswith("?xsd"):
            self._send(200, contract_path("mpay.xsd").read_bytes(), "text/xml")
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        sandbox = self.server.sandbox
        if sandbox._controls.offline:
            self._cut()
            return
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > _MAX_REQUEST:
            self._send(413 if length.isdigit() else 411, b"bad request length", "text/plain")
            self.close_connection = True
            return
        data = self.rfile.read(int(length))
        outcome = sandbox.handle(data)
        with sandbox._lock:
            delay = outcome.delay + sandbox._controls.delay
        if delay and sandbox._stopping.wait(delay):
            self._cut()
            return
        if outcome.reset or sandbox._controls.offline:
            self._cut()
            return
        self._send(outcome.status, sandbox.render(outcome), outcome.content_type)

    def _cut(self) -> None:
        _reset(self.connection, close=False)
        self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
