"""``kiosk ledger export``: the journal as plain JSON-able data, for reconciliation.

Keys (ARCHITECTURE.md, plus more): ``sessions``, ``credits`` (``id``, ``session_id``,
``source`` bill|coin|card|voucher, ``amount``, ``at`` ...), ``payments`` (``payment_id``,
``service_id``, ``order_key``, ``amount``, ``status`` pending|confirmed|rejected ...),
``vouchers``, ``cash_box`` (pieces per denomination since the last collection, bills and coins
together, keyed by amount string), ``cash_box_detail`` (the same split by kind, with totals),
``collections``, ``outbox`` (counts). Amounts are strings with two decimals.

Payment ``status`` ``rejected`` means MPay refused it with a non-retryable fault: the entry is
parked for a technician (``delivery`` says ``needs_technician``), the money is still accounted.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from kiosk.ledger import cashbox, outbox, vouchers
from kiosk.ledger.records import CASH_SOURCES, CashBoxCount
from kiosk.ledger.store import utc_iso
from kiosk.money import format_amount

__all__ = ["export", "cash_box_json", "PAYMENT_STATUS"]

#: outbox status -> the export's payment status
PAYMENT_STATUS = {"pending": "pending", "confirmed": "confirmed", "needs_technician": "rejected"}


def cash_box_json(count: CashBoxCount) -> dict[str, Any]:
    """The cash box split by kind: ``{"since", "bill": {"100.00": 3}, "coin": {...},
    "bill_total", "coin_total", "total", "pieces"}``."""
    out: dict[str, Any] = {"since": count.since}
    for source in CASH_SOURCES:
        per = count.counts.get(source, {})
        out[source] = {format_amount(d): n for d, n in sorted(per.items())}
        out[f"{source}_total"] = format_amount(count.total(source))
    out["total"] = format_amount(count.total())
    out["pieces"] = count.pieces
    return out


def _merged(count: CashBoxCount) -> dict[str, int]:
    merged: dict[int, int] = {}
    for per in count.counts.values():
        for d, n in per.items():
            merged[d] = merged.get(d, 0) + n
    return {format_amount(d): n for d, n in sorted(merged.items())}


def _ts(value: float | None) -> str | None:
    return utc_iso(value) if value is not None else None


def export(db: Database) -> dict[str, Any]:
    """Everything, in one consistent snapshot (call inside ``Store.read()``)."""
    sessions = [
        {
            "id": r["id"],
            "started_at": r["started_at"],
            "ended_at": r["ended_at"],
            "outcome": r["outcome"],
        }
        for r in db.execute("SELECT * FROM sessions ORDER BY rowid")
    ]
    allocated: dict[int, list[dict[str, str]]] = {}
    for r in db.execute("SELECT * FROM allocations ORDER BY id"):
        allocated.setdefault(r["credit_id"], []).append(
            {"kind": r["target_kind"], "target": r["target"], "amount": format_amount(r["amount"])}
        )
    credit_rows = [
        {
            "id": r["id"],
            "ref": r["ref"],
            "session_id": r["session_id"],
            "source": r["source"],
            "device": r["device"],
            "amount": format_amount(r["amount"]),
            "currency": r["currency"],
            "at": r["at"],
            "detail": json.loads(r["detail"]),
            "allocated_to": allocated.get(r["id"], []),
        }
        for r in db.execute("SELECT * FROM credits ORDER BY id")
    ]
    payment_rows = []
    for r in db.execute(
        "SELECT p.*, o.status AS delivery, o.attempts, o.confirmed_at, o.last_error, "
        "o.last_error_kind FROM payments p JOIN outbox o ON o.payment_id = p.payment_id "
        "ORDER BY p.rowid"
    ):
        payment_rows.append(
            {
                "payment_id": r["payment_id"],
                "session_id": r["session_id"],
                "service_id": r["service_id"],
                "order_key": r["order_key"],
                "amount": format_amount(r["amount"]),
                "fee": format_amount(r["fee"]),
                "currency": r["currency"],
                "paid_at": r["paid_at"],
                "created_at": r["created_at"],
                "status": PAYMENT_STATUS[r["delivery"]],
                "delivery": r["delivery"],
                "attempts": r["attempts"],
                "confirmed_at": _ts(r["confirmed_at"]),
                "last_error": r["last_error"],
                "content_sha256": r["content_sha256"],
            }
        )
    voucher_rows = [
        {
            "code": v.code,
            "display_code": v.display_code,
            "session_id": v.session_id,
            "amount": format_amount(v.amount),
            "currency": v.currency,
            "reason": v.reason,
            "issued_at": v.issued_at,
            "redeemed": v.redeemed_at is not None,
            "redeemed_at": v.redeemed_at,
            "redeemed_session_id": v.redeemed_session_id,
        }
        for v in vouchers.vouchers(db)
    ]
    count = cashbox.current(db)
    summary = outbox.summary(db)
    return {
        "sessions": sessions,
        "credits": credit_rows,
        "payments": payment_rows,
        "vouchers": voucher_rows,
        "cash_box": _merged(count),
        "cash_box_detail": cash_box_json(count),
        "collections": [
            {
                "id": c.id,
                "at": c.at,
                "actor": c.actor,
                "expected_total": format_amount(c.expected_total),
                "counted_total": (
                    format_amount(c.counted_total) if c.counted_total is not None else None
                ),
                "balanced": c.balanced,
            }
            for c in cashbox.collections(db, limit=1_000_000)
        ],
        "outbox": {
            "pending": summary.pending,
            "pending_amount": format_amount(summary.pending_amount),
            "needs_technician": summary.needs_technician,
            "confirmed": summary.confirmed,
        },
    }
