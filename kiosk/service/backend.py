"""What the service-mode screens call: the ``ServiceBackend`` protocol and its implementation.

``LedgerServiceBackend`` works over the configuration and the ledger alone; everything that
needs the live runtime (device states, "accept one bill", card terminal status, restart, reload,
out of service...) is an optional callable. A callable left ``None`` makes its action
unavailable (``available(action)`` is False and the screen shows it disabled); nothing is faked.

Rules it keeps:

* entry is refused while a payer has money in flight (``money_in_flight()``: the runtime's own
  answer if given, or else the journal's: a session holding credit not yet in a payment or
  voucher, or a card approval not yet acknowledged);
* nothing but ``money_in_flight``, ``pin_state`` and ``enter`` works before a PIN was accepted
  (``ServiceLocked``), and every action is audited in the ledger with its outcome;
* action callables may return an ``ActionResult``, a bool, a string (technician detail) or
  None (done), or raise: the exception becomes a failed result, never a crash of the screen.

Calls may block (printing, probing, asking devices): the screens run them off the UI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.ledger import Collection, Ledger, OutboxEntry, Voucher
from kiosk.ledger.records import CashBoxCount
from kiosk.service.health import DEVICE_NAMES, device_dict, gather_health
from kiosk.service.pin import ACTOR, PinGate, PinOutcome, PinResult
from kiosk.service.portconfig import save_port_assignment
from kiosk.service.probe import Finding, PortConfigError, default_candidates, probe_ports

__all__ = [
    "ACCEPT_BILL",
    "ACCEPT_COIN",
    "PRINT_TEST",
    "CARD_STATUS",
    "PROBE_PORTS",
    "SAVE_PORTS",
    "COLLECT",
    "RETRY",
    "RESTART",
    "RELOAD_CONFIG",
    "OUT_OF_SERVICE",
    "BILLS",
    "COINS",
    "ActionResult",
    "DeviceView",
    "CollectionOutcome",
    "ServiceLocked",
    "ServiceBackend",
    "LedgerServiceBackend",
]

log = logging.getLogger(__name__)

ACCEPT_BILL = "accept_bill"
ACCEPT_COIN = "accept_coin"
PRINT_TEST = "print_test"
CARD_STATUS = "card_status"
PROBE_PORTS = "probe_ports"
SAVE_PORTS = "save_ports"
COLLECT = "collect"
RETRY = "retry"
RESTART = "restart"
RELOAD_CONFIG = "reload_config"
OUT_OF_SERVICE = "out_of_service"

#: Moldovan banknotes and coins in bani (devices.md section 5), offered on the count screen.
BILLS = (100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
COINS = (5, 10, 25, 50, 100, 200, 500, 1000)
_DEVICE_TESTS = {
    "bill_validator": ACCEPT_BILL,
    "coin_acceptor": ACCEPT_COIN,
    "card_terminal": CARD_STATUS,
    "printer": PRINT_TEST,
}


class ServiceLocked(PermissionError):
    """A service action was called before a PIN was accepted (a bug of the caller)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """The outcome of one technician action.

    ``key`` is the i18n key of the headline (``service.result.*``), ``fields`` its format
    fields; ``detail`` is technician text as a device or the system gave it (not translated)."""

    ok: bool
    key: str
    fields: Mapping[str, str] = field(default_factory=dict)
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceView:
    """One device as the Devices page shows it. ``name`` is the config section
    (``bill_validator``, ``coin_acceptor``, ``card_terminal``, ``printer``)."""

    name: str
    protocol: str
    port: str
    enabled: bool
    state: str  # connected, disconnected, fault, unknown, disabled, or a printer state
    identity: Mapping[str, str] = field(default_factory=dict)
    last_error: str | None = None
    frames: tuple[str, ...] = ()
    test: str | None = None
    test_available: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionOutcome:
    """A recorded collection and what became of its printed receipt (``printed`` None: no
    printer is available to service mode)."""

    collection: Collection
    printed: bool | None
    print_detail: str = ""


