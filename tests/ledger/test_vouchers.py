"""Credit vouchers: easy to type, hard to guess, redeemable once, mistypes caught."""

from __future__ import annotations

import threading

import pytest

from kiosk.ledger import Ledger, VoucherRefused
from kiosk.ledger.vouchers import ALPHABET, check_char, new_code, normalize_code

from .helpers import insert_bills


@pytest.fixture
def code(ledger: Ledger) -> str:
    insert_bills(ledger, "S1", 20000, 5000)
    v = ledger.issue_voucher("S1", 25000, "payment could not be confirmed")
    return v.code


def test_issue_takes_the_session_balance(ledger: Ledger, code: str) -> None:
    v = ledger.voucher(code)
    assert v is not None and v.amount == 25000 and v.session_id == "S1"
    assert len(v.code) == 12 and set(v.code) <= set(ALPHABET)
    assert v.display_code == f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert ledger.balance("S1") == 0
    assert v.redeemed_at is None


def test_redeem_once_as_typed(ledger: Ledger, code: str) -> None:
    typed = f" {code[:4].lower()} - {code[4:8]}-{code[8:].lower()} "
    credit = ledger.redeem_voucher(typed, "S2")
    assert (credit.source, credit.amount, credit.session_id) == ("voucher", 25000, "S2")
    assert ledger.balance("S2") == 25000
    v = ledger.voucher(code)
    assert v is not None and v.redeemed_session_id == "S2" and v.redeemed_at is not None


def test_second_redemption_is_refused(ledger: Ledger, code: str) -> None:
    ledger.redeem_voucher(code, "S2")
    with pytest.raises(VoucherRefused, match="already used") as info:
        ledger.redeem_voucher(code, "S3")
    assert info.value.reason == "redeemed"
    assert ledger.balance("S3") == 0 and ledger.balance("S2") == 25000


def test_concurrent_redemptions_only_one_wins(ledger: Ledger, code: str) -> None:
    results: list[str] = []

    def redeem(sid: str) -> None:
        try:
            ledger.redeem_voucher(code, sid)
            results.append("ok")
        except VoucherRefused as exc:
            results.append(exc.reason)

    threads = [threading.Thread(target=redeem, args=(f"R{i}",)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert sorted(results) == ["ok"] + ["redeemed"] * 4
    assert sum(ledger.balance(f"R{i}") for i in range(5)) == 25000


def test_wrong_check_character_is_refused(ledger: Ledger, code: str) -> None:
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(VoucherRefused) as info:
        ledger.redeem_voucher(wrong, "S2")
    assert info.value.reason == "check"
    assert ledger.balance("S2") == 0


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("", "malformed"), ("ABCD-EFGH-JKM", "malformed"), ("ABCD-EFGH-JK0N", "malformed")],
)
def test_malformed_codes_are_refused(ledger: Ledger, typed: str, reason: str) -> None:
    with pytest.raises(VoucherRefused) as info:
        ledger.redeem_voucher(typed, "S2")
    assert info.value.reason == reason


def test_unknown_code_with_a_valid_check_is_refused(ledger: Ledger, code: str) -> None:
    other = new_code()
    assert other != code
    with pytest.raises(VoucherRefused) as info:
        ledger.redeem_voucher(other, "S2")
    assert info.value.reason == "unknown"


def test_check_character_catches_every_single_typo_and_neighbour_swap() -> None:
    code = new_code()
    assert normalize_code(code) == code
    for i in range(12):
        for ch in ALPHABET:
            if ch != code[i]:
                typo = code[:i] + ch + code[i + 1 :]
                with pytest.raises(VoucherRefused):
                    normalize_code(typo)
    for i in range(11):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            with pytest.raises(VoucherRefused):
                normalize_code(swapped)


def test_codes_look_random_and_carry_a_valid_check() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(check_char(c[:-1]) == c[-1] for c in codes)
    assert {c[0] for c in codes} == set(ALPHABET)  # every first character occurs
