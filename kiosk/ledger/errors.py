"""Errors of the ledger. Each one means "nothing was written": the transaction was rolled back.

::

    LedgerError
    ├── SchemaError          the journal is from a newer build, or a migration failed
    ├── CreditConflict       a credit ``ref`` was re-delivered with different content
    ├── InsufficientCredit   a payment or voucher needs more than the session's unallocated credit
    ├── VoucherRefused       a voucher code cannot be redeemed (``.reason``: malformed, check,
    │                        unknown, redeemed)
    ├── UnknownEntry         no payment / outbox entry / card approval with that id
    └── MintError            the confirmation builder returned content that does not match

sqlite3 errors (disk full, I/O error) are not wrapped: they are environmental, and the
transaction that raised them has been rolled back all the same.
"""

from __future__ import annotations

__all__ = [
    "LedgerError",
    "SchemaError",
    "CreditConflict",
    "InsufficientCredit",
    "VoucherRefused",
    "UnknownEntry",
    "MintError",
]


class LedgerError(Exception):
    pass


class SchemaError(LedgerError):
    pass


class CreditConflict(LedgerError):
    """The same raw event ``ref`` arrived again with a different amount, source or session."""


class InsufficientCredit(LedgerError):
    def __init__(self, message: str, *, needed: int, available: int) -> None:
        super().__init__(message)
        self.needed = needed
        self.available = available


class VoucherRefused(LedgerError):
    """``reason`` is one of ``malformed``, ``check``, ``unknown``, ``redeemed``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class UnknownEntry(LedgerError):
    pass


class MintError(LedgerError):
    pass
