"""Health facts for the technician: one JSON-able dict, the same on screen and in ``kiosk status``.

``gather_health(config, ledger, ...)`` reads what it can without disturbing the running kiosk:
the outbox and vouchers from the journal, certificate dates from the configured files, free
disk space in the state directory, time synchronisation from systemd, the cash box, the
printer's status (through ``kiosk.receipts.open_printer`` unless the caller already has it; a
serial printer the running kiosk holds shows as ``busy``), and whatever the caller knows live
(device states, MPay reachability). Facts it cannot know are ``None``/``"unknown"``, never
guessed.

``problems`` lists what needs a technician, each ``{"code", "kind", "detail"}`` with ``kind``
``device`` (a device or the printer cannot work), ``remote`` (MPay unreachable; a certificate
expired, not yet valid or unreadable) or ``other`` (a certificate expiring within 30 days,
parked or alerting confirmations, low disk, clock not synchronised, paper near its end).
Amounts are strings with two decimals.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kiosk.config import Config
from kiosk.ledger import Ledger
from kiosk.ledger.export import cash_box_json
from kiosk.ledger.store import utc_iso
from kiosk.money import format_amount
from kiosk.service.certs import CertificateError, read_certificate

__all__ = [
    "CERT_WARN_DAYS",
    "DISK_LOW_BYTES",
    "gather_health",
    "certificate_facts",
    "disk_facts",
    "time_sync",
    "printer_facts",
    "check_mpay_reachable",
    "device_dict",
    "DEVICE_NAMES",
]

CERT_WARN_DAYS = 30
DISK_LOW_BYTES = 500 * 1024 * 1024
DISK_LOW_PERCENT = 5.0
#: configured device sections, and the short names the runtime uses for them
DEVICE_NAMES = {"bill_validator": "bill", "coin_acceptor": "coin", "card_terminal": "card"}
_TIMESYNC_DIR = Path("/run/systemd/timesync")


def gather_health(
    config: Config,
    ledger: Ledger,
    *,
    device_states: Mapping[str, Any] | None = None,
    mpay_reachable: bool | None = None,
    printer_status: Any = None,
    state_dir: Path | None = None,
    now: datetime | None = None,
    timesync_dir: Path = _TIMESYNC_DIR,
) -> dict[str, Any]:
    """Everything a technician checks first, as a JSON-able dict (see the module docstring).

    Args:
        device_states: live states by device name (``bill``/``coin``/``card`` or the config
            section names); values are dicts or objects with ``to_dict()``. Without them each
            configured device's state is ``unknown``.
        mpay_reachable: whether MPay answered lately (None: not known).
        printer_status: a ``PrinterStatus`` the caller has; None asks the printer itself.
        state_dir: the state directory (default: the configured one).
        now: the time to measure ages and certificate expiry against (default: now, UTC).
    """
    now = now or datetime.now(UTC)
    state = Path(state_dir) if state_dir is not None else config.state_dir
    summary = ledger.outbox_summary()
    oldest = summary.oldest_unconfirmed_at
    outbox = {
        "pending": summary.pending,
        "pending_amount": format_amount(summary.pending_amount),
        "needs_technician": summary.needs_technician,
        "needs_technician_amount": format_amount(summary.needs_technician_amount),
        "alert": summary.alert,
        "confirmed": summary.confirmed,
        "oldest_unconfirmed_at": utc_iso(oldest) if oldest is not None else None,
        "oldest_age_s": max(0, round(now.timestamp() - oldest)) if oldest is not None else None,
    }
    open_vouchers = [v for v in ledger.vouchers() if v.redeemed_at is None]
    vouchers = {
        "outstanding": len(open_vouchers),
        "outstanding_amount": format_amount(sum(v.amount for v in open_vouchers)),
    }
    certificates = certificate_facts(config, now)
    disk = disk_facts(state)
    clock = time_sync(timesync_dir)
    printer = printer_facts(config, state, printer_status)
    devices = _devices(config, device_states)
    facts: dict[str, Any] = {
        "terminal_id": config.terminal.id,
        "at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "state_dir": str(state),
        "mpay": {"endpoint": config.mpay.endpoint, "reachable": mpay_reachable},
        "outbox": outbox,
        "vouchers": vouchers,
        "certificates": certificates,
        "disk": disk,
        "time_sync": clock,
        "printer": printer,
        "devices": devices,
        "cash_box": cash_box_json(ledger.cash_box()),
    }
    problems = _problems(facts)
    facts["problems"] = problems
    facts["ok"] = not problems
    return facts


# --------------------------------------------------------------------------- single facts


def certificate_facts(config: Config, now: datetime) -> list[dict[str, Any]]:
    """Subject and validity of each configured certificate file (missing/unreadable named)."""
    m = config.mpay
    named = [("sign_cert", m.sign_cert), ("mpay_cert", m.mpay_cert),
             ("tls_client_cert", m.tls_client_cert)]
    out = []
    for name, path in named:
        if path is None:
            continue
        fact: dict[str, Any] = {"name": name, "path": str(path), "subject": None,
                                "not_before": None, "not_after": None, "days_left": None}
        try:
            info = read_certificate(path)
        except CertificateError as exc:
            fact.update(state="unreadable", error=str(exc))
            out.append(fact)
            continue
        days = info.days_left(now)
        if info.not_after <= now:
            state = "expired"
        elif info.not_before > now:
            state = "not_yet_valid"
        elif days < CERT_WARN_DAYS:
            state = "expiring"
        else:
            state = "ok"
        fact.update(
            subject=info.subject,
            not_before=info.not_before.isoformat().replace("+00:00", "Z"),
            not_after=info.not_after.isoformat().replace("+00:00", "Z"),
            days_left=days,
            state=state,
        )
        out.append(fact)
    return out


def disk_facts(path: Path) -> dict[str, Any]:
    """Free space on the file system holding ``path`` (its nearest existing parent)."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return {"path": str(path), "free_bytes": None, "total_bytes": None,
                "free_percent": None, "low": None, "error": exc.strerror or str(exc)}
    percent = round(100.0 * usage.free / usage.total, 1) if usage.total else 0.0
    return {
        "path": str(path),
        "free_bytes": usage.free,
        "total_bytes": usage.total,
        "free_percent": percent,
        "low": usage.free < DISK_LOW_BYTES or percent < DISK_LOW_PERCENT,
    }


