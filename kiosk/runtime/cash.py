"""The cash desk: the bill validator and coin acceptor, seen from the payer session.

Theory of operation
-------------------
Each driver owns its worker thread and calls ``on_event`` there. A ``stacked`` event is
journalled (``Ledger.record_credit``, SQLite FULL sync) *before* anything else happens: only
then is ``CreditJournalled`` posted to the session loop, and only when ``on_event`` returns
does the driver acknowledge the bill to the device. If the journal write fails, ``on_event``
raises and the driver keeps the very same event (same ``ref``) and delivers it again.

Double counting across a restart: when the host dies after journalling a bill but before the
ACK, the validator still reports "stacked" to the next process, which cannot know the bill
was ours and reports it ``recovered`` with a fresh ref. So before sending STACK we journal an
``escrow.stack`` audit record with the escrow's ref; a recovered bill whose last ``escrow.stack``
ref is already a credit is that same bill (acknowledged, not credited again); a recovered bill
whose last STACK was never credited is credited under that ref; one with no record at all (a
bill we never saw) is credited as found.

The escrow policy stacks a bill only while the session wants money and only up to the
session's ``max_amount`` (``EnableAcceptors``); everything else is returned to the payer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drivers.cash import CashEvent
from kiosk.ledger import Ledger
from kiosk.session import events as ev

__all__ = ["CashDesk", "DeviceState"]

log = logging.getLogger(__name__)

ANY_AMOUNT = 10**9  # "no limit" for drivers, whose set_accepting(None) means "inhibit"


@dataclass
class DeviceState:
    """What a technician sees of one device (service mode, ``kiosk status``)."""

    name: str
    protocol: str
    port: str
    connected: bool = False
    fault: str | None = None
    last_error: str | None = None
    identity: dict[str, str] = field(default_factory=dict)
    credits: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "protocol": self.protocol,
            "port": self.port,
            "connected": self.connected,
            "fault": self.fault,
            "last_error": self.last_error,
            "identity": dict(self.identity),
        }


class CashDesk:
    """Journals cash credits and tells the session loop; see the module docstring."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        post: Callable[[Any], None],
        session_for_credit: Callable[[], str],
        may_take_money: Callable[[], bool] = lambda: True,
    ) -> None:
        self._ledger = ledger
        self._post = post
        self._session_for_credit = session_for_credit
        self._may_take_money = may_take_money
        self._acceptors: dict[str, Any] = {}
        self.states: dict[str, DeviceState] = {}
        self._lock = threading.Lock()
        self._limit: int | None = None  # None: not accepting
        self._escrow_ref: dict[str, str] = {}
        self._last_stack: dict[str, dict[str, Any]] = self._load_last_stacks()
        self._timers: list[threading.Timer] = []
        self.settle_s = 0.6
        #: the bill cassette as a technician sees it: in_place | removed | reinserted
        self.cassette = "in_place"
        self._test: threading.Event | None = None
        self._test_amount: int | None = None
        #: ``note_credit(credit_id, session_id)`` after each journalled credit (the runtime's map).
        self.note_credit: Callable[[str, str], None] = lambda _c, _s: None

    # -- wiring ---------------------------------------------------------------------------------
    def attach(self, name: str, protocol: str, port: str, make: Callable[..., Any]) -> None:
        """Build the driver for ``name`` ("bill" | "coin") with our callbacks and keep it."""
        self.states[name] = DeviceState(name=name, protocol=protocol, port=port)
        self._acceptors[name] = make(on_event=self.on_event, escrow_policy=self._policy_for(name))

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(self._acceptors)

    def start(self) -> None:
        for name, acceptor in self._acceptors.items():
            acceptor.set_accepting(None)
            acceptor.start()
            log.info("cash desk: %s started", name)

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        for acceptor in self._acceptors.values():
            try:
                acceptor.stop()
            except Exception:  # pragma: no cover - a driver that fails to stop is logged only
                log.exception("cash desk: driver did not stop cleanly")

    def snapshot(self) -> list[dict[str, Any]]:
        out = []
        for name, state in self.states.items():
            d = state.to_dict()
            acceptor = self._acceptors.get(name)
            if acceptor is not None:
                try:
                    d["identity"] = dict(acceptor.identity)
                    d["frames"] = list(acceptor.last_frames())[-12:]
                except Exception:  # a snapshot must never break the service page
                    log.exception("cash desk: %s snapshot failed", name)
                    d["frames"] = []
            out.append(d)
        return out

    # -- session effects (loop thread) ---------------------------------------------------------
    def enable(self, max_amount: int | None) -> None:
        with self._lock:
            self._limit = ANY_AMOUNT if max_amount is None else max_amount
        for acceptor in self._acceptors.values():
            acceptor.set_accepting(self._limit)

    def disable(self) -> None:
        """Inhibit both acceptors, then answer ``AcceptorsDisabled`` once a bill that was
        already being stacked has had time to report (a later one still becomes a voucher)."""
        with self._lock:
            self._limit = None
        for acceptor in self._acceptors.values():
            acceptor.set_accepting(None)
        timer = threading.Timer(self.settle_s, self._post, args=(ev.AcceptorsDisabled(),))
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    # -- driver callbacks (device threads) -----------------------------------------------------
    def test_bill(self, timeout_s: float = 30.0) -> int | None:
        """Service mode's "accept one bill": enable the validator, let the technician insert a
        bill, report its value and give it back (RETURN: a test never takes money).
        None if no bill came within ``timeout_s``."""
        bill = self._acceptors.get("bill")
        if bill is None:
            raise RuntimeError("no bill validator is configured")
        with self._lock:
            if self._limit is not None:
                raise RuntimeError("a payer session is taking money")
            self._test, self._test_amount = threading.Event(), None
        bill.set_accepting(ANY_AMOUNT)
        try:
            assert self._test is not None
            self._test.wait(timeout_s)
            return self._test_amount
        finally:
            bill.set_accepting(None)
            with self._lock:
                self._test = None

    def _policy_for(self, name: str) -> Callable[[int], bool | None]:
        def policy(amount: int) -> bool | None:
            with self._lock:
                test = self._test
                if test is not None and name == "bill":
                    self._test_amount = amount
                    test.set()
                    return False  # a test bill goes back to the technician
                limit = self._limit
            if limit is None or amount > limit or not self._may_take_money():
                return False
            ref = self._escrow_ref.get(name)
            if ref and name == "bill":
                record = {"device": name, "ref": ref, "amount": amount}
                try:
                    self._ledger.audit("device", "escrow.stack", record)
                except Exception:
                    log.exception("cash desk: could not journal the STACK decision; returning")
                    return False
                self._last_stack[name] = record
            return True

        return policy

    def on_event(self, event: CashEvent) -> None:
        state = self.states.get(event.device)
        if event.kind == "escrow":
            self._escrow_ref[event.device] = event.ref
            return
        if event.kind == "stacked":
            self._credit(event)  # raises if the journal cannot take it: the driver re-delivers
            return
        if state is None:
            return
        if event.kind == "connected":
            state.connected, state.fault = True, None
            self._post(ev.AcceptorRecovered(device=event.device))
        elif event.kind == "disconnected":
            state.connected, state.last_error = False, event.reason or "not answering"
            self._post(ev.AcceptorFault(device=event.device, kind="link"))
        elif event.kind == "fault":
            state.fault = state.last_error = event.reason or "fault"
            self._post(ev.AcceptorFault(device=event.device, kind=_fault_kind(event.reason)))
        elif event.kind == "fault_cleared":
            state.fault = None
            self._post(ev.AcceptorRecovered(device=event.device))
        elif event.kind == "cassette_removed":
            state.fault = "cassette removed"
            self.cassette = "removed"
            self._audit("cassette.removed", {"device": event.device})
            self._post(ev.AcceptorFault(device=event.device, kind="cassette_removed"))
        elif event.kind == "cassette_inserted":
            state.fault = None
            self.cassette = "reinserted"
            self._audit("cassette.inserted", {"device": event.device})
            self._post(ev.AcceptorRecovered(device=event.device))

    def _credit(self, event: CashEvent) -> None:
        ref = event.ref
        if event.recovered and event.device == "bill":
            last = self._last_stack.get("bill")
            if last is not None and int(last.get("amount", -1)) == event.amount:
                if self._ledger.credit(str(last["ref"])) is not None:
                    log.warning("cash desk: recovered bill %s is the one already credited", ref)
                    self._audit("credit.duplicate_ignored", {"ref": ref, "of": last["ref"]})
                    self._last_stack.pop("bill", None)
                    return
                ref = str(last["ref"])
        session_id = self._session_for_credit()
        credit = self._ledger.record_credit(
            session_id,
            source=event.device,
            amount=event.amount,
            device=event.device,
            ref=ref,
            detail={"code": event.code, "recovered": event.recovered, "currency": event.currency},
            currency=event.currency,
        )
        if event.device == "bill":
            self._last_stack.pop("bill", None)
        self.note_credit(str(credit.id), session_id)
        if not credit.fresh:
            log.info("cash desk: credit %s was already journalled", ref)
            return
        state = self.states.get(event.device)
        if state is not None:
            state.credits += 1
        self._post(ev.CreditJournalled(credit_id=str(credit.id), source=event.device,
                                       amount=event.amount))

    # -- helpers ------------------------------------------------------------------------------
    def _audit(self, action: str, detail: dict[str, Any]) -> None:
        try:
            self._ledger.audit("device", action, detail)
        except Exception:
            log.exception("cash desk: audit %s failed", action)

    def _load_last_stacks(self) -> dict[str, dict[str, Any]]:
        """The newest ``escrow.stack`` record (looked at only for a recovered bill)."""
        try:
            records = self._ledger.audit_log(200)
        except Exception:
            return {}
        for record in reversed(records):  # audit_log is oldest first
            if record.action == "escrow.stack":
                return {"bill": dict(record.detail)}
        return {}


def _fault_kind(reason: str) -> str:
    text = (reason or "").lower()
    for word, kind in (("jam", "jam"), ("full", "cassette_full"), ("cheat", "cheated"),
                       ("cassette", "cassette_removed")):
        if word in text:
            return kind
    return "failure"
