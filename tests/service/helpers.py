"""Shared by the service-mode tests: a real configuration file, a real journal with cash in it."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.config import Config, hash_pin, load_config
from kiosk.ledger import Ledger, Payment
from tests.ledger.helpers import builder, sim_order

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo.toml"
PIN = "2468"
FAST_HASH = hash_pin(PIN, iterations=1000)  # the real pbkdf2, fewer rounds: tests stay quick


def write_config(
    folder: Path, *, max_attempts: int = 3, lockout_s: int = 60, text: str | None = None
) -> Path:
    """The demo configuration with its state, receipts and PIN moved under ``folder``."""
    body = text if text is not None else DEMO.read_text(encoding="utf-8")
    body = re.sub(r'pin_hash = "[^"]*"', f'pin_hash = "{FAST_HASH}"', body)
    body = re.sub(r"max_attempts = \d+", f"max_attempts = {max_attempts}", body)
    body = re.sub(r"lockout_s = \d+", f"lockout_s = {lockout_s}", body)
    body = body.replace('receipts_dir = "../state/demo/receipts"',
                        f'receipts_dir = "{folder / "receipts"}"')
    body = body.replace('dir = "../state/demo"', f'dir = "{folder / "state"}"')
    path = folder / "kiosk.toml"
    path.write_text(body, encoding="utf-8")
    return path


def make_config(folder: Path, **kwargs: int) -> tuple[Config, Path]:
    path = write_config(folder, **kwargs)
    return load_config(path), path


BILLS = (10000, 10000, 20000, 50000)  # bani: 100, 100, 200, 500 lei
COINS = (100, 500, 100)  # 1, 5, 1 lei


def fill_cash(ledger: Ledger, session: str = "S1") -> int:
    """Bills and coins stacked in ``session``, then settled as a voucher (so no money is left
    in flight). Returns the total in bani."""
    for i, bani in enumerate(BILLS):
        ledger.record_credit(session, source="bill", amount=bani, device="ccnet", ref=f"{session}b{i}")
    for i, bani in enumerate(COINS):
        ledger.record_credit(session, source="coin", amount=bani, device="cctalk", ref=f"{session}c{i}")
    total = sum(BILLS) + sum(COINS)
    ledger.issue_voucher(session, ledger.balance(session), "change")
    return total


def parked_payment(ledger: Ledger, key: str = "SIM-0001", amount: int = 15000) -> Payment:
    """A paid payment whose confirmation MPay refused for good (parked for a technician)."""
    session = f"P-{key}"
    ledger.record_credit(session, source="bill", amount=amount, device="ccnet", ref=f"{session}-b")
    payment = ledger.mint_payment(session, builder(sim_order(key, amount=amount), amount))
    ledger.record_attempt(payment.payment_id, outcome="parked", started_at=ledger.now(),
                          evidence=None, error=RuntimeError("signature rejected"))
    return payment
