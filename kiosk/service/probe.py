"""Which serial port holds which device: safe identification probes, one protocol at a time.

Theory of operation
-------------------
Each candidate port is opened exclusively (a port the running kiosk holds fails to open and is
reported ``busy``, never disturbed), then asked in this order, stopping at the first protocol
that answers:

1. ``escpos``: ``DLE EOT 1..4`` real-time status requests. First, because a printer prints
   whatever else it receives; a status request is the only thing it never prints.
2. ``cctalk``: SIMPLE POLL to the coin acceptor's address, then the identification requests
   (manufacturer, category, product code, software revision, serial number).
3. ``ccnet``: IDENTIFICATION to the bill validator (address 3). A validator that is enabled
   answers ILLEGAL COMMAND: still a CCNET device. Never POLL: a POLL reply carries events,
   and ACKing one would take a "bill stacked" away from the running driver.
4. ``zvt``: Status Enquiry (``05 01``), which needs no registration and moves no money.

Nothing here enables acceptance, stacks, resets or starts a payment. Every request is one of
the read-only identification or status commands of its protocol, with short timeouts, built
by the drivers' own codecs. Between protocols the port is closed and left quiet for ``gap``
seconds so a device drops any partial frame (ccTalk's inter-byte timeout is 50 ms).

A ccTalk line hears its own bytes (local echo). The ccTalk protocol strips that itself; for the
other protocols ``_EchoFilter`` holds back bytes that repeat what was just written and drops
them once the whole echo has come, so an echoing line is never mistaken for an answer.

Ports are probed in parallel, one thread each; ``probe_ports`` returns when all are done.
"""

from __future__ import annotations

import glob
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.errors import LinkError
from drivers.link import Link, SerialLink
from kiosk.service.portconfig import PortChange, PortConfigError, save_port_assignment

__all__ = [
    "PROTOCOLS",
    "PROBE_ORDER",
    "DEFAULT_BAUDS",
    "Finding",
    "ProbeSettings",
    "probe_settings_from_config",
    "default_candidates",
    "port_busy",
    "probe_ports",
    "probe_port",
    "save_port_assignment",
    "PortChange",
    "PortConfigError",
]

log = logging.getLogger(__name__)

PROTOCOLS = ("ccnet", "cctalk", "zvt", "escpos")
PROBE_ORDER = ("escpos", "cctalk", "ccnet", "zvt")
DEFAULT_BAUDS: Mapping[str, int] = {"ccnet": 9600, "cctalk": 9600, "zvt": 9600, "escpos": 19200}
_EXCHANGE_LIMIT = 5.0  # s: no single request may take longer, whatever the line does

LinkFactory = Callable[[str, int, str], Link]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """What one port turned out to be.

    ``protocol`` is None when nothing answered (or the port could not be opened: ``error``
    says why; ``busy`` is true when another process holds it, e.g. the running kiosk)."""

    port: str
    protocol: str | None
    identity: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    busy: bool = False
    tried: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "protocol": self.protocol,
            "identity": dict(self.identity),
            "error": self.error,
            "busy": self.busy,
            "tried": list(self.tried),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeSettings:
    """Addresses, password and speeds to probe with (``probe_settings_from_config``)."""

    reply_timeout: float = 0.25
    gap: float = 0.06
    ccnet_address: int = 3
    cctalk_address: int = 2
    zvt_password: str = "000000"
    bauds: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_BAUDS))


def probe_settings_from_config(config: Any) -> ProbeSettings:
    """Settings from a ``kiosk.config.Config``: configured addresses, password and bauds."""
    bauds = dict(DEFAULT_BAUDS)
    devices = config.devices
    kw: dict[str, Any] = {}
    if devices.bill_validator is not None:
        bauds["ccnet"] = devices.bill_validator.baud
        if devices.bill_validator.address is not None:
            kw["ccnet_address"] = devices.bill_validator.address
    if devices.coin_acceptor is not None:
        bauds["cctalk"] = devices.coin_acceptor.baud
        if devices.coin_acceptor.address is not None:
            kw["cctalk_address"] = devices.coin_acceptor.address
    if devices.card_terminal is not None:
        bauds["zvt"] = devices.card_terminal.baud
        if devices.card_terminal.password:
            kw["zvt_password"] = devices.card_terminal.password
    if config.printer.connection == "serial":
        bauds["escpos"] = config.printer.baud
    return ProbeSettings(bauds=bauds, **kw)


def default_candidates(dev: Path = Path("/dev")) -> list[str]:
    """``/dev/ttyUSB*``, ``/dev/ttyACM*`` and ``/dev/ttyS0``-``3`` that exist, in natural order."""
    found: list[str] = []
    for pattern in ("ttyUSB*", "ttyACM*"):
        found += sorted(glob.glob(str(dev / pattern)), key=_natural)
    found += [str(dev / f"ttyS{n}") for n in range(4) if (dev / f"ttyS{n}").exists()]
    return found