class ServiceBackend(Protocol):
    """What ``ui.service.ServiceWindow`` needs. All methods may block; call them off the UI
    thread. Before ``enter`` succeeded only ``money_in_flight``, ``pin_state``, ``enter``,
    ``leave``, ``available`` and ``out_of_service`` work; the rest raise ``ServiceLocked``."""

    def money_in_flight(self) -> bool: ...
    def pin_state(self) -> PinResult: ...
    def enter(self, pin: str) -> PinResult: ...
    def leave(self, reason: str = "exit") -> None: ...
    def available(self, action: str) -> bool: ...
    def devices(self) -> list[DeviceView]: ...
    def test_device(self, name: str) -> ActionResult: ...
    def probe_ports(self, ports: Sequence[str] | None = None) -> list[Finding]: ...
    def save_ports(self, findings: Sequence[Finding] | None = None) -> ActionResult: ...
    def cash_box(self) -> CashBoxCount: ...
    def denominations(self) -> dict[str, tuple[int, ...]]: ...
    def cassette_state(self) -> str | None: ...
    def collect(self, counted: Mapping[str, Mapping[int, int]] | None) -> CollectionOutcome: ...
    def outbox(self) -> list[OutboxEntry]: ...
    def retry(self, payment_id: str) -> ActionResult: ...
    def vouchers_outstanding(self) -> list[Voucher]: ...
    def health(self) -> dict[str, Any]: ...
    def restart(self) -> ActionResult: ...
    def reload_config(self) -> ActionResult: ...
    def out_of_service(self) -> tuple[bool, str]: ...
    def set_out_of_service(self, on: bool, message: str) -> ActionResult: ...


