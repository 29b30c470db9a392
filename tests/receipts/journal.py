"""Journals with real payments for the reprint tests, and a plain decoder of printed bytes.

``decode_text`` reads a print job the simple way, independent of ``kiosk.receipts.interpreter``:
text bytes are decoded with the code page the last ``ESC t n`` selected (slot numbers from the
printer profile), LF ends a line, every other command is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.escpos.commands import Command, Control, Text, tokenize
from kiosk.commands.order import order_to_json
from kiosk.config import demo_config_path
from kiosk.ledger import Ledger
from kiosk.mpay.confirmation import build_confirmation
from kiosk.receipts.profiles import PrinterProfile
from tests.receipts import samples

TERMINAL = "KIOSK-001"
AMOUNT = 926_700  # the MDS02 sample order, paid in full
FEE = 500


@dataclass(frozen=True)
class Paid:
    payment_id: str
    session_id: str
    voucher_code: str | None  # the change voucher, as the ledger keeps it (no dashes)


def pay(
    state: Path,
    *,
    bills: int = 10,
    intent: dict[str, Any] | None = None,
    card_detail: dict[str, Any] | None = None,
) -> Paid:
    """One session paying the sample order: ``bills`` x 1000 lei (change as a voucher), or a
    card approval of the exact amount when ``card_detail`` is given. ``intent``: the data
    journalled with the session's intent (None: no intent at all)."""
    with Ledger.open(state, terminal_id=TERMINAL) as ledger:
        sid = ledger.begin_session()
        if intent is not None:
            ledger.note_intent(
                sid,
                service_id=samples.ORDER.service_id,
                order_key=samples.ORDER.order_key,
                amount=AMOUNT,
                fee=FEE,
                data=intent,
            )
        if card_detail is not None:
            ledger.record_card_approval(
                sid, ref=f"card:{sid}", amount=AMOUNT + FEE, device="zvt", detail=card_detail
            )
            ledger.acknowledge_card_approval(f"card:{sid}")
        for i in range(bills if card_detail is None else 0):
            ledger.record_credit(
                sid, source="bill", amount=100_000, device="ccnet", ref=f"{sid}:bill:{i}"
            )
        payment = ledger.mint_payment(
            sid,
            lambda pid, at: build_confirmation(samples.ORDER, AMOUNT, pid, at),
            fee=FEE,
        )
        code = None
        if rest := ledger.balance(sid):
            code = ledger.issue_voucher(sid, rest, "change").code
        ledger.end_session(sid, "paid")
    return Paid(payment.payment_id, sid, code)


def order_intent(lang: str = "ru") -> dict[str, Any]:
    """Intent data as a runtime keeps it: the order (``kiosk order --json`` shape), language."""
    return {"order": order_to_json(samples.ORDER, True), "language": lang}


def confirm(state: Path, payment_id: str) -> None:
    with Ledger.open(state) as ledger:
        ledger.record_attempt(payment_id, outcome="confirmed", started_at=0.0, evidence=None)


def config_file(tmp_path: Path, printer: str) -> Path:
    """The demo configuration with its ``[printer]`` section replaced."""
    text = demo_config_path().read_text(encoding="utf-8")
    start = text.index("[printer]")
    end = text.index("\n[", start + 1)
    path = tmp_path / "kiosk.toml"
    path.write_text(text[:start] + printer + text[end:], encoding="utf-8")
    return path


def decode_text(data: bytes, profile: PrinterProfile) -> str:
    """The text of a print job, decoded with the code page each ``ESC t n`` selected."""
    out: list[str] = []
    page = "ascii"
    for token in tokenize(data):
        if isinstance(token, Text):
            out.append(token.data.decode(page))
        elif isinstance(token, Control) and token.code == 0x0A:
            out.append("\n")
        elif isinstance(token, Command) and token.name == "ESC t":
            selected = profile.codepage_for_slot(token.args[0])
            assert selected is not None, f"ESC t {token.args[0]} selects no known code page"
            page = selected
    return "".join(out)
