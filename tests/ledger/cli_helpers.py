"""Shared by the outbox / ledger / cashbox command tests: the real console script, a journal
filled through the real Ledger, the real MPay sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk.ledger import Ledger, Payment
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.models import Order, OrderLine
from kiosk.mpay.sandbox import demo_cert

REPO = Path(__file__).resolve().parents[2]  # the checkout


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, KIOSK_CONFIG="/nonexistent/kiosk.toml")
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=full,
    )


def as_json(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.stdout.count("\n") == 1, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def connection(url: str) -> list[str]:
    return [
        "--endpoint",
        url,
        "--sign-cert",
        str(demo_cert("terminal.crt")),
        "--sign-key",
        str(demo_cert("terminal.key")),
        "--mpay-cert",
        str(demo_cert("mpay.crt")),
    ]


def pay(ledger: Ledger, key: str, *, bills: tuple[int, ...] = (10000, 5000)) -> Payment:
    """A session that inserts ``bills`` and pays 150.00 of the SIM order ``key``."""
    sid = ledger.begin_session()
    for i, bani in enumerate(bills):
        ledger.record_credit(sid, source="bill", amount=bani, device="ccnet", ref=f"{sid}:{i}")
    order = Order(
        service_id="MDS02",
        order_key=key,
        status="Active",
        reason="r",
        total_amount_due=Decimal("150.00"),
        lines=(OrderLine(line_id="SIM-1", reason="r", amount_due=Decimal("150.00")),),
    )
    return ledger.mint_payment(sid, lambda pid, at: build_confirmation(order, 15000, pid, at))