def _natural(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def port_busy(message: str) -> bool:
    """Whether an open error means another process holds the port (pyserial's exclusive lock,
    or EBUSY), as opposed to a missing port or a permission problem."""
    return "exclusively lock" in message or "Device or resource busy" in message


def _serial_link(port: str, baud: int, protocol: str) -> Link:
    # ZVT on RS-232 is 8N2 (ZVT-T 2); the others 8N1.
    return SerialLink(port, baud, stopbits=2 if protocol == "zvt" else 1)


def probe_ports(
    candidate_ports: Iterable[str],
    protocols: Sequence[str] = PROTOCOLS,
    *,
    settings: ProbeSettings | None = None,
    link_factory: LinkFactory = _serial_link,
) -> list[Finding]:
    """Probe every port (in parallel) for the given protocols; one ``Finding`` per port, in
    the order given. Raises ValueError for an unknown protocol name."""
    ports = list(dict.fromkeys(candidate_ports))
    unknown = [p for p in protocols if p not in PROTOCOLS]
    if unknown:
        raise ValueError(f"unknown protocol(s) {', '.join(unknown)} (known: {', '.join(PROTOCOLS)})")
    settings = settings or ProbeSettings()
    if not ports:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(ports)), thread_name_prefix="port-probe") as pool:
        futures = [pool.submit(probe_port, p, protocols, settings, link_factory) for p in ports]
        return [f.result() for f in futures]


def probe_port(
    port: str,
    protocols: Sequence[str] = PROTOCOLS,
    settings: ProbeSettings | None = None,
    link_factory: LinkFactory = _serial_link,
) -> Finding:
    """Probe one port, in ``PROBE_ORDER``, until a protocol answers (see the module docstring)."""
    settings = settings or ProbeSettings()
    wanted = [p for p in PROBE_ORDER if p in protocols]
    tried: list[str] = []
    for protocol in wanted:
        if tried:
            time.sleep(settings.gap)
        try:
            link = link_factory(port, settings.bauds.get(protocol, 9600), protocol)
        except (LinkError, OSError) as exc:
            text = str(exc)
            return Finding(port=port, protocol=None, error=text, busy=port_busy(text),
                           tried=tuple(tried))
        tried.append(protocol)
        try:
            identity = _PROBES[protocol](link, settings)
        except LinkError as exc:
            return Finding(port=port, protocol=None, error=str(exc), tried=tuple(tried))
        finally:
            link.close()
        if identity is not None:
            log.info("port probe: %s answers %s %s", port, protocol, identity)
            return Finding(port=port, protocol=protocol, identity=identity, tried=tuple(tried))
    return Finding(port=port, protocol=None, tried=tuple(tried))


# --------------------------------------------------------------------------- the line


class _EchoFilter:
    """A link that removes the echo of what was just written (see the module docstring).

    Bytes that match the expected echo so far are held back; a mismatch releases them as
    data (no echo on this line: a reply may well start like our request, as CCNET's do).
    Held bytes are released too when the line goes quiet."""

    def __init__(self, inner: Link) -> None:
        self.inner = inner
        self._expect = b""  # what we wrote last, as far as its echo has not come back
        self._held = b""  # bytes read so far that match the start of ``_expect``
        self._pending = b""  # filtered bytes not yet handed out

    def write(self, data: bytes) -> None:
        self._release_held()
        self._expect = bytes(data)
        self.inner.write(data)

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        if not self._pending:
            data = self.inner.read_some(max_bytes, timeout)
            if data:
                self._pending = self._filter(data)
            else:
                self._release_held()
        out, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
        return out

    def _filter(self, data: bytes) -> bytes:
        for i, byte in enumerate(data):
            if not self._expect:
                return data[i:]
            if byte == self._expect[len(self._held)]:
                self._held += bytes((byte,))
                if len(self._held) == len(self._expect):
                    self._expect = self._held = b""  # the whole echo came back: drop it
                continue
            held = self._held
            self._expect = self._held = b""  # not an echo: what was held is data
            return held + data[i:]
        return b""

    def _release_held(self) -> None:
        self._pending += self._held
        self._expect = self._held = b""

    def reset_input(self) -> None:
        self._expect = self._held = self._pending = b""
        self.inner.reset_input()

    def close(self) -> None:
        self.inner.close()


def _pump(
    link: Link,
    send: Callable[[float], bytes],
    receive: Callable[[bytes], None],
    event: Callable[[float], Any],
    wakeup: Callable[[], float | None],
) -> Any:
    """Drive one sans-I/O exchange until it yields an event (or the safety limit passes)."""
    limit = time.monotonic() + _EXCHANGE_LIMIT
    while True:
        now = time.monotonic()
        out = send(now)
        if out:
            link.write(out)
        result = event(now)
        if result is not None:
            return result
        if now > limit:
            return None
        wake = wakeup()
        wait = 0.02 if wake is None else max(0.0, min(wake - now, 0.05))
        chunk = link.read_some(512, wait)
        if chunk:
            receive(chunk)


# --------------------------------------------------------------------------- the probes


