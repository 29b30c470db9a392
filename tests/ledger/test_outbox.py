"""One delivery attempt against the real MPay sandbox: outcomes, backoff, evidence, policy."""

from __future__ import annotations

import pytest

from kiosk.ledger import Ledger, OfflinePolicy, attempt_delivery
from kiosk.ledger.outbox import backoff_delay
from kiosk.mpay.client import MpayClient
from kiosk.mpay.errors import AuthFailed, InternalError
from kiosk.mpay.models import Evidence, PaymentConfirmation
from kiosk.mpay.sandbox import MpaySandbox

from .conftest import Clock
from .helpers import SIM_AMOUNT, builder, insert_bills, paid_session, settings_for, sim_order


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    full = [backoff_delay(n, initial=2, maximum=300, rng=lambda: 1.0) for n in range(1, 11)]
    assert full == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    half = [backoff_delay(n, initial=2, maximum=300, rng=lambda: 0.0) for n in range(1, 4)]
    assert half == [1, 2, 4]
    assert backoff_delay(10_000, initial=2, maximum=300, rng=lambda: 1.0) == 300


def test_confirmed_with_evidence_archived(
    ledger: Ledger, client: MpayClient, sandbox: MpaySandbox
) -> None:
    p = paid_session(ledger, "SIM-O1")
    entry = ledger.outbox_entry(p.payment_id)
    result = attempt_delivery(ledger, client, entry)
    assert (result.outcome, result.attempt, result.error) == ("confirmed", 1, None)
    after = ledger.outbox_entry(p.payment_id)
    assert after.status == "confirmed" and after.confirmed_at == ledger.now()
    [msg] = ledger.messages(p.payment_id)
    assert msg.outcome == "confirmed" and msg.attempt == 1
    assert p.payment_id.encode() in msg.request and b"Signature" in msg.request
    assert b"ConfirmOrderPaymentResponse" in msg.response
    assert [c.payment_id for c in sandbox.confirmations()] == [p.payment_id]
    assert ledger.outbox_summary().confirmed == 1


@pytest.mark.parametrize(
    ("kind", "error_kind"),
    [
        ("internal", "InternalError"),
        ("http503", "MpayHttpError"),
        ("reset", "MpayConnectionError"),
    ],
)
def test_transient_failures_retry_later_with_backoff(
    ledger: Ledger,
    client: MpayClient,
    sandbox: MpaySandbox,
    clock: Clock,
    kind: str,
    error_kind: str,
) -> None:
    p = paid_session(ledger, "SIM-O2")
    sandbox.fail_next(kind)
    result = attempt_delivery(
        ledger, client, ledger.outbox_entry(p.payment_id), rng=lambda: 1.0, backoff_initial_s=2
    )
    assert result.outcome == "retry" and result.delay == 2
    entry = ledger.outbox_entry(p.payment_id)
    assert (entry.status, entry.attempts, entry.last_error_kind) == ("pending", 1, error_kind)
    assert entry.next_attempt_at == clock.now + 2
    assert ledger.messages(p.payment_id)[0].outcome == "retry"
    # the second attempt, same PaymentID and content, goes through
    clock.advance(2)
    second = attempt_delivery(ledger, client, ledger.outbox_entry(p.payment_id))
    assert (second.outcome, second.attempt) == ("confirmed", 2)
    assert len(sandbox.confirmations()) == 1


def test_timeout_retries_and_the_late_confirmation_is_not_doubled(
    ledger: Ledger, sandbox: MpaySandbox
) -> None:
    p = paid_session(ledger, "SIM-O7")
    sandbox.fail_next("slow")  # processed, but the reply comes after 2 s
    with MpayClient(settings_for(sandbox.url, timeout_s=0.3)) as impatient:
        result = attempt_delivery(ledger, impatient, ledger.outbox_entry(p.payment_id))
        assert result.outcome == "retry"
        assert ledger.outbox_entry(p.payment_id).last_error_kind == "MpayTimeout"
        again = attempt_delivery(ledger, impatient, ledger.outbox_entry(p.payment_id))
    assert again.outcome == "confirmed"
    assert [c.payment_id for c in sandbox.confirmations()] == [p.payment_id]


def test_lost_reply_is_resent_and_applied_once(
    ledger: Ledger, client: MpayClient, sandbox: MpaySandbox
) -> None:
    p = paid_session(ledger, "SIM-O3")
    sandbox.fail_next("lost_reply")
    first = attempt_delivery(ledger, client, ledger.outbox_entry(p.payment_id))
    assert first.outcome == "retry"
    assert attempt_delivery(ledger, client, ledger.outbox_entry(p.payment_id)).outcome == (
        "confirmed"
    )
    assert [c.payment_id for c in sandbox.confirmations()] == [p.payment_id]
    assert sandbox.stats().get("repeats") == 1 and not sandbox.stats().get("conflicts")
    requests = [m.request for m in ledger.messages(p.payment_id)]
    assert len(requests) == 2 and all(p.payment_id.encode() in r for r in requests)


