"""How one ZVT command ends, in the kiosk's terms: the money rules of ``kiosk.card.zvt``.

``Attempt.decide`` is the verdict on an approved Status-Information (journal first, then
commit); ``payment_outcome`` and ``failure_outcome`` turn the driver's ``Transaction``
record into a ``CardOutcome``. Pure: no I/O, no clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from drivers.zvt import messages as m
from drivers.zvt.codes import ResultCode
from drivers.zvt.driver import Transaction
from kiosk.card.terminal import CardApproval, CardOutcome, OutcomeKind
from kiosk.card.zvt_codes import reason_key

__all__ = ["Attempt", "payment_outcome", "failure_outcome", "describe_failure"]

log = logging.getLogger("kiosk.card.zvt")


@dataclass(slots=True)
class Attempt:
    """The state of one ``authorize`` call, shared with the driver's verdict callback."""

    amount: int
    currency: int
    on_approved: Callable[[CardApproval], None]
    build: Callable[[m.StatusInformation], CardApproval]
    approval: CardApproval | None = None
    handed: bool = False  # on_approved was called
    journal_failed: bool = False
    refused: list[str] = field(default_factory=list)

    def decide(self, info: m.StatusInformation) -> bool:
        if self.handed:
            self.refused.append("a second approval in one payment")
            log.error("zvt: a second approval arrived in one payment; it is refused")
            return False
        if info.amount != self.amount:
            self.refused.append(f"approved amount {info.amount} != requested {self.amount}")
            log.error("zvt: %s; refused", self.refused[-1])
            return False
        if info.currency is not None and info.currency != self.currency:
            self.refused.append(f"approved currency {info.currency} != {self.currency}")
            log.error("zvt: %s; refused", self.refused[-1])
            return False
        self.approval = self.build(info)
        self.handed = True
        try:
            self.on_approved(self.approval)
        except Exception:
            self.journal_failed = True
            log.exception("zvt: the approval could not be recorded; the PT will reverse it")
            return False
        return True


def describe_failure(tx: Transaction) -> str:
    if tx.link_error:
        return f"line: {tx.link_error}"
    if tx.timed_out:
        return f"no answer in time ({tx.timed_out})"
    if tx.refused_code is not None:
        return f"refused with {tx.refused_code:02X}"
    if tx.pt_aborted:
        code = tx.pt_abort_code
        return f"aborted by the terminal ({'-' if code is None else f'{code:02X}'})"
    return "no completion"


def payment_outcome(tx: Transaction, attempt: Attempt) -> CardOutcome:
    approval = attempt.approval
    if approval is not None:
        approval = replace(approval, receipt_lines=tuple(tx.receipt_lines))
    if attempt.handed or tx.verdict is not None:
        if tx.verdict is True:
            if tx.verdict_delivered:
                return CardOutcome(kind=OutcomeKind.APPROVED, approval=approval, result_code=0)
            return CardOutcome(
                kind=OutcomeKind.ERROR,
                approval=approval,
                result_code=0,
                needs_recovery=True,
                reason_key="card.reason.no_answer",
                detail=f"approval recorded, terminal's receipt of the commit unknown "
                f"({tx.link_error or 'no acknowledgement'})",
            )
        why = "; ".join(attempt.refused) or "the approval could not be recorded"
        if tx.verdict_delivered:
            return CardOutcome(
                kind=OutcomeKind.REVERSED,
                approval=approval,
                result_code=0,
                reason_key="card.reason.not_recorded",
                detail=f"{why}; the terminal was told to reverse it",
            )
        return CardOutcome(
            kind=OutcomeKind.ERROR,
            approval=approval,
            result_code=0,
            needs_recovery=approval is not None,
            reason_key="card.reason.not_recorded",
            detail=f"{why}; the reversal order was not acknowledged "
            f"({tx.link_error or 'line lost'})",
        )
    return failure_outcome(tx, payment=True)


def failure_outcome(tx: Transaction, *, payment: bool) -> CardOutcome:
    """Outcome of a command that produced no approval of ours."""
    if tx.unreadable_status_info:
        return CardOutcome(
            kind=OutcomeKind.ERROR,
            reason_key="card.reason.terminal_error",
            detail="unreadable result from the terminal; it was told not to book it",
        )
    if tx.refused_code is not None:
        refused = tx.refused_code
        return CardOutcome(
            kind=OutcomeKind.DECLINED,
            result_code=refused,
            reason_key=f"card.reason.{reason_key(refused)}",
            detail=f"command refused by the terminal ({refused:02X})",
        )
    if tx.pt_aborted:
        code = tx.pt_abort_code
        if code == ResultCode.ABORTED and payment:
            if tx.abort_requested == "deadline":
                kind, key = OutcomeKind.TIMEOUT, "timeout"
            else:
                kind, key = OutcomeKind.ABORTED, "cancelled"
            return CardOutcome(
                kind=kind,
                result_code=code,
                reason_key=f"card.reason.{key}",
                detail=f"aborted ({tx.abort_requested or 'on the terminal'})",
            )
        info = tx.last_status_info
        if code is None and info is not None:
            code = info.result_code
        return CardOutcome(
            kind=OutcomeKind.DECLINED,
            result_code=code,
            reason_key=f"card.reason.{reason_key(code)}",
            detail=f"declined ({'-' if code is None else f'{code:02X}'})"
            + (f": {info.additional_text}" if info and info.additional_text else ""),
        )
    if tx.timed_out and tx.accepted:
        return CardOutcome(
            kind=OutcomeKind.TIMEOUT,
            reason_key="card.reason.no_answer",
            detail=f"the terminal stopped answering ({tx.timed_out})",
        )
    if tx.completion is not None:
        last = tx.last_status_info.result_code if tx.last_status_info else None
        return CardOutcome(
            kind=OutcomeKind.DECLINED if last else OutcomeKind.ERROR,
            result_code=last,
            reason_key=f"card.reason.{reason_key(last)}",
            detail="the terminal completed without an approval",
        )
    return CardOutcome(
        kind=OutcomeKind.ERROR,
        reason_key="card.reason.no_answer",
        detail=describe_failure(tx),
    )
