"""The money ledger: a durable SQLite journal of sessions, credits, payments, vouchers and the
cash box, the confirmation outbox and its delivery worker, the signed message archive.

Modules: ``store`` (file, WAL, migrations), ``schema``, ``chain`` (hash chains), ``credits``,
``payments`` (PaymentID minting), ``outbox``, ``worker`` (delivery thread, drain), ``vouchers``,
``cashbox``, ``archive`` (messages, receipts, audit), ``recovery`` (restart work, verify),
``export``; ``ledger.Ledger`` is the facade everyone calls.
"""

from kiosk.ledger.errors import (
    CreditConflict,
    InsufficientCredit,
    LedgerError,
    MintError,
    SchemaError,
    UnknownEntry,
    VoucherRefused,
)
from kiosk.ledger.ledger import Ledger
from kiosk.ledger.records import (
    ArchivedMessage,
    AuditRecord,
    CardApproval,
    CashBoxCount,
    Collection,
    Credit,
    Discrepancy,
    InterruptedSession,
    OfflinePolicy,
    OutboxEntry,
    OutboxSummary,
    Payment,
    SessionIntent,
    VerifyProblem,
    VerifyReport,
    Voucher,
)
from kiosk.ledger.store import DB_NAME
from kiosk.ledger.worker import (
    Attempt,
    Confirmer,
    DrainResult,
    OutboxState,
    OutboxWorker,
    attempt_delivery,
    drain,
)

__all__ = [
    "DB_NAME",
    "Ledger",
    "OutboxWorker",
    "OutboxState",
    "Confirmer",
    "Attempt",
    "attempt_delivery",
    "drain",
    "DrainResult",
    "LedgerError",
    "SchemaError",
    "CreditConflict",
    "InsufficientCredit",
    "VoucherRefused",
    "UnknownEntry",
    "MintError",
    "ArchivedMessage",
    "AuditRecord",
    "CardApproval",
    "CashBoxCount",
    "Collection",
    "Credit",
    "Discrepancy",
    "InterruptedSession",
    "OfflinePolicy",
    "OutboxEntry",
    "OutboxSummary",
    "Payment",
    "SessionIntent",
    "VerifyProblem",
    "VerifyReport",
    "Voucher",
]
