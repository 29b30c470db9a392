"""Fixed receipts used by the receipt tests: real MPay data (MDS02 example), all three languages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from kiosk.mpay.models import (
    ConfirmationLine,
    Order,
    OrderLine,
    PaymentAccount,
    PaymentConfirmation,
)
from kiosk.receipts.builder import (
    ReceiptSettings,
    collection_receipt,
    payment_receipt,
    voucher_receipt,
)
from kiosk.receipts.model import (
    CardSlip,
    CollectionReceipt,
    IssuedVoucher,
    Issuer,
    PaymentMethod,
    PaymentReceipt,
    VoucherCause,
    VoucherReceipt,
)

TZ = ZoneInfo("Europe/Chisinau")
WHEN = datetime(2026, 11, 22, 14, 5, 7, tzinfo=TZ)

ISSUER = Issuer(
    operator_name="SRL Plăți Rapide",
    operator_idno="1008600038413",
    terminal_id="KIOSK-001",
    terminal_address="mun. Chișinău, str. Ștefan cel Mare și Sfânt 1, oficiul 2",
    support_phone="+373 22 000 000",
    licence="A MMII 000123",
)
SETTINGS = ReceiptSettings(issuer=ISSUER, mask_payer=True, verification_key=b"test-key")

ACCOUNT = PaymentAccount(
    bank_account="MD77TRGAAA14153401000000",
    bank_code="TREZMD2X",
    bank_fiscal_code="1006601000255",
    beneficiary_name="Agenția „Moldsilva”",
)

#: The Reason is long, has a line break with a trailing space (as in the real MDS02 reply),
#: every Romanian letter, and is the same in all languages (MPay returns it as written).
REASON = (
    "Plata pentru arenda terenului fondului forestier conform contractului nr. 12/2025 \n"
    "încheiat cu Întreprinderea de Stat; țară: Republica Moldova; suma în lei, fără TVA. "
    "ĂÂÎȘȚ ăâîșț"
)

ORDER = Order(
    service_id="MDS02",
    order_key="MDS02250710092629689",
    status="Active",
    reason=REASON,
    total_amount_due=Decimal("9267.00"),
    customer_id="2006022048426",
    customer_name="Ștefănescu Țurcanu",
    lines=(
        OrderLine(
            line_id="Base:1|Nb-1",
            reason="Agenția Moldsilva",
            amount_due=Decimal("9267.00"),
            destination_account=ACCOUNT,
        ),
    ),
)

CONFIRMATION = PaymentConfirmation(
    payment_id="KIOSK-001-20261122-000123",
    service_id="MDS02",
    order_key=ORDER.order_key,
    paid_at=WHEN,
    total_amount=Decimal("9267.00"),
    lines=(ConfirmationLine(line_id="Base:1|Nb-1", amount=Decimal("9267.00")),),
    invoice_id="00069002233014",
)

SERVICE_NAMES = {
    "ro": "Arenda terenurilor fondului forestier (Agenția Moldsilva)",
    "ru": "Аренда земель лесного фонда (Агентство «Молдсилва»)",
    "en": "Forest land lease (Moldsilva Agency)",
}


def payment(lang: str, *, confirmed: bool = False, card: bool = False) -> PaymentReceipt:
    return payment_receipt(
        SETTINGS,
        lang=lang,
        number="000123",
        issued_at=WHEN,
        order=ORDER,
        confirmation=CONFIRMATION,
        service_name=SERVICE_NAMES[lang],
        amount_inserted=930_000,
        fee=500,
        confirmed=confirmed,
        method=PaymentMethod.CARD if card else PaymentMethod.CASH,
        voucher=None if card else IssuedVoucher(code="K7Q2-9XMP", amount=2_800),
        card=(
            CardSlip(
                masked_pan="************1234",
                approval_code="A1B2C3",
                terminal_id="52000123",
                trace="000456",
                rrn="632614000456",
                amount=926_700,
                lines=("MAIB VISA DEBIT", "AID: A0000000031010", "PIN VERIFICAT / ПИН ПРОВЕРЕН"),
            )
            if card
            else None
        ),
    )


def voucher(lang: str) -> VoucherReceipt:
    return voucher_receipt(
        SETTINGS,
        lang=lang,
        number="000124",
        issued_at=WHEN,
        code="K7Q2-9XMP",
        amount=2_800,
        cause=VoucherCause.OVERPAYMENT,
        expires_on=date(2027, 5, 22),
        payment_id=CONFIRMATION.payment_id,
    )


def collection(lang: str) -> CollectionReceipt:
    return collection_receipt(
        SETTINGS,
        lang=lang,
        number="C-000007",
        issued_at=WHEN,
        counts={
            ("bill", 100_000): 3,
            ("bill", 50_000): 7,
            ("bill", 10_000): 12,
            ("bill", 2_000): 1,
            ("coin", 1_000): 4,
            ("coin", 50): 9,
        },
        expected_total=776_450,
        technician="Ion Țurcan",
        period_start=datetime(2026, 11, 1, 8, 0, tzinfo=TZ),
    )


#: Words that must come back from the printed bytes, per language (folded forms: ş ţ).
WORDS = {
    "ro": ["BON DE PLATĂ", "Destinaţia plăţii", "Plătitor", "Achitat", "Comision", "Asistenţă"],
    "ru": ["КВИТАНЦИЯ ОБ ОПЛАТЕ", "Назначение платежа", "Плательщик", "Оплачено", "Поддержка"],
    "en": ["PAYMENT RECEIPT", "Payment purpose", "Payer", "Amount paid", "Support"],
}
