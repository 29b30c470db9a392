"""What a restart must finish, and the full consistency check behind ``kiosk ledger verify``.

On every start the runtime asks for ``interrupted_sessions`` (money inserted that is in no
payment, voucher or reversal: finish it as a payment if the intent is complete, else issue a
voucher) and ``pending_card_approvals`` (approved on the card terminal, not yet acknowledged).
Outbox entries need nothing: they are due and the worker resumes them.

``verify`` walks every hash chain and then checks the money invariants across tables.
"""

from __future__ import annotations

import hashlib

from sqlite_utils import Database

from kiosk.ledger import chain, credits
from kiosk.ledger.payments import confirmation_from_json
from kiosk.ledger.records import CardApproval, InterruptedSession, VerifyProblem, VerifyReport

__all__ = ["interrupted_sessions", "pending_card_approvals", "verify"]


def interrupted_sessions(db: Database) -> list[InterruptedSession]:
    rows = db.execute(
        "SELECT c.session_id AS sid, SUM(c.amount) - COALESCE(("
        "  SELECT SUM(a.amount) FROM allocations a JOIN credits c2 ON c2.id = a.credit_id"
        "  WHERE c2.session_id = c.session_id), 0) AS balance "
        "FROM credits c GROUP BY c.session_id HAVING balance > 0 ORDER BY MIN(c.id)"
    ).fetchall()
    out = []
    for row in rows:
        sid = row["sid"]
        started = db.execute("SELECT started_at FROM sessions WHERE id = ?", [sid]).fetchone()
        pids = [
            r[0]
            for r in db.execute(
                "SELECT payment_id FROM payments WHERE session_id = ? ORDER BY rowid", [sid]
            )
        ]
        out.append(
            InterruptedSession(
                session_id=sid,
                started_at=started[0] if started is not None else "",
                balance=row["balance"],
                credits=tuple(credits.session_credits(db, sid)),
                payments=tuple(pids),
                intent=credits.latest_intent(db, sid),
            )
        )
    return out


def pending_card_approvals(db: Database) -> list[CardApproval]:
    refs = [
        r[0]
        for r in db.execute(
            "SELECT ref FROM card_approvals WHERE status = 'awaiting_ack' ORDER BY rowid"
        )
    ]
    found = [credits.card_approval(db, ref) for ref in refs]
    return [a for a in found if a is not None]


def _invariants(db: Database) -> list[VerifyProblem]:
    problems: list[VerifyProblem] = []
    for row in db.execute(
        "SELECT c.id, c.amount, SUM(a.amount) AS used FROM credits c "
        "JOIN allocations a ON a.credit_id = c.id GROUP BY c.id HAVING used > c.amount"
    ):
        problems.append(
            VerifyProblem(
                table="allocations",
                key=f"credit_id={row['id']}",
                problem=f"{row['used']} bani allocated from a credit of {row['amount']}",
            )
        )
    for row in db.execute(
        "SELECT p.payment_id, p.amount + p.fee AS due, COALESCE(SUM(a.amount), 0) AS funded "
        "FROM payments p LEFT JOIN allocations a "
        "  ON a.target_kind = 'payment' AND a.target = p.payment_id "
        "GROUP BY p.payment_id HAVING funded != due"
    ):
        problems.append(
            VerifyProblem(
                table="payments",
                key=f"payment_id={row['payment_id']}",
                problem=f"funded by {row['funded']} bani of credit, needs {row['due']}",
            )
        )
    for row in db.execute(
        "SELECT v.code, v.amount, COALESCE(SUM(a.amount), 0) AS funded FROM vouchers v "
        "LEFT JOIN allocations a ON a.target_kind = 'voucher' AND a.target = v.code "
        "GROUP BY v.code HAVING funded != v.amount"
    ):
        problems.append(
            VerifyProblem(
                table="vouchers",
                key=f"code={row['code']}",
                problem=f"funded by {row['funded']} bani of credit, worth {row['amount']}",
            )
        )
    for row in db.execute("SELECT payment_id, content, content_sha256 FROM payments"):
        key = f"payment_id={row['payment_id']}"
        digest = hashlib.sha256(row["content"].encode("utf-8")).hexdigest()
        if digest != row["content_sha256"]:
            problems.append(VerifyProblem(table="payments", key=key, problem="content digest"))
            continue
        try:
            conf = confirmation_from_json(row["content"])
        except (ValueError, KeyError, TypeError):
            problems.append(VerifyProblem(table="payments", key=key, problem="content unreadable"))
            continue
        if conf.payment_id != row["payment_id"]:
            problems.append(
                VerifyProblem(table="payments", key=key, problem="content names another payment")
            )
    for row in db.execute(
        "SELECT p.payment_id FROM payments p LEFT JOIN outbox o ON o.payment_id = p.payment_id "
        "WHERE o.payment_id IS NULL"
    ):
        problems.append(
            VerifyProblem(
                table="outbox", key=f"payment_id={row[0]}", problem="payment has no outbox entry"
            )
        )
    for row in db.execute(
        "SELECT c.id FROM credits c LEFT JOIN voucher_redemptions r ON r.credit_id = c.id "
        "WHERE c.source = 'voucher' AND r.code IS NULL"
    ):
        problems.append(
            VerifyProblem(
                table="credits", key=f"id={row[0]}", problem="voucher credit without a redemption"
            )
        )
    for row in db.execute(
        "SELECT r.code FROM voucher_redemptions r JOIN vouchers v ON v.code = r.code "
        "JOIN credits c ON c.id = r.credit_id WHERE c.amount != v.amount OR c.source != 'voucher'"
    ):
        problems.append(
            VerifyProblem(
                table="voucher_redemptions",
                key=f"code={row[0]}",
                problem="redeemed credit does not match the voucher",
            )
        )
    return problems


def verify(db: Database) -> VerifyReport:
    """Check SQLite's own structure, every chain, then the cross-table invariants."""
    rows: dict[str, int] = {}
    problems: list[VerifyProblem] = []
    check = [r[0] for r in db.execute("PRAGMA quick_check")]
    if check != ["ok"]:
        problems.append(VerifyProblem(table="(file)", key="-", problem="; ".join(check[:5])))
        return VerifyReport(rows=rows, problems=tuple(problems))
    for table in chain.CHAINED:
        count, problem = chain.verify_table(db, table)
        rows[table] = count
        if problem is not None:
            problems.append(problem)
    problems += _invariants(db)
    return VerifyReport(rows=rows, problems=tuple(problems))