def test_non_retryable_fault_parks_then_technician_requeues(
    ledger: Ledger, client: MpayClient, clock: Clock
) -> None:
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 15000)
    # A key the sandbox does not know: UnknownOrder on confirm (not retryable).
    p = ledger.mint_payment(sid, builder(sim_order("NO-SUCH-ORDER"), SIM_AMOUNT))
    result = attempt_delivery(ledger, client, ledger.outbox_entry(p.payment_id))
    assert result.outcome == "parked" and result.delay is None
    entry = ledger.outbox_entry(p.payment_id)
    assert (entry.status, entry.alert, entry.last_error_kind) == (
        "needs_technician",
        True,
        "UnknownOrder",
    )
    [msg] = ledger.messages(p.payment_id)
    assert msg.outcome == "parked" and b"UnknownOrder" in msg.response  # the signed fault
    # The money is still accounted for: the payment exists, exported as rejected.
    assert ledger.export()["payments"][0]["status"] == "rejected"
    assert ledger.next_due(clock.now + 10_000, horizon=300) == (None, None)
    clock.advance(60)
    again = ledger.requeue(p.payment_id, "tech")
    assert (again.status, again.next_attempt_at) == ("pending", clock.now)
    assert ledger.audit_log()[-1].action == "outbox.requeue"


def test_bad_reply_signature_retries_with_an_alert(
    ledger: Ledger, client: MpayClient, sandbox: MpaySandbox
) -> None:
    p = paid_session(ledger, "SIM-O4")
    sandbox.fail_next("badsig")
    result = attempt_delivery(ledger, client, ledger.outbox_entry(p.payment_id))
    entry = ledger.outbox_entry(p.payment_id)
    assert result.outcome == "retry"
    assert (entry.status, entry.alert, entry.last_error_kind) == (
        "pending",
        True,
        "MpaySignatureError",
    )
    assert ledger.outbox_summary().alert == 1


class _Scripted:
    """A confirmer that fails with the given errors, then succeeds (pure backoff logic only)."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[PaymentConfirmation] = []

    def confirm_order_payment(self, conf: PaymentConfirmation) -> Evidence:
        self.sent.append(conf)
        if self.errors:
            raise self.errors.pop(0)
        return Evidence(request=b"<req/>", response=b"<ok/>")


def test_schedule_is_stored_and_the_same_content_is_resent(ledger: Ledger, clock: Clock) -> None:
    p = paid_session(ledger, "SIM-O5")
    confirmer = _Scripted(
        InternalError("InternalError"), AuthFailed("AuthenticationFailed"), RuntimeError("a bug")
    )
    delays = []
    for _ in range(4):
        entry, _due = ledger.next_due(clock.now, horizon=300)
        assert entry is not None
        result = attempt_delivery(ledger, confirmer, entry, rng=lambda: 1.0, backoff_initial_s=2)
        delays.append(result.delay)
        if result.delay:
            assert ledger.next_due(clock.now, horizon=300)[0] is None  # not due yet
            clock.advance(result.delay)
    assert delays == [2, 4, 8, None]
    assert ledger.outbox_entry(p.payment_id).status == "confirmed"
    assert all(c == p.confirmation for c in confirmer.sent) and len(confirmer.sent) == 4
    kinds = [m.error_kind for m in ledger.messages(p.payment_id)]
    assert kinds == ["InternalError", "AuthFailed", "RuntimeError", None]


def test_due_time_far_ahead_means_the_clock_jumped_back(ledger: Ledger, clock: Clock) -> None:
    p = paid_session(ledger, "SIM-O6")
    ledger.record_attempt(
        p.payment_id,
        outcome="retry",
        started_at=clock.now,
        evidence=None,
        next_attempt_at=clock.now + 86_400,
    )
    entry, due = ledger.next_due(clock.now, horizon=300)
    assert entry is not None and entry.payment_id == p.payment_id and due == clock.now + 86_400


def test_offline_policy_stops_money_when_too_much_is_unconfirmed(ledger: Ledger) -> None:
    policy = OfflinePolicy(max_pending_count=3, max_pending_amount=40_000)
    assert ledger.may_accept_money(policy) == (True, "ok")
    paid_session(ledger, "SIM-Q1")
    paid_session(ledger, "SIM-Q2")
    assert ledger.may_accept_money(policy) == (True, "ok")  # 300.00 < 400.00, 2 < 3
    p3 = paid_session(ledger, "SIM-Q3")
    assert ledger.may_accept_money(policy) == (False, "outbox_count")
    assert ledger.may_accept_money(
        OfflinePolicy(max_pending_count=10, max_pending_amount=45_000)
    ) == (
        False,
        "outbox_amount",
    )
    ledger.record_attempt(p3.payment_id, outcome="confirmed", started_at=0.0, evidence=None)
    assert ledger.may_accept_money(policy) == (True, "ok")