class LedgerServiceBackend:
    """``ServiceBackend`` over the configuration and the ledger (see the module docstring).

    Args:
        config: the loaded configuration; ``config_path`` the file it came from (None: ports
            cannot be saved).
        ledger: the journal (cash box, outbox, vouchers, audit).
        state_dir: where the PIN lockout is kept (default: the configured state dir).
        lang: language of printed collection receipts (default: the UI's default language).
        printer: a ``PrinterService`` service mode may print on (test page, collection
            receipt); the runtime passes its own, so jobs never interleave.
        money_in_flight: the runtime's "a payer has money in flight".
        device_states: live device states by name (``bill``/``coin``/``card`` or section names),
            values as ``kiosk.service.health.device_dict`` reads them.
        device_counters: the devices' own counters for the period, ``{"bill": {bani: n}, ...}``.
        cassette_state: ``"in_place"``, ``"removed"``, ``"reinserted"`` or None (unknown).
        accept_one: ``accept_one("bill"|"coin")`` takes one bill or coin as a test.
        card_status: asks the card terminal for its status (a ``TerminalStatus`` or a result).
        restart / reload_config: restart the kiosk / reload the configuration.
        out_of_service: ``out_of_service(on, message)`` switches the payer screens.
        mpay_reachable: whether MPay answered lately (for the health page).
        probe / candidates: the port probe and where it looks (default: the real ones).
    """

    def __init__(
        self,
        config: Config,
        ledger: Ledger,
        *,
        config_path: Path | None = None,
        state_dir: Path | None = None,
        lang: str | None = None,
        printer: Any = None,
        gate: PinGate | None = None,
        money_in_flight: Callable[[], bool] | None = None,
        device_states: Callable[[], Mapping[str, Any]] | None = None,
        device_counters: Callable[[], Mapping[str, Mapping[int, int]] | None] | None = None,
        cassette_state: Callable[[], str | None] | None = None,
        accept_one: Callable[[str], Any] | None = None,
        card_status: Callable[[], Any] | None = None,
        restart: Callable[[], Any] | None = None,
        reload_config: Callable[[], Any] | None = None,
        out_of_service: Callable[[bool, str], Any] | None = None,
        mpay_reachable: Callable[[], bool | None] | None = None,
        probe: Callable[..., list[Finding]] | None = probe_ports,
        candidates: Callable[[], list[str]] = default_candidates,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.config_path = config_path
        self.state_dir = state_dir or config.state_dir
        self.lang = lang or config.ui.default_language
        self.printer = printer
        self.gate = gate or PinGate(config.service_mode, ledger, self.state_dir, clock=clock)
        self._money_in_flight = money_in_flight
        self._device_states = device_states
        self._device_counters = device_counters
        self._cassette_state = cassette_state
        self._accept_one = accept_one
        self._card_status = card_status
        self._restart = restart
        self._reload_config = reload_config
        self._set_out_of_service = out_of_service
        self._mpay_reachable = mpay_reachable
        self._probe = probe
        self._candidates = candidates
        self._clock = clock
        self._lock = threading.Lock()
        self._entered = False
        self._findings: list[Finding] = []
        self._oos = (False, "")

    # ------------------------------------------------------------------ entry

    def money_in_flight(self) -> bool:
        if self._money_in_flight is not None and self._money_in_flight():
            return True
        return bool(self.ledger.interrupted_sessions() or self.ledger.pending_card_approvals())

    def pin_state(self) -> PinResult:
        left = self.gate.locked_for()
        if left:
            return PinResult(outcome=PinOutcome.LOCKED, attempts_left=0, locked_for=left)
        return PinResult(outcome=PinOutcome.WRONG, attempts_left=self.gate.attempts_left())

    def enter(self, pin: str) -> PinResult:
        """Check the PIN, unless money is in flight (then BUSY, nothing counted)."""
        if self.money_in_flight():
            self.ledger.audit(ACTOR, "service.entry_refused", {"reason": "money_in_flight"})
            return PinResult(outcome=PinOutcome.BUSY, attempts_left=self.gate.attempts_left())
        result = self.gate.check(pin)
        with self._lock:
            self._entered = result.ok
        return result

    @property
    def entered(self) -> bool:
        return self._entered

    def leave(self, reason: str = "exit") -> None:
        with self._lock:
            was, self._entered = self._entered, False
        if was:
            self.gate.leave(reason=reason)

    def _require_entry(self) -> None:
        if not self._entered:
            raise ServiceLocked("service mode: no PIN accepted")

    # ------------------------------------------------------------------ availability

    def available(self, action: str) -> bool:
        devices = self.config.devices
        if action == ACCEPT_BILL:
            return self._accept_one is not None and _enabled(devices.bill_validator)
        if action == ACCEPT_COIN:
            return self._accept_one is not None and _enabled(devices.coin_acceptor)
        if action == CARD_STATUS:
            return self._card_status is not None and _enabled(devices.card_terminal)
        if action == PRINT_TEST:
            return self.printer is not None
        if action == PROBE_PORTS:
            return self._probe is not None
        if action == SAVE_PORTS:
            return self.config_path is not None
        if action in (COLLECT, RETRY):
            return True
        if action == RESTART:
            return self._restart is not None
        if action == RELOAD_CONFIG:
            return self._reload_config is not None
        if action == OUT_OF_SERVICE:
            return self._set_out_of_service is not None
        return False

    def _run(self, action: str, fn: Callable[[], Any], detail: Mapping[str, Any] | None = None
             ) -> ActionResult:
        """Run an action callable, normalise what it returns, audit the outcome."""
        self._require_entry()
        if not self.available(action):
            result = ActionResult(ok=False, key="service.result.unavailable")
        else:
            try:
                result = _normalise(fn())
            except Exception as exc:  # a failing action is a result on screen, not a crash
                log.exception("service action %s failed", action)
                result = ActionResult(ok=False, key="service.result.failed", detail=str(exc)[:300])
        self.ledger.audit(ACTOR, f"service.{action}", {**(detail or {}), "ok": result.ok,
                                                        "detail": result.detail[:200] or None})
        return result

    # ------------------------------------------------------------------ devices

    def devices(self) -> list[DeviceView]:
        self._require_entry()
        live = dict(self._device_states() if self._device_states is not None else {})
        out = []
        for section, short in DEVICE_NAMES.items():
            cfg = getattr(self.config.devices, section)
            if cfg is None:
                continue
            test = _DEVICE_TESTS[section]
            state = live.get(section, live.get(short))
            view = DeviceView(name=section, protocol=cfg.protocol, port=cfg.port,
                              enabled=cfg.enabled, state="disabled" if not cfg.enabled else "unknown",
                              test=test, test_available=self.available(test))
            if state is not None and cfg.enabled:
                d = device_dict(state)
                view = DeviceView(
                    name=section,
                    protocol=str(d.get("protocol") or cfg.protocol),
                    port=str(d.get("port") or cfg.port),
                    enabled=True,
                    state="fault" if d.get("fault") else
                    ("connected" if d.get("connected") else "disconnected"),
                    identity={str(k): str(v) for k, v in (d.get("identity") or {}).items()},
                    last_error=d.get("fault") or d.get("last_error"),
                    frames=tuple(str(f) for f in d.get("frames") or ()),
                    test=test,
                    test_available=self.available(test),
                )
            out.append(view)
        printer = self.config.printer
        state = "unknown"
        error = None
        if self.printer is not None:
            try:
                state = self.printer.status().state.value
            except Exception as exc:  # a status call must not break the page
                state, error = "unavailable", str(exc)
        out.append(DeviceView(
            name="printer", protocol="escpos", port=printer.port or printer.host or
            printer.connection, enabled=True, state=state, last_error=error, test=PRINT_TEST,
            test_available=self.available(PRINT_TEST)))
        return out

    def test_device(self, name: str) -> ActionResult:
        test = _DEVICE_TESTS.get(name)
        if test is None:
            raise ValueError(f"unknown device {name!r}")
        if test in (ACCEPT_BILL, ACCEPT_COIN):
            short = DEVICE_NAMES[name]
            return self._run(test, lambda: self._accept_one(short) if self._accept_one else None)
        if test == CARD_STATUS:
            return self._run(test, lambda: _card_result(self._card_status() if self._card_status
                                                         else None))
        return self._run(PRINT_TEST, self._print_test)

    def _print_test(self) -> ActionResult:
        from kiosk.receipts.profiles import profile_from_config
        from kiosk.receipts.render import render_blocks
        from kiosk.receipts.testticket import test_ticket

        profile = profile_from_config(self.config.printer)
        data = render_blocks(test_ticket(profile, self.lang), profile, self.lang)
        result = self.printer.print_job(data, name="test-ticket")
        if result.ok:
            return ActionResult(ok=True, key="service.result.printed")
        return ActionResult(ok=False, key="service.result.not_printed",
                            fields={"state": result.after.state.value}, detail=result.error or "")

    def probe_ports(self, ports: Sequence[str] | None = None) -> list[Finding]:
        """Probe ``ports`` (default: the candidate serial ports) for every protocol; audited."""
        self._require_entry()
        if self._probe is None:
            return []
        chosen = list(ports) if ports is not None else self._candidates()
        from kiosk.service.probe import probe_settings_from_config

        findings = self._probe(chosen, settings=probe_settings_from_config(self.config))
        self._findings = list(findings)
        self.ledger.audit(ACTOR, f"service.{PROBE_PORTS}", {
            "ports": len(chosen),
            "found": ", ".join(f"{f.protocol}@{f.port}" for f in findings if f.protocol) or None,
        })
        return findings

    def save_ports(self, findings: Sequence[Finding] | None = None) -> ActionResult:
        """Write the last probe's (or the given) assignment into the configuration file."""
        chosen = list(findings) if findings is not None else list(self._findings)

        def save() -> ActionResult:
            assert self.config_path is not None
            try:
                changes = save_port_assignment(self.config_path, chosen)
            except PortConfigError as exc:
                return ActionResult(ok=False, key="service.result.ports_not_saved", detail=str(exc))
            if not changes:
                return ActionResult(ok=True, key="service.result.ports_unchanged")
            text = "; ".join(f"{c.key}: {c.old or '-'} -> {c.new}" for c in changes)
            return ActionResult(ok=True, key="service.result.ports_saved",
                                fields={"count": str(len(changes))}, detail=text)

        return self._run(SAVE_PORTS, save)

    # ------------------------------------------------------------------ cash

    def cash_box(self) -> CashBoxCount:
        self._require_entry()
        return self.ledger.cash_box()

    def denominations(self) -> dict[str, tuple[int, ...]]:
        """Bills and coins to offer on the count screen: Moldovan cash plus anything the
        journal holds."""
        box = self.cash_box()
        return {
            "bill": tuple(sorted(set(BILLS) | set(box.counts.get("bill", {})))),
            "coin": tuple(sorted(set(COINS) | set(box.counts.get("coin", {})))),
        }

    def cassette_state(self) -> str | None:
        self._require_entry()
        return self._cassette_state() if self._cassette_state is not None else None

    def collect(self, counted: Mapping[str, Mapping[int, int]] | None) -> CollectionOutcome:
        """Close the cash-box period with the technician's count (None: not counted) and the
        devices' counters (if the runtime has them); print the collection receipt."""
        self._require_entry()
        device = self._device_counters() if self._device_counters is not None else None
        collection = self.ledger.collect(ACTOR, counted, device or None)
        if self.printer is None:
            return CollectionOutcome(collection=collection, printed=None)
        try:
            printed, detail = self._print_collection(collection)
        except Exception as exc:  # the collection is recorded; the paper is secondary
            log.exception("collection receipt not printed")
            printed, detail = False, str(exc)[:300]
        self.ledger.audit(ACTOR, "service.collection_receipt", {"collection": collection.id,
                                                                 "printed": printed})
        return CollectionOutcome(collection=collection, printed=printed, print_detail=detail)

    def _print_collection(self, c: Collection) -> tuple[bool, str]:
        from kiosk.receipts import (
            collection_receipt,
            print_receipt,
            profile_from_config,
            receipt_to_dict,
            settings_from_config,
        )

        # What the receipt lists as counted: the devices' counters, else the technician's
        # count, else the journal's own counts (then it says "no difference", truthfully).
        source = c.device_counters or c.counted or c.expected
        counts = {(kind, d): n for kind, per in source.items() for d, n in per.items() if n}
        zone = ZoneInfo(self.config.terminal.timezone)
        since = datetime.fromisoformat(c.since.replace("Z", "+00:00")) if c.since else None
        receipt = collection_receipt(
            settings_from_config(self.config),
            lang=self.lang,
            number=str(c.id),
            issued_at=datetime.fromtimestamp(self._clock(), UTC).astimezone(zone),
            counts=counts,
            expected_total=c.expected_total,
            technician=ACTOR,
            period_start=since.astimezone(zone) if since else None,
        )
        self.ledger.store_receipt(f"collection-{c.id}", "collection", receipt_to_dict(receipt))
        result = print_receipt(self.printer, receipt, profile_from_config(self.config.printer))
        return result.ok, "" if result.ok else (result.error or result.after.state.value)

    # ------------------------------------------------------------------ outbox

    def outbox(self) -> list[OutboxEntry]:
        """Unconfirmed confirmations, oldest first (pending and parked)."""
        self._require_entry()
        entries = self.ledger.outbox_entries(("pending", "needs_technician"))
        return sorted(entries, key=lambda e: e.created_at)

    def retry(self, payment_id: str) -> ActionResult:
        def requeue() -> ActionResult:
            entry = self.ledger.requeue(payment_id, ACTOR)
            return ActionResult(ok=True, key="service.result.requeued",
                                fields={"payment_id": entry.payment_id})

        return self._run(RETRY, requeue, {"payment_id": payment_id})

    def vouchers_outstanding(self) -> list[Voucher]:
        self._require_entry()
        return [v for v in self.ledger.vouchers() if v.redeemed_at is None]

    # ------------------------------------------------------------------ health

    def health(self) -> dict[str, Any]:
        self._require_entry()
        states = self._device_states() if self._device_states is not None else None
        reachable = self._mpay_reachable() if self._mpay_reachable is not None else None
        status = None
        if self.printer is not None:
            try:
                status = self.printer.status()
            except Exception:  # gather_health then asks the configured printer itself
                log.exception("printer status failed")
        return gather_health(self.config, self.ledger, device_states=states,
                             mpay_reachable=reachable, printer_status=status,
                             state_dir=self.state_dir)

    # ------------------------------------------------------------------ terminal

    def restart(self) -> ActionResult:
        return self._run(RESTART, lambda: self._restart() if self._restart else None)

    def reload_config(self) -> ActionResult:
        return self._run(RELOAD_CONFIG, lambda: self._reload_config() if self._reload_config
                         else None)

    def out_of_service(self) -> tuple[bool, str]:
        return self._oos

    def set_out_of_service(self, on: bool, message: str) -> ActionResult:
        message = message.strip()[:200]

        def switch() -> Any:
            assert self._set_out_of_service is not None
            outcome = self._set_out_of_service(on, message)
            self._oos = (on, message if on else "")
            return outcome

        return self._run(OUT_OF_SERVICE, switch, {"on": on, "message": message or None})


# --------------------------------------------------------------------------- helpers


def _enabled(device: Any) -> bool:
    return device is not None and bool(device.enabled)


def _normalise(value: Any) -> ActionResult:
    if isinstance(value, ActionResult):
        return value
    if value is None or value is True:
        return ActionResult(ok=True, key="service.result.done")
    if value is False:
        return ActionResult(ok=False, key="service.result.failed")
    if isinstance(value, str):
        return ActionResult(ok=True, key="service.result.done", detail=value)
    ok = getattr(value, "ok", None)
    return ActionResult(ok=bool(ok) if ok is not None else True, key="service.result.done",
                        detail=str(value)[:300])


def _card_result(status: Any) -> ActionResult:
    """A ``kiosk.card.TerminalStatus`` (or anything else) as a result."""
    if isinstance(status, ActionResult):
        return status
    key = getattr(status, "text_key", None)
    if isinstance(key, str):
        detail = " ".join(
            part for part in (
                f"terminal {status.terminal_id}" if getattr(status, "terminal_id", None) else "",
                str(getattr(status, "detail", "") or ""),
            ) if part
        )
        return ActionResult(ok=bool(getattr(status, "ready", False)), key=key, detail=detail)
    return _normalise(status)
