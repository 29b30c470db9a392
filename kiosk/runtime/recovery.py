"""Start-up recovery: finish every session a crash or power cut interrupted.

Runs before the payer screen comes up (and before any device is enabled). For each session
that still holds unallocated credit (``Ledger.interrupted_sessions``):

* a card approval of it still awaiting the terminal's verdict: left alone (the card desk asks
  the terminal first; what it cannot resolve stays visible to the technician);
* no payment minted yet, the payer's intent known (order + amount, journalled when money was
  first asked for) and the credit covers amount + fee: the payment is minted with that content
  and queued for confirmation; anything above it becomes a change voucher;
* otherwise (incomplete, or a payment was already minted: never pay twice): the balance
  becomes a credit voucher, kept in the journal for the technician and redeemable here.

Nothing is counted twice: the journal allocates each ban to exactly one payment or voucher.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kiosk.ledger import Ledger
from kiosk.mpay.confirmation import build_confirmation
from kiosk.runtime.codec import CodecError, from_json

__all__ = ["RecoveredSession", "recover_interrupted"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveredSession:
    session_id: str
    balance: int
    payment_id: str | None
    voucher_code: str | None
    voucher_amount: int
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "balance": self.balance,
            "payment_id": self.payment_id,
            "voucher_code": self.voucher_code,
            "voucher_amount": self.voucher_amount,
            "skipped": self.skipped,
        }


def recover_interrupted(ledger: Ledger) -> list[RecoveredSession]:
    pending_cards = {p.session_id for p in ledger.pending_card_approvals()}
    done: list[RecoveredSession] = []
    for s in ledger.interrupted_sessions():
        if s.session_id in pending_cards:
            log.warning("recovery: session %s waits for its card approval's verdict", s.session_id)
            done.append(RecoveredSession(session_id=s.session_id, balance=s.balance,
                                         payment_id=None, voucher_code=None, voucher_amount=0,
                                         skipped="card approval unresolved"))
            continue
        payment_id = None
        left = s.balance
        intent = s.intent
        if not s.payments and intent is not None and intent.amount and intent.service_id:
            total = intent.amount + intent.fee
            try:
                order = from_json(intent.data.get("order")) if intent.data.get("order") else None
                props = from_json(intent.data.get("properties") or {"__tuple__": []})
            except CodecError as exc:
                log.error("recovery: session %s intent unreadable: %s", s.session_id, exc)
                order = None
                props = ()
            if order is not None and left >= total:
                amount = intent.amount

                def build(pid: str, paid_at: Any, order: Any = order, amount: int = amount,
                          props: Any = props) -> Any:
                    return build_confirmation(order, amount, pid, paid_at, props)

                try:
                    payment = ledger.mint_payment(s.session_id, build, fee=intent.fee)
                    payment_id = payment.payment_id
                    left -= total
                except Exception as exc:
                    log.error("recovery: could not pay session %s: %s", s.session_id, exc)
        code = None
        if left > 0:
            reason = "change" if payment_id else "interrupted"
            voucher = ledger.issue_voucher(s.session_id, left, reason)
            code = voucher.display_code
        ledger.end_session(s.session_id, "recovered")
        result = RecoveredSession(session_id=s.session_id, balance=s.balance,
                                  payment_id=payment_id, voucher_code=code,
                                  voucher_amount=left if code else 0)
        ledger.audit("runtime", "recovery.session", result.to_dict())
        log.warning("recovery: session %s finished: %s", s.session_id, result.to_dict())
        done.append(result)
    return done
