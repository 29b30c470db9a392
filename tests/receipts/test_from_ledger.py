"""Receipts from a real journal: the stored receipt first, else one built from ledger facts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.i18n import t
from kiosk.ledger import Ledger
from kiosk.receipts.from_ledger import (
    ReceiptNotFound,
    last_receipt_for,
    payment_receipt_for,
    receipt_for,
    receipt_key,
    voucher_receipt_for,
)
from kiosk.receipts.layout import layout, plain_text
from kiosk.receipts.model import (
    ConfirmationState,
    PaymentMethod,
    PaymentReceipt,
    VoucherCause,
    VoucherReceipt,
    as_duplicate,
    receipt_from_dict,
    receipt_to_dict,
)
from tests.receipts import samples
from tests.receipts.journal import AMOUNT, FEE, config_file, confirm, order_intent, pay


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(config_file(tmp_path, '[printer]\nconnection = "virtual"\n'))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def test_payment_receipt_built_from_ledger_facts(state: Path, config: Config) -> None:
    paid = pay(state, intent=order_intent("ru"))
    with Ledger.open(state) as ledger:
        r = payment_receipt_for(ledger, config, paid.payment_id)
        assert payment_receipt_for(ledger, config, paid.payment_id) == r  # same on every rebuild
        voucher = ledger.voucher(paid.voucher_code or "")
    assert isinstance(r, PaymentReceipt) and not r.duplicate
    assert (r.payment_id, r.service_id, r.order_key) == (
        paid.payment_id,
        "MDS02",
        samples.ORDER.order_key,
    )
    assert r.lang == "ru"  # the session's language
    assert r.service_name == "Аренда лесных земель"  # from the configuration
    assert r.reason == samples.REASON  # from the order kept with the session's intent
    assert [(b.name, b.iban, b.fiscal_code) for b in r.beneficiaries] == [
        ("Agenția „Moldsilva”", "MD77TRGAAA14153401000000", "1006601000255")
    ]
    assert (r.payer_name, r.payer_id) == ("Ș********* Ț******", "*********8426")  # masked
    assert (r.amount_due, r.amount_inserted, r.amount_applied, r.fee) == (
        AMOUNT,
        1_000_000,
        AMOUNT,
        FEE,
    )
    assert voucher is not None and r.voucher is not None
    assert (r.voucher.code, r.voucher.amount) == (voucher.display_code, 1_000_000 - AMOUNT - FEE)
    assert r.method is PaymentMethod.CASH and r.card is None
    assert r.confirmation is ConfirmationState.PENDING
    assert r.issued_at.utcoffset() is not None and str(r.issued_at.tzinfo) == "Europe/Chisinau"
    assert r.number == "-".join(paid.payment_id.split("-")[-2:])
    assert r.issuer.terminal_id == "DEMO-01"

    confirm(state, paid.payment_id)
    with Ledger.open(state) as ledger:
        again = payment_receipt_for(ledger, config, paid.payment_id, lang="en")
    assert again.confirmation is ConfirmationState.CONFIRMED
    assert (again.lang, again.service_name) == ("en", "Forest land lease")


def test_card_payment_carries_the_card_terminals_data(state: Path, config: Config) -> None:
    detail = {
        "masked_pan": "411111******1111",
        "approval_code": "A1B2C3",
        "terminal_id": "52000123",
        "trace": 456,
        "rrn": "632614000456",
        "receipt_lines": "MAIB VISA DEBIT\nPIN VERIFICAT",
    }
    paid = pay(state, intent=order_intent("ro"), card_detail=detail)
    with Ledger.open(state) as ledger:
        r = payment_receipt_for(ledger, config, paid.payment_id)
    assert r.method is PaymentMethod.CARD and paid.voucher_code is None and r.voucher is None
    assert r.card is not None
    assert (r.card.masked_pan, r.card.approval_code, r.card.trace, r.card.rrn) == (
        "411111******1111",
        "A1B2C3",
        "456",
        "632614000456",
    )
    assert r.card.lines == ("MAIB VISA DEBIT", "PIN VERIFICAT")
    assert r.amount_inserted == AMOUNT + FEE


def test_without_an_intent_the_receipt_says_the_reason_was_not_kept(
    state: Path, config: Config
) -> None:
    paid = pay(state, intent=None)
    with Ledger.open(state) as ledger:
        r = payment_receipt_for(ledger, config, paid.payment_id)
    assert r.lang == "ro"  # the configured default
    assert r.reason == t("receipt.reason_not_kept", "ro")
    assert r.amount_due is None and r.payer_name is None
    # the confirmation's lines name the destination account, so the beneficiary is still known
    assert [b.iban for b in r.beneficiaries] == ["MD77TRGAAA14153401000000"]
    assert r.service_name == "Arenda terenurilor forestiere"


def test_an_intent_for_another_order_is_not_used(state: Path, config: Config) -> None:
    data = order_intent("ru")
    data["order"] = {**data["order"], "order_key": "SOMETHING-ELSE"}
    paid = pay(state, intent=data)
    with Ledger.open(state) as ledger:
        r = payment_receipt_for(ledger, config, paid.payment_id)
    assert r.reason == t("receipt.reason_not_kept", "ru")


def test_the_runtimes_tagged_order_form_is_read(state: Path, config: Config) -> None:
    codec = pytest.importorskip("kiosk.runtime.codec")
    paid = pay(state, intent={"order": codec.to_json(samples.ORDER), "language": "en"})
    with Ledger.open(state) as ledger:
        r = payment_receipt_for(ledger, config, paid.payment_id)
    assert (r.reason, r.amount_due, r.lang) == (samples.REASON, AMOUNT, "en")


def test_the_stored_receipt_is_preferred_and_its_state_brought_up_to_date(
    state: Path, config: Config
) -> None:
    paid = pay(state, intent=order_intent("ro"))
    with Ledger.open(state) as ledger:
        built = payment_receipt_for(ledger, config, paid.payment_id)
        original = dataclasses.replace(built, number="ORIGINAL-7", service_name="Numele tipărit")
        ledger.store_receipt(paid.payment_id, "payment", receipt_to_dict(original))
        assert payment_receipt_for(ledger, config, paid.payment_id) == original
        ru = payment_receipt_for(ledger, config, paid.payment_id, lang="ru")
    assert ru == dataclasses.replace(original, lang="ru")  # labels change, data as printed
    confirm(state, paid.payment_id)
    with Ledger.open(state) as ledger:
        now = payment_receipt_for(ledger, config, paid.payment_id)
    assert now == dataclasses.replace(original, confirmation=ConfirmationState.CONFIRMED)


def test_an_unreadable_stored_receipt_falls_back_to_the_ledger(
    state: Path, config: Config
) -> None:
    paid = pay(state, intent=order_intent("ro"))
    with Ledger.open(state) as ledger:
        ledger.store_receipt(paid.payment_id, "payment", {"version": 99})
        r = payment_receipt_for(ledger, config, paid.payment_id)
    assert r.payment_id == paid.payment_id and r.reason == samples.REASON


def test_voucher_receipt_built_and_stored(state: Path, config: Config) -> None:
    paid = pay(state, intent=order_intent("ru"))
    code = paid.voucher_code
    assert code is not None
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:]} "  # as a payer might type it
    with Ledger.open(state) as ledger:
        v = voucher_receipt_for(ledger, config, typed)
        assert isinstance(v, VoucherReceipt)
        assert v.voucher.code == f"{code[:4]}-{code[4:8]}-{code[8:]}"
        assert v.voucher.amount == 1_000_000 - AMOUNT - FEE
        assert (v.cause, v.payment_id, v.lang) == (
            VoucherCause.OVERPAYMENT,
            paid.payment_id,
            "ru",
        )
        stored = dataclasses.replace(v, number="V-ORIGINAL")
        ledger.store_receipt(v.voucher.code, "voucher", receipt_to_dict(stored))
        assert voucher_receipt_for(ledger, config, code) == stored
        assert receipt_for(ledger, config, typed) == stored
        assert receipt_key(stored) == v.voucher.code


def test_unknown_keys(state: Path, config: Config) -> None:
    paid = pay(state, intent=None)
    with Ledger.open(state) as ledger:
        with pytest.raises(ReceiptNotFound):
            payment_receipt_for(ledger, config, paid.payment_id + "9")
        for key in ("not a voucher", "2345-6789-ABCC", paid.voucher_code or ""):
            with pytest.raises(ReceiptNotFound):
                receipt_for(ledger, config, key[::-1] if key == paid.voucher_code else key)
        with pytest.raises(ReceiptNotFound):
            last_receipt_for(ledger, config)
        # a collection report (or anything else) is found by the key it was stored under
        report = samples.collection("ro")
        ledger.store_receipt(report.number, "collection", receipt_to_dict(report))
        assert receipt_for(ledger, config, report.number) == report


def test_last_stored_receipt(state: Path, config: Config) -> None:
    first = pay(state, intent=order_intent("ro"))
    second = pay(state, intent=order_intent("en"))
    with Ledger.open(state) as ledger:
        assert ledger.last_receipt() is None
        for paid in (second, first):  # stored out of payment order: the last stored wins
            r = payment_receipt_for(ledger, config, paid.payment_id)
            ledger.store_receipt(paid.payment_id, "payment", receipt_to_dict(r))
        last = ledger.last_receipt()
        assert last is not None and (last.key, last.kind) == (first.payment_id, "payment")
        assert receipt_from_dict(last.body) == last_receipt_for(ledger, config)
        intent = ledger.intent(second.session_id)
        assert intent is not None and intent.data["language"] == "en"
        assert ledger.intent("no-such-session") is None


@pytest.mark.parametrize(("lang", "marker"), [("ro", "COPIE"), ("ru", "КОПИЯ"), ("en", "DUPLICATE")])
def test_a_duplicate_says_so_on_paper(lang: str, marker: str) -> None:
    for original in (samples.payment(lang), samples.voucher(lang), samples.collection(lang)):
        copy = as_duplicate(original)
        assert copy.duplicate and not original.duplicate
        assert receipt_from_dict(receipt_to_dict(copy)) == copy
        assert marker not in plain_text(layout(original, 48), 48)
        text = plain_text(layout(copy, 48), 48)
        assert marker in text and t("receipt.duplicate_note", lang) in text.replace("\n", " ")


def test_receipts_stored_before_the_marker_existed_still_load() -> None:
    data = receipt_to_dict(samples.payment("ro"))
    del data["duplicate"]
    assert receipt_from_dict(data) == samples.payment("ro")
