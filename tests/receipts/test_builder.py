"""Building receipts from MPay data: masking, beneficiaries, the verification code."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from kiosk.mpay.models import ConfirmationLine, OrderLine, PaymentAccount
from kiosk.receipts.builder import ReceiptSettings, mask_id, mask_name, payment_receipt
from kiosk.receipts.model import Beneficiary, ConfirmationState
from kiosk.receipts.verification import CODE_LENGTH, verification_code, verify
from tests.receipts import samples


def test_masking() -> None:
    assert mask_name("Ștefănescu Țurcanu") == "Ș********* Ț******"
    assert mask_id("2006022048426") == "*********8426"
    assert mask_id("123") == "***"


def test_payment_receipt_from_order_and_confirmation() -> None:
    r = samples.payment("ro")
    assert r.payment_id == "KIOSK-001-20261122-000123" and r.invoice_id == "00069002233014"
    assert (r.amount_due, r.amount_applied, r.amount_inserted, r.fee) == (
        926700,
        926700,
        930000,
        500,
    )
    assert r.confirmation is ConfirmationState.PENDING
    assert r.beneficiaries == (
        Beneficiary(
            name="Agenția „Moldsilva”",
            fiscal_code="1006601000255",
            iban="MD77TRGAAA14153401000000",
            amount=926700,
        ),
    )
    assert r.payer_name == "Ș********* Ț******" and r.payer_id == "*********8426"
    assert len(r.verification) == CODE_LENGTH
    assert verify(
        r.verification,
        reference=r.payment_id,
        terminal_id="KIOSK-001",
        amount=r.amount_applied,
        issued_at=r.issued_at,
        key=b"test-key",
    )
    assert not verify(
        r.verification,
        reference=r.payment_id,
        terminal_id="KIOSK-001",
        amount=r.amount_applied + 1,
        issued_at=r.issued_at,
        key=b"test-key",
    )


def test_unmasked_when_configured() -> None:
    settings = ReceiptSettings(issuer=samples.ISSUER, mask_payer=False)
    r = payment_receipt(
        settings,
        lang="en",
        number="1",
        issued_at=samples.WHEN,
        order=samples.ORDER,
        confirmation=samples.CONFIRMATION,
        service_name="x",
        amount_inserted=926700,
        confirmed=True,
    )
    assert r.payer_name == "Ștefănescu Țurcanu" and r.payer_id == "2006022048426"


def test_split_order_lists_each_beneficiary_with_its_amount() -> None:
    second = PaymentAccount(
        bank_account="MD11AG000000022510001310",
        bank_fiscal_code="1003600000000",
        beneficiary_name="Primăria Chișinău",
    )
    order = replace(
        samples.ORDER,
        lines=(
            samples.ORDER.lines[0],
            OrderLine(
                line_id="L2",
                reason="Taxa",
                amount_due=Decimal("100.00"),
                destination_account=second,
            ),
        ),
    )
    confirmation = replace(
        samples.CONFIRMATION,
        total_amount=Decimal("9367.00"),
        lines=(
            ConfirmationLine(line_id="Base:1|Nb-1", amount=Decimal("9267.00")),
            ConfirmationLine(line_id="L2", amount=Decimal("100.00")),
        ),
    )
    r = payment_receipt(
        samples.SETTINGS,
        lang="ro",
        number="2",
        issued_at=samples.WHEN,
        order=order,
        confirmation=confirmation,
        service_name="x",
        amount_inserted=936700,
        confirmed=True,
    )
    assert [(b.name, b.amount) for b in r.beneficiaries] == [
        ("Agenția „Moldsilva”", 926700),
        ("Primăria Chișinău", 10000),
    ]


def test_verification_without_a_key_is_a_plain_hash() -> None:
    args = dict(reference="P1", terminal_id="T", amount=100, issued_at=samples.WHEN)
    keyed = verification_code(key=b"k", **args)  # type: ignore[arg-type]
    plain = verification_code(key=None, **args)  # type: ignore[arg-type]
    assert keyed != plain and plain == verification_code(key=None, **args)  # type: ignore[arg-type]
    assert plain.isalnum() and plain.isupper()
