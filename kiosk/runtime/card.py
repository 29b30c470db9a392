"""The card desk: runs card payments on the card terminal's own thread.

Money rule (issue 9): the approval is journalled (``Ledger.record_card_approval``) inside
``on_approved``, i.e. *before* the terminal is told to keep the payment. If the journal write
fails, ``on_approved`` raises and the terminal reverses the payment. After the terminal kept
it, the approval is marked acknowledged and the session hears ``CardApproved``. When the line
drops between approval and acknowledgement, the approval stays ``awaiting_ack``: we ask the
terminal (``recover``) now, and again at every start, and either keep or reverse it. Until
then the card is unavailable to payers and the approval is visible to the technician.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from kiosk.card import CardApproval, CardOutcome, CardStatus, OutcomeKind
from kiosk.ledger import Ledger
from kiosk.session import events as ev

__all__ = ["CardDesk", "approval_ref", "approval_from_detail"]

log = logging.getLogger(__name__)


def approval_ref(approval: CardApproval) -> str:
    return f"card:{approval.terminal_id}:{approval.trace}:{approval.receipt_no or ''}"


def approval_from_detail(amount: int, detail: dict[str, Any]) -> CardApproval:
    fields = dict(detail)
    fields.pop("amount", None)
    lines = fields.get("receipt_lines") or ""
    fields["receipt_lines"] = tuple(lines.split("\n")) if isinstance(lines, str) and lines else ()
    known = set(CardApproval.__dataclass_fields__)
    return CardApproval(amount=amount, **{k: v for k, v in fields.items() if k in known})


class CardDesk:
    def __init__(
        self,
        terminal: Any,
        ledger: Ledger,
        *,
        post: Callable[[Any], None],
        session_for_credit: Callable[[], str],
    ) -> None:
        self.terminal = terminal
        self._ledger = ledger
        self._post = post
        self._session_for_credit = session_for_credit
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="card")
        self._busy = threading.Event()
        self.available = True
        self.last_status: dict[str, Any] = {}
        #: ``note_credit(credit_id, session_id)`` after each journalled credit (the runtime's map).
        self.note_credit: Callable[[str, str], None] = lambda _c, _s: None

    # -- effects (loop thread) ------------------------------------------------------------------
    def start_payment(self, amount: int) -> None:
        self._busy.set()
        self._pool.submit(self._pay, amount)

    def abort(self) -> None:
        if self._busy.is_set():
            self.terminal.abort()

    # -- background -----------------------------------------------------------------------------
    def recover_pending(self) -> list[str]:
        """Resolve approvals journalled but never acknowledged (start-up). Returns what
        happened to each ("kept", "reversed" or "unresolved")."""
        return [self._resolve(p) or "unresolved" for p in self._ledger.pending_card_approvals()]

    def _resolve(self, pending: Any) -> str | None:
        """Ask the terminal about one pending approval and journal its verdict: "kept",
        "reversed", or None when the terminal cannot tell (it stays pending)."""
        approval = approval_from_detail(pending.amount, pending.detail)
        try:
            verdict = str(self.terminal.recover(approval, keep=True))
        except Exception as exc:
            log.error("card: approval %s unresolved: %s", pending.ref, exc)
            return None
        if verdict == "kept":
            self._ledger.acknowledge_card_approval(pending.ref)
        else:
            self._ledger.reverse_card_approval(pending.ref, "reversed at recovery")
        self._ledger.audit("runtime", "card.recovered", {"ref": pending.ref, "verdict": verdict})
        return verdict

    def check_status(self) -> bool:
        """Ask the terminal how it is (periodically, from the runtime's monitor thread)."""
        if self._busy.is_set():
            return self.available
        try:
            status = self.terminal.status()
            ready = bool(status.ready)
            self.last_status = {"ready": ready, "key": status.key, "detail": status.detail,
                                "terminal_id": status.terminal_id}
        except Exception as exc:
            ready = False
            self.last_status = {"ready": False, "key": "offline", "detail": str(exc)}
        pending = bool(self._ledger.pending_card_approvals())
        available = ready and not pending
        if available != self.available:
            self.available = available
            self._post(ev.CardAvailability(available=available))
        return available

    def close(self) -> None:
        self.abort()
        self._pool.shutdown(wait=True, cancel_futures=True)
        try:
            self.terminal.close()
        except Exception:
            log.exception("card: terminal did not close cleanly")

    def _pay(self, amount: int) -> None:
        journalled: dict[str, Any] = {}

        def on_status(status: CardStatus) -> None:
            self._post(ev.CardStatusChanged(key=status.text_key))

        def on_approved(approval: CardApproval) -> None:
            ref = approval_ref(approval)
            detail = {k: v for k, v in asdict(approval).items() if k != "amount"}
            detail["receipt_lines"] = "\n".join(approval.receipt_lines)  # the journal keeps scalars
            session_id = self._session_for_credit()
            record = self._ledger.record_card_approval(
                session_id, ref=ref, amount=approval.amount, device="card",
                detail=detail,
            )
            self.note_credit(str(record.credit_id), session_id)
            journalled.update(ref=ref, credit_id=str(record.credit_id), amount=approval.amount)

        try:
            outcome: CardOutcome = self.terminal.authorize(
                amount, on_status=on_status, on_approved=on_approved
            )
        except Exception as exc:  # the driver promises outcomes, but never let money hang
            log.exception("card: authorize failed")
            outcome = CardOutcome(kind=OutcomeKind.ERROR, reason_key="card.reason.terminal_error",
                                  needs_recovery=bool(journalled), detail=str(exc))
        try:
            self._settle(outcome, journalled)
        finally:
            self._busy.clear()

    def _settle(self, outcome: CardOutcome, journalled: dict[str, Any]) -> None:
        ref = journalled.get("ref")
        if outcome.kind is OutcomeKind.APPROVED and ref:
            self._ledger.acknowledge_card_approval(ref)
            self._post(ev.CardApproved(credit_id=journalled["credit_id"], amount=journalled["amount"]))
            return
        if ref and outcome.kind is OutcomeKind.REVERSED:
            self._ledger.reverse_card_approval(ref, "reversed by the terminal")
        elif ref and outcome.needs_recovery:
            verdict = self._recover_now(ref)
            if verdict == "kept":
                self._post(ev.CardApproved(credit_id=journalled["credit_id"],
                                           amount=journalled["amount"]))
                return
            if verdict is None:  # unknown: the money may be taken; technician + restart resolve it
                self.available = False
                self._post(ev.CardAvailability(available=False))
                self._post(ev.CardDeclined(reason_key="card.reason.not_recorded"))
                return
        if outcome.kind is OutcomeKind.ABORTED:
            self._post(ev.CardAborted())
            return
        self._post(ev.CardDeclined(reason_key=outcome.reason_key or "card.reason.declined"))

    def _recover_now(self, ref: str) -> str | None:
        pending = next((p for p in self._ledger.pending_card_approvals() if p.ref == ref), None)
        return self._resolve(pending) if pending is not None else None
