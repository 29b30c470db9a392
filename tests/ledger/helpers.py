"""Helpers for the ledger tests (not fixtures): real orders, real confirmations, real settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from kiosk.ledger import Ledger, Payment
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.models import Order, OrderLine, PaymentAccount, PaymentConfirmation
from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.settings import MpaySettings

SIM_AMOUNT = 15000  # the sandbox's SIM- orders are 150.00 MDL


def settings_for(url: str, **changes: object) -> MpaySettings:
    base = MpaySettings(
        endpoint=url,
        sign_cert=demo_cert("terminal.crt"),
        sign_key=demo_cert("terminal.key"),
        mpay_cert=demo_cert("mpay.crt"),
        timeout_s=5.0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def sim_order(key: str, service_id: str = "MDS02", amount: int = SIM_AMOUNT) -> Order:
    """An order as the sandbox serves its SIM- keys (one line SIM-1), built locally."""
    due = Decimal(amount) / 100
    return Order(
        service_id=service_id,
        order_key=key,
        status="Active",
        reason="Simulation order",
        total_amount_due=due,
        lines=(
            OrderLine(
                line_id="SIM-1",
                reason="Simulation",
                amount_due=due,
                destination_account=PaymentAccount(
                    bank_code="TREZMD2X", bank_account="MD77TRGAAA14153401000000"
                ),
            ),
        ),
    )


def builder(order: Order, amount: int) -> Callable[[str, datetime], PaymentConfirmation]:
    """The real ``build_confirmation``, as the session passes it to ``mint_payment``."""

    def build(payment_id: str, paid_at: datetime) -> PaymentConfirmation:
        return build_confirmation(order, amount, payment_id, paid_at)

    return build


def insert_bills(ledger: Ledger, session_id: str, *amounts: int, prefix: str = "") -> None:
    for i, amount in enumerate(amounts):
        ledger.record_credit(
            session_id,
            source="bill",
            amount=amount,
            device="ccnet",
            ref=f"{prefix or session_id}:bill:{i}",
        )


def paid_session(ledger: Ledger, key: str, *, fee: int = 0) -> Payment:
    """A session that inserts exactly 150 lei (+ fee) and pays the SIM order ``key``."""
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 10000, 5000)
    if fee:
        ledger.record_credit(sid, source="coin", amount=fee, device="cctalk", ref=f"{sid}:fee")
    return ledger.mint_payment(sid, builder(sim_order(key), SIM_AMOUNT), fee=fee)
