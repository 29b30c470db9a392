"""``CardTerminal`` for a ZVT payment terminal on a serial line (card.md part 1).

How a card payment is never charged twice:

1. One ``authorize`` call sends ONE Authorisation (``06 01``). The driver never re-sends a
   command on its own; only the transport repeats the same block (ZVT-T 3.5), which the
   PT treats as one message.
2. ``on_approved`` is called at most once per ``authorize``: a repeated identical
   Status-Information gets the same verdict again without a second call, and a second,
   different approval within the same call is refused (``84 66``: the PT reverses it).
3. The approval is journalled (``on_approved``) BEFORE the PT is told "goods issued"
   (``80 00``); the PT books a payment only once it has that answer (ZVT-C 2.2.8-2.2.9).
   If ``on_approved`` raises, the PT gets ``84 66`` and reverses: outcome ``REVERSED``.
4. When the verdict's fate is unknown (line lost, crash), the outcome is ``ERROR`` with
   ``needs_recovery`` and this object refuses new payments (``ERROR``, same approval) until
   ``recover(approval)`` has settled it: a payer is never asked to pay again while an
   earlier approval may still stand. After a restart the runtime must call ``recover``
   for every journalled approval still pending before it starts a payment.
5. ``recover`` asks the PT for its last stored transaction (``06 20``, Status-Information
   only, no print). The same receipt number and amount: the PT kept it ("kept"; or, with
   ``keep=False``, it is reversed with ``06 30`` and "reversed"). A reversal of it, another
   transaction, or an empty store: the PT did not book it ("reversed"). Anything else
   raises ``RecoveryUnresolved`` and changes nothing.

Threading: see ``kiosk.card.terminal``. The port is opened on first use (then ``06 00``
registration) on the calling thread, and closed and re-opened after a line failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from drivers.errors import DeviceError
from drivers.link import Link
from drivers.zvt import messages as m
from drivers.zvt.bmp import Tlv
from drivers.zvt.codes import CURRENCY_MDL, ResultCode
from drivers.zvt.driver import Transaction, ZvtDriver
from drivers.zvt.protocol import ProtocolEvent, StatusUpdate, ZvtTimeouts
from kiosk.card.terminal import (
    CardApproval,
    CardOutcome,
    CardStatus,
    CardTerminal,
    CardTerminalError,
    CardTotals,
    OutcomeKind,
    RecoveryResult,
    RecoveryUnresolved,
    TerminalStatus,
)
from kiosk.card.zvt_codes import card_type_name, status_key, terminal_key
from kiosk.card.zvt_outcomes import Attempt, describe_failure, failure_outcome, payment_outcome

__all__ = ["ZvtCardTerminal"]

log = logging.getLogger(__name__)

# Registration config byte: the ECR prints payment and admin receipts (06 D1 lines come to
# us), wants intermediate statuses, no amount entry and no admin functions on the PT.
DEFAULT_CONFIG = 0xBE
REPEAT_INFO_NO_PRINT = 0x03  # 06 20 service byte: send the Status-Information, do not print
REPEAT_INFO_AND_PRINT = 0x01
MAX_AMOUNT = 999_999_999_999  # BMP 04: 12 BCD digits


class _OpenFailed(Exception):
    pass


class ZvtCardTerminal:
    """A ZVT PT behind the kiosk's ``CardTerminal`` interface.

    Args:
        link_factory: opens the port, e.g. ``lambda: SerialLink(port, 9600, stopbits=2)``.
        password: the PT's six-digit password (config ``devices.card_terminal.password``).
        currency: ISO 4217 numeric code sent with every amount (MDL = 498).
        payer_timeout: seconds after which a running payment is aborted (``06 B0``).
        timeouts: ZVT timers (short ones in tests).
        clock / now: injected monotonic clock and wall clock (for ``CardApproval.at``).
    """

    def __init__(
        self,
        link_factory: Callable[[], Link],
        password: str = "000000",
        *,
        currency: int = CURRENCY_MDL,
        config_byte: int = DEFAULT_CONFIG,
        payer_timeout: float = 180.0,
        timeouts: ZvtTimeouts | None = None,
        print_width: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        if len(password) != 6 or not password.isdigit():
            raise ValueError("the ZVT password must be six digits")
        self._link_factory = link_factory
        self._password = password
        self._currency = currency
        self._config = config_byte
        self._payer_timeout = payer_timeout
        self._timeouts = timeouts or ZvtTimeouts()
        self._print_width = print_width
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()
        self._link: Link | None = None
        self._driver: ZvtDriver | None = None
        self._abort = threading.Event()
        self.terminal_id: str | None = None
        self.unresolved: CardApproval | None = None  # approval whose fate is unknown

    # ------------------------------------------------------------------ line

    def _open(self) -> ZvtDriver:
        if self._driver is not None:
            return self._driver
        try:
            self._link = self._link_factory()
        except DeviceError as exc:
            raise _OpenFailed(f"cannot open the card terminal port: {exc}") from exc
        self._driver = ZvtDriver(self._link, timeouts=self._timeouts, clock=self._clock)
        tlv = (Tlv(0x12, bytes([self._print_width])),) if self._print_width else ()
        tx = self._driver.transact(
            m.Registration(
                password=self._password, config=self._config, currency=self._currency, tlv=tlv
            )
        )
        if tx.completion is None:
            self._drop()
            raise _OpenFailed(f"registration failed: {describe_failure(tx)}")
        self.terminal_id = tx.completion.terminal_id or self.terminal_id
        log.info("zvt: registered with terminal %s", self.terminal_id)
        return self._driver

    def _drop(self) -> None:
        if self._link is not None:
            self._link.close()
        self._link = None
        self._driver = None

    def _after(self, tx: Transaction) -> None:
        if tx.link_error or (tx.timed_out and not tx.accepted):
            self._drop()  # re-open and re-register next time

    def close(self) -> None:
        with self._lock:
            self._drop()

    # ------------------------------------------------------------------ payments

    def authorize(
        self,
        amount: int,
        *,
        on_status: Callable[[CardStatus], None],
        on_approved: Callable[[CardApproval], None],
    ) -> CardOutcome:
        if not 0 < amount <= MAX_AMOUNT:
            raise ValueError(f"amount must be 1..{MAX_AMOUNT} bani")
        self._abort = threading.Event()
        abort = self._abort
        with self._lock:
            if self.unresolved is not None:
                return CardOutcome(
                    kind=OutcomeKind.ERROR,
                    approval=self.unresolved,
                    needs_recovery=True,
                    reason_key="card.reason.terminal_error",
                    detail="an earlier approval is unresolved; call recover() first",
                )
            try:
                driver = self._open()
            except _OpenFailed as exc:
                return self._no_terminal(str(exc))
            attempt = Attempt(
                amount=amount,
                currency=self._currency,
                on_approved=on_approved,
                build=self._approval,
            )

            def on_event(event: ProtocolEvent) -> None:
                if isinstance(event, StatusUpdate):
                    self._report_status(event.status, on_status)

            tx = driver.transact(
                m.Authorisation(amount=amount, currency=self._currency),
                on_event=on_event,
                decide=attempt.decide,
                abort_at=self._clock() + self._payer_timeout,
                abort=abort,
            )
            self._after(tx)
            outcome = payment_outcome(tx, attempt)
            if outcome.needs_recovery and outcome.approval is not None:
                self.unresolved = outcome.approval
            log.info(
                "zvt: payment of %d: %s (code %s) %s",
                amount,
                outcome.kind,
                outcome.result_code,
                outcome.detail,
            )
            return outcome

    def abort(self) -> None:
        self._abort.set()

    def _report_status(self, status: m.IntermediateStatus, on_status: Callable[..., None]) -> None:
        key, remove = status_key(status.status)
        card_status = CardStatus(
            key=key, raw=status.status, remove_card=remove, terminal_text=status.texts
        )
        try:
            on_status(card_status)
        except Exception:
            log.exception("zvt: on_status failed (ignored)")

    def _no_terminal(self, detail: str) -> CardOutcome:
        log.warning("zvt: %s", detail)
        return CardOutcome(
            kind=OutcomeKind.ERROR, reason_key="card.reason.no_answer", detail=detail
        )

    def _approval(self, info: m.StatusInformation) -> CardApproval:
        aid = info.tlv_value(0x4F)
        return CardApproval(
            amount=info.amount or 0,
            masked_pan=info.masked_pan or "",
            approval_code=info.approval_code or "",
            terminal_id=info.terminal_id or self.terminal_id or "",
            trace=info.trace or "",
            rrn=None,  # ZVT has no standard BMP for it (card.md 1.9, 1.13)
            receipt_no=info.receipt_no,
            card_type=card_type_name(info.card_name, info.card_type_id),
            aid=aid.hex().upper() if aid else None,
            at=self._timestamp(info),
        )

    def _timestamp(self, info: m.StatusInformation) -> str | None:
        hhmmss = info.time
        if hhmmss is None:
            return None
        if info.full_date is not None:
            stamp = f"20{info.full_date}{hhmmss}"
        elif info.date is not None:
            stamp = f"{self._now().year}{info.date}{hhmmss}"
        else:
            return None
        try:
            return datetime.strptime(stamp, "%Y%m%d%H%M%S").isoformat()
        except ValueError:
            return None

    # ------------------------------------------------------------------ administration

    def _transact(self, command: m.EcrCommand) -> Transaction:
        """Open if needed and run ``command``; raises ``_OpenFailed``."""
        driver = self._open()
        tx = driver.transact(command)
        self._after(tx)
        return tx

    def reverse(self, receipt_no: str) -> CardOutcome:
        if not receipt_no.isdigit() or len(receipt_no) > 4:
            raise ValueError("a ZVT receipt number has at most four digits")
        with self._lock:
            try:
                tx = self._transact(m.Reversal(password=self._password, receipt_no=int(receipt_no)))
            except _OpenFailed as exc:
                return self._no_terminal(str(exc))
            return self._reversal_outcome(tx)

    def _reversal_outcome(self, tx: Transaction) -> CardOutcome:
        info = tx.last_status_info
        if info is not None and info.result_code == 0 and not tx.pt_aborted:
            return CardOutcome(
                kind=OutcomeKind.APPROVED,
                approval=replace(self._approval(info), receipt_lines=tuple(tx.receipt_lines)),
                result_code=0,
                detail="reversed",
            )
        return failure_outcome(tx, payment=False)

    def repeat_last(self) -> CardApproval | None:
        """Raises ``CardTerminalError`` when the terminal does not answer."""
        with self._lock:
            try:
                tx = self._transact(
                    m.RepeatReceipt(password=self._password, service_byte=REPEAT_INFO_AND_PRINT)
                )
            except _OpenFailed as exc:
                raise CardTerminalError(str(exc)) from exc
            if tx.completion is None:
                raise CardTerminalError(f"repeat receipt failed: {describe_failure(tx)}")
            info = tx.last_status_info
            if info is None or info.result_code != 0 or info.original_trace is not None:
                return None
            return replace(self._approval(info), receipt_lines=tuple(tx.receipt_lines))

    def end_of_day(self) -> CardOutcome:
        with self._lock:
            try:
                tx = self._transact(m.EndOfDay(password=self._password))
            except _OpenFailed as exc:
                return self._no_terminal(str(exc))
            info = tx.last_status_info
            if tx.completion is not None and info is not None and info.result_code == 0:
                count, amount = info.totals or (0, info.amount or 0)
                return CardOutcome(
                    kind=OutcomeKind.APPROVED,
                    result_code=0,
                    totals=CardTotals(
                        count=count, amount=amount, receipt_lines=tuple(tx.receipt_lines)
                    ),
                    detail="end of day done",
                )
            return failure_outcome(tx, payment=False)

    def status(self) -> TerminalStatus:
        with self._lock:
            try:
                tx = self._transact(m.StatusEnquiry(password=self._password))
            except _OpenFailed as exc:
                return TerminalStatus(ready=False, key="offline", detail=str(exc))
            if tx.completion is None:
                return TerminalStatus(
                    ready=False,
                    key="offline" if tx.link_error or not tx.accepted else "unknown",
                    terminal_id=self.terminal_id,
                    detail=describe_failure(tx),
                )
            code = tx.completion.terminal_status
            return TerminalStatus(
                ready=code == 0,
                key=terminal_key(code),
                raw=code,
                terminal_id=self.terminal_id,
                detail=f"software {tx.completion.sw_version or '?'}",
            )

    # ------------------------------------------------------------------ recovery

    def recover(self, pending: CardApproval, *, keep: bool = True) -> RecoveryResult:
        with self._lock:
            result = self._recover(pending, keep)
            if self.unresolved is not None and _same_payment(self.unresolved, pending):
                self.unresolved = None
            log.info(
                "zvt: recovery of receipt %s (trace %s): %s",
                pending.receipt_no,
                pending.trace,
                result,
            )
            return result

    def _recover(self, pending: CardApproval, keep: bool) -> RecoveryResult:
        try:
            tx = self._transact(
                m.RepeatReceipt(password=self._password, service_byte=REPEAT_INFO_NO_PRINT)
            )
        except _OpenFailed as exc:
            raise RecoveryUnresolved(str(exc)) from exc
        if tx.completion is None:
            raise RecoveryUnresolved(f"repeat receipt failed: {describe_failure(tx)}")
        last = tx.last_status_info
        if last is None:
            return "reversed"  # nothing stored since the last end of day: not booked
        if last.original_trace is not None:
            # the last stored transaction is a reversal: of ours, or ours was never booked
            return "reversed"
        if not _matches(last, pending):
            return "reversed"  # another transaction is the PT's last: ours was not booked
        if keep:
            return "kept"
        if pending.receipt_no is None:
            raise RecoveryUnresolved("the terminal kept it but gave no receipt number to reverse")
        try:
            tx = self._transact(
                m.Reversal(password=self._password, receipt_no=int(pending.receipt_no))
            )
        except _OpenFailed as exc:
            raise RecoveryUnresolved(str(exc)) from exc
        outcome = self._reversal_outcome(tx)
        if outcome.approved or outcome.result_code == ResultCode.ALREADY_REVERSED:
            return "reversed"
        raise RecoveryUnresolved(f"the terminal kept it and refused to reverse: {outcome.detail}")


def _matches(info: m.StatusInformation, pending: CardApproval) -> bool:
    if info.result_code != 0 or info.amount != pending.amount:
        return False
    if info.receipt_no is not None and pending.receipt_no is not None:
        return info.receipt_no == pending.receipt_no
    return bool(pending.trace) and info.trace == pending.trace


def _same_payment(a: CardApproval, b: CardApproval) -> bool:
    return (a.receipt_no, a.trace, a.amount) == (b.receipt_no, b.trace, b.amount)


if TYPE_CHECKING:
    _conforms: type[CardTerminal] = ZvtCardTerminal
