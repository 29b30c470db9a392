"""The cash box: bills and coins taken in since the last collection, and collections.

Counts are derived from the credits themselves (sources ``bill`` and ``coin``), so they can
never disagree with the journal. A collection closes the period at the newest cash credit's id
and records what was expected, what the technician counted and what the devices' own
counters said (both optional), and every denomination where they disagree. Collections are
append-only and hash-chained.

Count dictionaries are ``{"bill": {denomination_bani: pieces}, "coin": {...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from kiosk.ledger import chain
from kiosk.ledger.records import CASH_SOURCES, CashBoxCount, Collection, Discrepancy

__all__ = ["Counts", "check_counts", "current", "collect", "collections"]

Counts = Mapping[str, Mapping[int, int]]


def check_counts(counts: Counts, what: str) -> dict[str, dict[int, int]]:
    """A clean copy; raises ValueError naming the bad entry."""
    out: dict[str, dict[int, int]] = {}
    for source, per in counts.items():
        if source not in CASH_SOURCES:
            raise ValueError(f"{what}: unknown kind {source!r} (use bill or coin)")
        clean: dict[int, int] = {}
        for denom, pieces in per.items():
            if isinstance(denom, bool) or not isinstance(denom, int) or denom <= 0:
                raise ValueError(f"{what}: {source} denomination must be positive bani")
            if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 0:
                raise ValueError(f"{what}: {source} {denom}: pieces must be a count >= 0")
            if pieces:
                clean[denom] = pieces
        out[source] = clean
    return out


def _last(db: Database) -> tuple[int, str | None]:
    row = db.execute(
        "SELECT last_credit_id, at FROM collections ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row is not None else (0, None)


def current(db: Database) -> CashBoxCount:
    after, since = _last(db)
    counts: dict[str, dict[int, int]] = {s: {} for s in CASH_SOURCES}
    last = after
    rows = db.execute(
        "SELECT source, amount, COUNT(*), MAX(id) FROM credits "
        "WHERE id > ? AND source IN ('bill', 'coin') GROUP BY source, amount",
        [after],
    )
    for source, amount, pieces, max_id in rows:
        counts[source][amount] = pieces
        last = max(last, max_id)
    return CashBoxCount(since=since, after_credit_id=after, last_credit_id=last, counts=counts)


def _compare(
    against: str, expected: dict[str, dict[int, int]], found: dict[str, dict[int, int]]
) -> list[Discrepancy]:
    out = []
    for source in CASH_SOURCES:
        if source not in found:
            continue  # a count of the bills only says nothing about the coins
        exp, got = expected.get(source, {}), found[source]
        for denom in sorted(set(exp) | set(got)):
            if exp.get(denom, 0) != got.get(denom, 0):
                out.append(
                    Discrepancy(
                        against=against,
                        source=source,
                        denomination=denom,
                        expected=exp.get(denom, 0),
                        found=got.get(denom, 0),
                    )
                )
    return out


def _dump_counts(counts: Mapping[str, Mapping[int, int]] | None) -> str | None:
    if counts is None:
        return None
    return json.dumps(
        {s: {str(d): n for d, n in sorted(per.items())} for s, per in sorted(counts.items())},
        sort_keys=True,
        separators=(",", ":"),
    )


def _load_counts(text: str | None) -> dict[str, dict[int, int]] | None:
    if text is None:
        return None
    return {s: {int(d): n for d, n in per.items()} for s, per in json.loads(text).items()}


def collect(
    db: Database,
    actor: str,
    at: str,
    counted: Counts | None = None,
    device_counters: Counts | None = None,
) -> Collection:
    """Close the period (must run in a write transaction). Raises ValueError on bad counts."""
    if not actor:
        raise ValueError("a collection needs an actor (who emptied the box)")
    counted_c = check_counts(counted, "counted") if counted is not None else None
    device_c = check_counts(device_counters, "device counters") if device_counters else None
    period = current(db)
    expected = {s: dict(per) for s, per in period.counts.items()}
    found = []
    if counted_c is not None:
        found += _compare("counted", expected, counted_c)
    if device_c is not None:
        found += _compare("device", expected, device_c)
    row = {
        "id": chain.next_id(db, "collections"),
        "at": at,
        "actor": actor,
        "after_credit_id": period.after_credit_id,
        "last_credit_id": period.last_credit_id,
        "expected": _dump_counts(expected),
        "expected_total": period.total(),
        "counted": _dump_counts(counted_c),
        "counted_total": (
            sum(d * n for per in counted_c.values() for d, n in per.items())
            if counted_c is not None
            else None
        ),
        "device_counters": _dump_counts(device_c),
        "discrepancies": json.dumps(
            [[d.against, d.source, d.denomination, d.expected, d.found] for d in found],
            separators=(",", ":"),
        ),
    }
    chain.append(db, "collections", row)
    return _collection(row, period.since)


def _collection(row: Mapping[str, Any], since: str | None) -> Collection:
    expected = _load_counts(row["expected"]) or {}
    return Collection(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        since=since,
        expected=expected,
        expected_total=row["expected_total"],
        counted=_load_counts(row["counted"]),
        counted_total=row["counted_total"],
        device_counters=_load_counts(row["device_counters"]),
        discrepancies=tuple(
            Discrepancy(against=a, source=s, denomination=d, expected=e, found=f)
            for a, s, d, e, f in json.loads(row["discrepancies"])
        ),
    )


def collections(db: Database, limit: int = 50) -> list[Collection]:
    """The newest ``limit`` collections, oldest first."""
    rows = db.execute("SELECT * FROM collections ORDER BY id").fetchall()
    out = []
    since = None
    for r in rows:
        out.append(_collection(r, since))
        since = r["at"]
    return out[-limit:]
