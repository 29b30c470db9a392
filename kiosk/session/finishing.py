"""Handlers after the settlement: recording, confirming (bounded), printing, the result screen;
and the vouchers of late credits (money that came when the session could not take it).

The payer is never kept waiting on MPay: ``ConfirmationSettled`` is awaited ``confirm_wait_s``
at most, then the result says "accepted, confirmation pending" (and updates if it comes later).
Without a usable printer the receipt is not attempted and the result screen shows a QR instead.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.session import events as ev
from kiosk.session.effects import PrintReceipt
from kiosk.session.journey import Result, same, to_attract
from kiosk.session.properties import payment_properties
from kiosk.session.states import Phase, SessionState
from kiosk.session.view import ConfirmationState, Outcome, ReceiptState

__all__ = [
    "payment_recorded",
    "voucher_issued",
    "confirmation_settled",
    "confirm_timeout",
    "start_print",
    "receipt_printed",
    "print_timeout",
    "result_done",
]


def late_voucher_issued(s: SessionState, e: ev.VoucherIssued) -> Result:
    """A late credit's voucher exists: print it (or show it on the result screen)."""
    s = replace(s, late_requests=s.late_requests - {e.request_id})
    if s.journey.settled is not None:
        s = s.with_journey(
            late_vouchers=s.journey.late_vouchers + ((e.request_id, e.code, e.amount),)
        )
    if not s.printer_ok:
        return same(s)
    s, rid = s.request()
    return s, (
        PrintReceipt(
            request_id=rid,
            language=s.language,
            outcome=Outcome.VOUCHER.value,
            service_id=None,
            order_key=None,
            order=None,
            payment_id=None,
            amount=0,
            fee=0,
            inserted=e.amount,
            voucher_code=e.code,
            voucher_amount=e.amount,
            confirmation=ConfirmationState.NONE.value,
        ),
    )


# -- recording, confirming, printing, result ----------------------------------------------------
def _settled(s: SessionState, **changes: object) -> SessionState:
    assert s.journey.settled is not None
    return s.with_journey(settled=replace(s.journey.settled, **changes))  # type: ignore[arg-type]


def payment_recorded(s: SessionState, e: ev.PaymentRecorded) -> Result:
    st = s.journey.settled
    if st is None or e.request_id != st.payment_request or st.payment_id is not None:
        return same(s)
    return _check_recorded(_settled(s, payment_id=e.payment_id))


def voucher_issued(s: SessionState, e: ev.VoucherIssued) -> Result:
    st = s.journey.settled
    if e.request_id in s.late_requests:
        return late_voucher_issued(s, e)
    if st is None or e.request_id != st.voucher_request or st.voucher_code is not None:
        return same(s)
    return _check_recorded(_settled(s, voucher_code=e.code))


def _check_recorded(s: SessionState) -> Result:
    st = s.journey.settled
    assert st is not None
    if s.phase != Phase.RECORDING:
        return same(s)
    if st.payment_request is not None and st.payment_id is None:
        return same(s)
    if st.voucher_request is not None and st.voucher_code is None:
        return same(s)
    if st.confirmation == ConfirmationState.CONFIRMING:
        return same(s.go(Phase.CONFIRMING))
    return start_print(s)


def confirmation_settled(s: SessionState, e: ev.ConfirmationSettled) -> Result:
    st = s.journey.settled
    if st is None or st.payment_id is None or st.payment_id != e.payment_id:
        return same(s)
    state = ConfirmationState.CONFIRMED if e.confirmed else ConfirmationState.REVIEW
    s = _settled(s, confirmation=state)
    if s.phase == Phase.CONFIRMING:
        return start_print(s)
    return same(s)


def confirm_timeout(s: SessionState) -> Result:
    return start_print(_settled(s, confirmation=ConfirmationState.PENDING))


def start_print(s: SessionState) -> Result:
    st = s.journey.settled
    assert st is not None
    if not s.printer_ok:
        return same(_settled(s, receipt=ReceiptState.NO_PAPER).go(Phase.RESULT))
    s, rid = s.request()
    s = _settled(s, receipt=ReceiptState.PRINTING, print_request=rid).go(Phase.PRINTING)
    order = s.journey.order
    return s, (
        PrintReceipt(
            request_id=rid,
            language=s.language,
            outcome=st.outcome.value,
            service_id=order.service_id if order and st.payment_request else None,
            order_key=order.order_key if order and st.payment_request else None,
            order=order if st.payment_request else None,
            payment_id=st.payment_id,
            amount=st.paid,
            fee=st.fee,
            inserted=st.inserted,
            voucher_code=st.voucher_code,
            voucher_amount=st.voucher,
            confirmation=st.confirmation.value,
            properties=payment_properties(s.journey.specs, dict(s.journey.values))
            if st.payment_request
            else (),
        ),
    )


def receipt_printed(s: SessionState, e: ev.ReceiptPrinted) -> Result:
    st = s.journey.settled
    if st is None or e.request_id != st.print_request:
        return same(s)
    receipt = ReceiptState.PRINTED if e.ok else ReceiptState.FAILED
    return same(_settled(s, receipt=receipt).go(Phase.RESULT))


def print_timeout(s: SessionState) -> Result:
    return same(_settled(s, receipt=ReceiptState.FAILED).go(Phase.RESULT))


def result_done(s: SessionState, _e: object) -> Result:
    st = s.journey.settled
    return to_attract(s, st.outcome.value if st is not None else "abandoned")
