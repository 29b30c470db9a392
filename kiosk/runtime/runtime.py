"""The runtime: carries out the payer session's effects with the real ledger, MPay, devices
and printer, and feeds their results back as events.

Threads (ARCHITECTURE.md "Concurrency"): the session loop (``SessionLoop``: the only thread
that steps the machine and runs ``run(effects)``); one per device driver (cash desk, card
desk); one for MPay lookups; one for printing; the outbox worker; and a monitor that polls the
printer, the card terminal and the offline policy. Effects never block the loop: slow work is
handed to a worker that posts its answer back.

Money rules kept here: credits reach the machine only after the journal holds them (see
``cash`` and ``card``); the payer's intent (order, amount, fee, properties) is journalled
before any money is asked for, so a restart can finish the session (``recovery``); a
PaymentID is minted and the confirmation queued in one transaction before anyone is told;
``stop()`` waits for money in flight to settle before it lets the process end.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from kiosk.ledger import Ledger, OfflinePolicy, OutboxState, OutboxWorker, VoucherRefused
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.errors import (
    InvalidParameter,
    InvoiceExpired,
    MpayUnavailable,
    UnknownOrder,
    UnknownService,
)
from kiosk.mpay.payer_messages import payer_message_key
from kiosk.runtime.card import CardDesk
from kiosk.runtime.cash import CashDesk
from kiosk.runtime.codec import to_json
from kiosk.runtime.loop import SessionLoop
from kiosk.runtime.printing import ReceiptDesk
from kiosk.runtime.recovery import RecoveredSession, recover_interrupted
from kiosk.service.live import LIVE_STATUS
from kiosk.session import SessionContext, initial_state, step, view_of
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session.view import SessionView

__all__ = ["Runtime"]

log = logging.getLogger(__name__)

_VOUCHER_REASONS = {
    "malformed": "session.voucher.invalid",
    "check": "session.voucher.invalid",
    "unknown": "session.voucher.unknown",
    "redeemed": "session.voucher.used",
}


def _crash(reason: str) -> None:
    """Crash-only: every durable write is atomic, so ending here loses nothing; systemd
    (Restart=always) starts the kiosk again and start-up recovery finishes the session."""
    log.critical("runtime: exiting: %s", reason)
    logging.shutdown()
    os._exit(70)


class Runtime:
    """See the module docstring. Build with ``kiosk.runtime.build.build_runtime``."""

    def __init__(
        self,
        *,
        ctx: SessionContext,
        ledger: Ledger,
        mpay: Any,
        cash: CashDesk | None = None,
        card: CardDesk | None = None,
        receipts: ReceiptDesk | None = None,
        offline_policy: OfflinePolicy | None = None,
        backoff_initial_s: float = 2.0,
        backoff_max_s: float = 300.0,
        monitor_every_s: float = 5.0,
        tick_interval: float = 1.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        fatal: Callable[[str], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self._fatal = fatal or _crash
        self.ledger = ledger
        self.mpay = mpay
        self.cash = cash
        self.card = card
        self.receipts = receipts
        self.offline_policy = offline_policy
        self._clock = clock
        self._monitor_every = monitor_every_s
        self._lock = threading.Lock()
        self._sid: str | None = None
        self._credit_session: dict[str, str] = {}
        self._payment_session: dict[int, str] = {}  # FinalizePayment request -> session
        self._voucher_reason: dict[str, str] = {}  # voucher code -> reason
        self._awaiting: set[str] = set()  # PaymentIDs the session waits to hear about
        # settlement request -> PaymentID / voucher, set the moment the journal holds it, so a
        # retry of a failed settlement (``_settle``) never mints or issues a second time
        self._written: dict[int, Any] = {}
        self._intent_noted: tuple[Any, ...] | None = None
        self._online = True
        self._offline_blocked: str | None = None
        self._holds: dict[str, str] = {}  # why out of service (i18n key -> technician's words)
        self._stopping = threading.Event()
        self._monitor: threading.Thread | None = None
        self._lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mpay-lookup")
        self.recovered: list[RecoveredSession] = []
        self.outbox = OutboxWorker(
            ledger, mpay, backoff_initial_s=backoff_initial_s, backoff_max_s=backoff_max_s,
            on_change=self._outbox_changed,
        )
        self.loop = SessionLoop(
            step=step,
            initial_state=initial_state(
                ctx, clock(), printer_ok=True, online=True,
                card_available=card is not None,
            ),
            view_of=view_of,
            tick=lambda _t: ev.Tick(now=self._clock()),
            runner=self,
            tick_interval=tick_interval,
        )
        if cash is not None:
            cash.note_credit = self._note_credit
        if card is not None:
            card.note_credit = self._note_credit

    # -- the port the UI uses --------------------------------------------------------------------
    def submit(self, event: Any) -> None:
        self.loop.post(event)

    post = submit

    def subscribe(self, callback: Callable[[SessionView], None]) -> None:
        self.loop.subscribe(callback)

    @property
    def view(self) -> SessionView:
        return self.loop.view  # type: ignore[no-any-return]

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Recover, then start every worker. Devices start inhibited."""
        if self.card is not None:
            try:
                self.card.recover_pending()
            except Exception:
                log.exception("runtime: card recovery failed; approvals stay pending")
        self.recovered = recover_interrupted(self.ledger)
        self.loop.start()
        self.outbox.start()
        if self.cash is not None:
            self.cash.start()
        self._check_devices()
        self._monitor = threading.Thread(target=self._watch, name="monitor", daemon=True)
        self._monitor.start()

    def money_in_flight(self) -> bool:
        view = self.view
        return bool(view.money_in) or view.screen.value in ("cash", "card", "finishing")

    def request_stop(self) -> None:
        """No new payers from now on; a payer with money in flight finishes first."""
        self.hold("runtime.out_of_service.stopping")

    def stop(self, *, grace_s: float = 120.0) -> bool:
        """Stop taking new payers, wait (up to ``grace_s``) for money in flight to settle, then
        stop every thread. Returns False if money was still in flight when time ran out (the
        journal still holds it: the next start recovers it)."""
        self.request_stop()
        deadline = time.monotonic() + grace_s
        settled = True
        while self.money_in_flight():
            if time.monotonic() > deadline:
                settled = False
                log.error("runtime: stopping with money in flight; the next start recovers it")
                break
            time.sleep(0.1)
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
        if self.cash is not None:
            self.cash.disable()
            self.cash.stop()
        if self.card is not None:
            self.card.close()
        self.loop.stop()
        self._lookups.shutdown(wait=True, cancel_futures=True)
        if self.receipts is not None:
            self.receipts.close()
        self.outbox.stop()
        close = getattr(self.mpay, "close", None)
        if close is not None:
            close()
        return settled

    def alive(self) -> bool:
        return self.loop.alive()

    # -- effects (loop thread) --------------------------------------------------------------------
    def run(self, effects: tuple[Any, ...], state: Any) -> None:
        for effect in effects:
            try:
                self._run_one(effect, state)
            except Exception:
                log.exception("runtime: effect %s failed", type(effect).__name__)

    def _run_one(self, e: Any, state: Any) -> None:
        if isinstance(e, fx.BeginSession):
            with self._lock:
                self._sid = self.ledger.begin_session()
                self._intent_noted = None
            log.info("session %s begins (%s)", self._sid, e.language)
        elif isinstance(e, fx.EndSession):
            with self._lock:
                sid, self._sid = self._sid, None
            if sid is not None:
                self.ledger.end_session(sid, e.outcome)
                log.info("session %s ends: %s", sid, e.outcome)
            self._forget_settled()
        elif isinstance(e, fx.LookupOrder):
            self._lookups.submit(self._lookup, e)
        elif isinstance(e, fx.CancelLookup):
            pass  # the answer will carry a stale request id and be ignored
        elif isinstance(e, fx.EnableAcceptors):
            self._note_intent(state)
            if self.cash is not None:
                self.cash.enable(e.max_amount)
        elif isinstance(e, fx.DisableAcceptors):
            if self.cash is not None:
                self.cash.disable()
            else:
                self.post(ev.AcceptorsDisabled())
        elif isinstance(e, fx.StartCardPayment):
            self._note_intent(state)
            if self.card is None:
                self.post(ev.CardDeclined(reason_key="card.reason.terminal_error"))
            else:
                self.card.start_payment(e.amount)
        elif isinstance(e, fx.AbortCardPayment):
            if self.card is not None:
                self.card.abort()
        elif isinstance(e, fx.RedeemVoucher):
            self._note_intent(state)
            self._redeem(e)
        elif isinstance(e, fx.FinalizePayment):
            self._settle(self._finalize, e)
        elif isinstance(e, fx.IssueVoucher):
            self._settle(self._issue_voucher, e)
        elif isinstance(e, fx.PrintReceipt):
            if self.receipts is None:
                self.post(ev.ReceiptPrinted(request_id=e.request_id, ok=False))
            else:
                reason = self._voucher_reason.get(e.voucher_code or "")
                self.receipts.print(e, reason)
        else:
            log.warning("runtime: no handler for effect %s", type(e).__name__)

    def _settle(self, handler: Callable[[Any], None], e: Any) -> None:
        """Settlements must be answered or the payer waits for ever: retry a failing journal
        write, and if it keeps failing, end the process (crash-only): the money is in the
        journal, and the next start finishes the session (``recovery``)."""
        for attempt in range(3):
            try:
                handler(e)
                return
            except Exception:
                log.exception("runtime: %s failed (attempt %d)", type(e).__name__, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
        log.critical("runtime: the journal cannot record %s; restarting to recover it",
                     type(e).__name__)
        self._fatal(f"{type(e).__name__} could not be recorded")

    # -- sessions and credits --------------------------------------------------------------------
    def session_for_credit(self) -> str:
        """The ledger session a credit arriving now belongs to (a fresh one if no payer is
        here: the machine turns such a late credit into a voucher of its own)."""
        with self._lock:
            if self._sid is None:
                orphan = self.ledger.begin_session()
                log.warning("runtime: credit with no payer session: journalled in %s", orphan)
                return orphan
            return self._sid

    def taking_money(self) -> bool:
        """False while the offline policy stops money (the cash desk returns bills then)."""
        return self._offline_blocked is None

    def _forget_settled(self) -> None:
        """Drop the per-session maps of sessions that are over (a kiosk runs for months)."""
        with self._lock:
            live = {self._sid} if self._sid is not None else set()
            self._credit_session = {c: s for c, s in self._credit_session.items() if s in live}
            self._payment_session = {r: s for r, s in self._payment_session.items() if s in live}
            self._voucher_reason.clear()
            self._written.clear()

    def _note_credit(self, credit_id: str, session_id: str) -> None:
        with self._lock:
            self._credit_session[credit_id] = session_id

    def _note_intent(self, state: Any) -> None:
        """Journal what the session is paying, before money is asked for (for recovery)."""
        j = state.journey
        order = j.order
        sid = self._sid
        if sid is None or order is None or j.amount is None:
            return
        from kiosk.session.properties import payment_properties

        props = payment_properties(j.specs, dict(j.values))
        key = (sid, j.service_id, order.order_key, j.amount, j.fee, props)
        if key == self._intent_noted:
            return
        self.ledger.note_intent(
            sid, service_id=j.service_id, order_key=order.order_key, amount=j.amount, fee=j.fee,
            data={"order": to_json(order), "properties": to_json(props),
                  "language": state.language},
        )
        self._intent_noted = key

    def _sessions_of(self, credit_ids: tuple[str, ...]) -> list[str]:
        with self._lock:
            found = [self._credit_session[c] for c in credit_ids if c in self._credit_session]
            current = self._sid
        out = list(dict.fromkeys(found))
        if not out and current is not None:
            out = [current]
        return out

    def _finalize(self, e: fx.FinalizePayment) -> None:
        payment = self._written.get(e.request_id)
        if payment is None:
            sessions = self._sessions_of(e.credit_ids)
            if not sessions:  # cannot happen; if it does, crash-only recovery settles it
                raise RuntimeError("FinalizePayment for credits of no known session")
            sid = sessions[0]
            order, amount, props = e.order, e.amount, e.properties

            def build(pid: str, paid_at: datetime) -> Any:
                return build_confirmation(order, amount, pid, paid_at, props)

            payment = self._written[e.request_id] = self.ledger.mint_payment(sid, build, fee=e.fee)
            self._payment_session[e.request_id] = sid
            log.info("payment %s minted: %s bani to %s/%s (fee %s)", payment.payment_id, amount,
                     e.service_id, e.order_key, e.fee)
        with self._lock:
            self._awaiting.add(payment.payment_id)
        self.post(ev.PaymentRecorded(request_id=e.request_id, payment_id=payment.payment_id))
        self.outbox.wake()
        self._tell_settled()  # in case the worker confirmed it before it was awaited

    def _issue_voucher(self, e: fx.IssueVoucher) -> None:
        voucher = self._written.get(e.request_id)
        if voucher is None:
            if e.change_for is not None and e.change_for in self._payment_session:
                sessions = [self._payment_session[e.change_for]]
            else:
                sessions = self._sessions_of(e.credit_ids)
            if not sessions:  # cannot happen; if it does, crash-only recovery settles it
                raise RuntimeError("IssueVoucher for credits of no known session")
            voucher = self._written[e.request_id] = self.ledger.issue_voucher(
                sessions[0], e.amount, e.reason)
            log.info("voucher %s issued: %s bani (%s)", voucher.display_code, e.amount, e.reason)
        code = voucher.display_code
        self._voucher_reason[code] = e.reason
        self.post(ev.VoucherIssued(request_id=e.request_id, code=code, amount=e.amount))

    def _redeem(self, e: fx.RedeemVoucher) -> None:
        sid = self._sid
        if sid is None:
            self.post(ev.VoucherRejected(request_id=e.request_id, reason_key="session.voucher.unknown"))
            return
        try:
            credit = self.ledger.redeem_voucher(e.code, sid)
        except VoucherRefused as refused:
            key = _VOUCHER_REASONS.get(refused.reason, "session.voucher.unknown")
            self.post(ev.VoucherRejected(request_id=e.request_id, reason_key=key))
            return
        self._note_credit(str(credit.id), sid)
        self.post(ev.VoucherRedeemed(request_id=e.request_id, credit_id=str(credit.id),
                                     code=e.code, amount=credit.amount))

    # -- MPay lookups (lookup thread) ------------------------------------------------------------
    def _lookup(self, e: fx.LookupOrder) -> None:
        try:
            orders = self.mpay.get_order_details(e.service_id, e.order_key, e.language)
        except (UnknownOrder, UnknownService, InvalidParameter) as exc:
            self._set_online(True)
            self.post(ev.LookupFailed(request_id=e.request_id, kind="not_found",
                                      message_key=payer_message_key(exc)))
            return
        except InvoiceExpired as exc:
            self._set_online(True)
            self.post(ev.LookupFailed(request_id=e.request_id, kind="not_payable",
                                      message_key=payer_message_key(exc)))
            return
        except MpayUnavailable as exc:
            self._set_online(False)
            self.post(ev.LookupFailed(request_id=e.request_id, kind="unavailable",
                                      message_key=payer_message_key(exc)))
            return
        except Exception as exc:
            log.warning("lookup %s/%s failed: %s", e.service_id, e.order_key, exc)
            self.post(ev.LookupFailed(request_id=e.request_id, kind="service_error",
                                      message_key=payer_message_key(exc)))
            return
        self._set_online(True)
        self.post(ev.LookupSucceeded(request_id=e.request_id, orders=tuple(orders)))

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.post(ev.NetworkStatusChanged(online=online))
            if online:
                self.outbox.wake()

    # -- the outbox (outbox thread) -------------------------------------------------------------
    def _outbox_changed(self, state: OutboxState) -> None:
        if state.last_success_at is not None and state.consecutive_failures == 0:
            self._set_online(True)
        elif state.consecutive_failures >= 2 and state.last_error_kind in ("unavailable", "timeout"):
            self._set_online(False)
        self._tell_settled()
        self._check_offline_policy()

    def _tell_settled(self) -> None:
        """Tell the session about awaited payments whose confirmation has settled (each once)."""
        with self._lock:
            waiting = list(self._awaiting)
        for pid in waiting:
            try:
                entry = self.ledger.outbox_entry(pid)
            except Exception:
                continue
            if entry.status in ("confirmed", "needs_technician"):
                with self._lock:
                    if pid not in self._awaiting:
                        continue  # the other thread told it
                    self._awaiting.discard(pid)
                self.post(ev.ConfirmationSettled(payment_id=pid,
                                                 confirmed=entry.status == "confirmed"))

    def _check_offline_policy(self) -> None:
        if self.offline_policy is None:
            return
        ok, why = self.ledger.may_accept_money(self.offline_policy)
        if not ok and self._offline_blocked is None:
            self._offline_blocked = why
            log.error("runtime: offline policy stops money: %s", why)
            self.hold("runtime.out_of_service.unconfirmed")
        elif ok and self._offline_blocked is not None:
            self._offline_blocked = None
            log.warning("runtime: offline policy satisfied again")
            self.release("runtime.out_of_service.unconfirmed")

    def hold(self, reason_key: str, message: str = "") -> None:
        """Out of service for ``reason_key`` (a payer with money in flight finishes first);
        ``message``: a technician's words for the payers, shown as typed."""
        with self._lock:
            if self._holds.get(reason_key) == message:
                return
            self._holds[reason_key] = message
        self.post(ev.OutOfService(reason_key=reason_key, message=message))

    def release(self, reason_key: str) -> None:
        """Drop one reason; back in service when none is left (else show the next one)."""
        with self._lock:
            if reason_key not in self._holds:
                return
            del self._holds[reason_key]
            left = list(self._holds.items())
        if left:
            self.post(ev.OutOfService(reason_key=left[0][0], message=left[0][1]))
        else:
            log.warning("runtime: back in service")
            self.post(ev.BackInService())

    # -- monitor thread -------------------------------------------------------------------------
    def _check_devices(self) -> None:
        if self.receipts is not None:
            self.receipts.check_status()
        if self.card is not None:
            self.card.check_status()
        self._check_offline_policy()
        try:
            self.write_live_status()
        except OSError as exc:
            log.warning("runtime: cannot write the live status: %s", exc)

    def _watch(self) -> None:
        while not self._stopping.wait(self._monitor_every):
            try:
                self._check_devices()
            except Exception:
                log.exception("runtime: monitor check failed")

    # -- what a technician sees ------------------------------------------------------------------
    def device_states(self) -> dict[str, Any]:
        """Each device as its driver sees it now, by short name (bill, coin, card)."""
        states: dict[str, Any] = {}
        if self.cash is not None:
            for d in self.cash.snapshot():
                states[d["name"]] = d
        if self.card is not None:
            status = dict(self.card.last_status)
            states["card"] = {"name": "card", "connected": bool(status.get("ready")),
                              "fault": None if status.get("ready") else status.get("key"),
                              "last_error": status.get("detail") or None,
                              "identity": {"terminal_id": status.get("terminal_id") or ""}}
        return states

    def write_live_status(self) -> None:
        """``<state>/runtime-status.json``: what the running kiosk sees, for ``kiosk status``
        over SSH (it must not open the ports the kiosk holds). Written atomically."""
        printer = self.receipts.last_status if self.receipts is not None else None
        doc = {"pid": os.getpid(), "updated_at": time.time(), "screen": self.view.screen.value,
               "online": self._online, "holds": list(self._holds),
               "devices": self.device_states(), "printer": printer}
        path = self.ledger.path.parent / LIVE_STATUS
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, default=str), encoding="utf-8")
        os.replace(tmp, path)
