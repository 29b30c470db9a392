"""Card payments at a bank card terminal: the protocol-neutral interface and its adapters."""

from kiosk.card.terminal import (
    CardApproval,
    CardOutcome,
    CardStatus,
    CardTerminal,
    CardTerminalError,
    CardTotals,
    OutcomeKind,
    RecoveryResult,
    RecoveryUnresolved,
    TerminalStatus,
)

__all__ = [
    "CardApproval",
    "CardOutcome",
    "CardStatus",
    "CardTerminal",
    "CardTerminalError",
    "CardTotals",
    "OutcomeKind",
    "RecoveryResult",
    "RecoveryUnresolved",
    "TerminalStatus",
]