def time_sync(timesync_dir: Path = _TIMESYNC_DIR, *, timedatectl: str = "timedatectl") -> dict[str, Any]:
    """Whether the clock is synchronised: systemd-timesyncd's flag file, else ``timedatectl``,
    else unknown (``synchronized`` None)."""
    if (timesync_dir / "synchronized").exists():
        return {"synchronized": True, "source": "systemd-timesyncd"}
    exe = shutil.which(timedatectl)
    if exe is not None:
        try:
            done = subprocess.run(
                [exe, "show", "--property=NTPSynchronized", "--value"],
                capture_output=True, text=True, timeout=3, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and done.returncode == 0 and done.stdout.strip() in ("yes", "no"):
            return {"synchronized": done.stdout.strip() == "yes", "source": "timedatectl"}
    return {"synchronized": None, "source": "unknown"}


def printer_facts(config: Config, state_dir: Path, status: Any = None) -> dict[str, Any]:
    """The printer's state: from ``status`` if given, else asked through ``open_printer``."""
    from drivers.errors import LinkError
    from kiosk.receipts.printer import open_printer
    from kiosk.receipts.profiles import ProfileError
    from kiosk.service.probe import port_busy

    base: dict[str, Any] = {"connection": config.printer.connection, "port": config.printer.port}
    if status is None:
        receipts = config.printer.receipts_dir or Path(state_dir) / "receipts"
        try:
            printer = open_printer(config.printer, receipts_dir=receipts)
        except LinkError as exc:
            text = str(exc)
            return {**base, "state": "busy" if port_busy(text) else "unavailable", "can_print": None,
                    "paper_near_end": None, "error": text}
        except (ProfileError, OSError) as exc:
            return {**base, "state": "unavailable", "can_print": None, "paper_near_end": None,
                    "error": str(exc)}
        try:
            status = printer.status()
        finally:
            printer.close()
    return {**base, "state": status.state.value, "can_print": status.can_print,
            "paper_near_end": status.paper_near_end, "error": None}


def check_mpay_reachable(endpoint: str, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to the endpoint's host and port opens within ``timeout``.

    A cheap proxy for "MPay reachable" that sends nothing: it finds DNS, routing and firewall
    trouble, not a broken service behind a working port."""
    url = urlparse(endpoint)
    if not url.hostname:
        return False
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def device_dict(state: Any) -> dict[str, Any]:
    """A live device state (dict, object with ``to_dict()``, or plain attributes) as a dict."""
    if isinstance(state, Mapping):
        return dict(state)
    to_dict = getattr(state, "to_dict", None)
    if callable(to_dict):
        out = dict(to_dict())
    else:
        keys = ("name", "protocol", "port", "connected", "fault", "last_error", "identity")
        out = {k: getattr(state, k) for k in keys if hasattr(state, k)}
    frames = getattr(state, "frames", None) or getattr(state, "last_frames", None)
    if callable(frames):
        frames = frames()
    if frames and "frames" not in out:
        out["frames"] = list(frames)
    return out


def _devices(config: Config, live: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for section, short in DEVICE_NAMES.items():
        cfg = getattr(config.devices, section)
        if cfg is None:
            continue
        state = None
        if live is not None:
            state = live.get(section, live.get(short))
        entry: dict[str, Any] = {"protocol": cfg.protocol, "port": cfg.port, "enabled": cfg.enabled}
        if not cfg.enabled:
            entry["state"] = "disabled"
        elif state is None:
            entry["state"] = "unknown"
        else:
            d = device_dict(state)
            fault = d.get("fault")
            connected = d.get("connected")
            entry["state"] = "fault" if fault else ("connected" if connected else "disconnected")
            entry.update(
                connected=connected,
                fault=fault,
                last_error=d.get("last_error"),
                identity=dict(d.get("identity") or {}),
            )
            if d.get("port"):
                entry["port"] = d["port"]
        out[section] = entry
    return out


def _problems(facts: Mapping[str, Any]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def add(code: str, kind: str, detail: str = "") -> None:
        problems.append({"code": code, "kind": kind, "detail": detail})

    for name, dev in facts["devices"].items():
        if dev["state"] in ("fault", "disconnected"):
            add(f"device.{name}.{dev['state']}", "device",
                str(dev.get("fault") or dev.get("last_error") or ""))
    printer = facts["printer"]
    if printer["state"] not in ("online", "paper_near_end", "busy"):
        add(f"printer.{printer['state']}", "device", str(printer.get("error") or ""))
    elif printer["state"] == "paper_near_end":
        add("printer.paper_near_end", "other")
    if facts["mpay"]["reachable"] is False:
        add("mpay.unreachable", "remote", str(facts["mpay"]["endpoint"]))
    outbox = facts["outbox"]
    if outbox["needs_technician"]:
        add("outbox.needs_technician", "other", f"{outbox['needs_technician']} parked")
    if outbox["alert"]:
        add("outbox.alert", "other", f"{outbox['alert']} with alerts")
    for cert in facts["certificates"]:
        if cert["state"] != "ok":
            # Only "expiring" still works; the others stop MPay from accepting our messages
            # (or us from trusting its replies), so they count as a remote problem.
            kind = "other" if cert["state"] == "expiring" else "remote"
            add(f"certificate.{cert['name']}.{cert['state']}", kind,
                str(cert.get("not_after") or cert.get("error")))
    if facts["disk"].get("low"):
        add("disk.low", "other", f"{facts['disk']['free_bytes']} bytes free")
    if facts["time_sync"]["synchronized"] is False:
        add("time.not_synchronized", "other")
    return problems