def _probe_escpos(link: Link, settings: ProbeSettings) -> dict[str, str] | None:
    from drivers.escpos.status import PrinterState
    from kiosk.receipts.printer import Printer

    status = Printer(link, reply_timeout=settings.reply_timeout).status()
    if status.state is PrinterState.NOT_ANSWERING:
        return None
    return {"protocol": "escpos", "state": status.state.value}


def _probe_cctalk(link: Link, settings: ProbeSettings) -> dict[str, str] | None:
    from drivers.cctalk.messages import Header, parse_serial, parse_text
    from drivers.cctalk.protocol import Answered, HostProtocol

    proto = HostProtocol(address=settings.cctalk_address, retries=1)

    def ask(header: int) -> Answered | None:
        proto.send(header, now=time.monotonic(), timeout=settings.reply_timeout)
        answer = _pump(link, proto.data_to_send, proto.receive_data, proto.next_event,
                       proto.wakeup_time)
        return answer if isinstance(answer, Answered) else None

    first = ask(Header.SIMPLE_POLL)
    if first is None:
        return None
    identity = {"protocol": "cctalk", "address": str(settings.cctalk_address)}
    if first.nak:
        identity["note"] = "SIMPLE POLL answered with NAK"
        return identity
    proto.retries = 0
    for key, header in (
        ("manufacturer", Header.REQUEST_MANUFACTURER_ID),
        ("category", Header.REQUEST_EQUIPMENT_CATEGORY),
        ("part", Header.REQUEST_PRODUCT_CODE),
        ("firmware", Header.REQUEST_SOFTWARE_REVISION),
    ):
        answer = ask(header)
        if answer is not None and answer.ack:
            identity[key] = parse_text(answer.reply.data)
    answer = ask(Header.REQUEST_SERIAL_NUMBER)
    number = parse_serial(answer.reply.data) if answer is not None and answer.ack else None
    if number is not None:
        identity["serial"] = str(number)
    return identity


def _probe_ccnet(link: Link, settings: ProbeSettings) -> dict[str, str] | None:
    from drivers.ccnet.messages import Command, Identification, IllegalCommand, Nak, UnknownReply
    from drivers.ccnet.protocol import Answered, HostProtocol

    line = _EchoFilter(link)
    proto = HostProtocol(address=settings.ccnet_address, retries=1)
    proto.send_command(Command.IDENTIFICATION, now=time.monotonic(), timeout=settings.reply_timeout)
    answer = _pump(line, proto.data_to_send, proto.receive_data, proto.next_event,
                   proto.wakeup_time)
    if not isinstance(answer, Answered):
        return None
    identity = {"protocol": "ccnet", "address": str(settings.ccnet_address)}
    reply = answer.reply
    if answer.needs_confirm:
        if isinstance(reply, UnknownReply) and reply.raw == bytes((Command.IDENTIFICATION,)):
            proto.withhold(time.monotonic())  # our own frame, echoed back: no validator
            return None
        proto.confirm(time.monotonic())
        out = proto.data_to_send(time.monotonic())
        if out:
            line.write(out)
    if isinstance(reply, Identification):
        identity.update(part=reply.part, serial=reply.serial)
    elif isinstance(reply, IllegalCommand):
        identity["note"] = "identification refused in the current state (enabled?)"
    elif isinstance(reply, Nak):
        identity["note"] = "IDENTIFICATION answered with NAK"
    elif isinstance(reply, UnknownReply):
        identity["note"] = f"unrecognised reply {reply.raw.hex(' ')}"
    return identity


def _probe_zvt(link: Link, settings: ProbeSettings) -> dict[str, str] | None:
    from drivers.zvt import messages as m
    from drivers.zvt.driver import ZvtDriver
    from drivers.zvt.protocol import ZvtTimeouts

    wait = max(0.3, 2 * settings.reply_timeout)
    timeouts = ZvtTimeouts(t1=0.2, t2=wait, retries=0, t3=2.0, t4=3.0)
    driver = ZvtDriver(_EchoFilter(link), timeouts=timeouts, poll=0.02)
    tx = driver.transact(m.StatusEnquiry(password=settings.zvt_password))
    if not (tx.accepted or tx.completion is not None or tx.refused_code is not None
            or tx.pt_aborted):
        return None
    identity = {"protocol": "zvt"}
    completion = tx.completion
    if completion is not None:
        if completion.sw_version:
            identity["firmware"] = completion.sw_version
        if completion.terminal_status is not None:
            identity["terminal_status"] = f"{completion.terminal_status:02X}"
        if completion.terminal_id:
            identity["terminal_id"] = completion.terminal_id
    elif tx.refused_code is not None:
        identity["note"] = f"Status Enquiry refused (84 {tx.refused_code:02X})"
    elif tx.pt_aborted:
        identity["note"] = "Status Enquiry aborted by the terminal"
    return identity


_PROBES: dict[str, Callable[[Link, ProbeSettings], dict[str, str] | None]] = {
    "escpos": _probe_escpos,
    "cctalk": _probe_cctalk,
    "ccnet": _probe_ccnet,
    "zvt": _probe_zvt,
}
