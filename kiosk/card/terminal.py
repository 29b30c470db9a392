"""The card terminal as the kiosk sees it, whatever protocol the bank's device speaks.

A driver for a bank card terminal (``kiosk.card.zvt.ZvtCardTerminal`` today; a bank's own
protocol later) implements ``CardTerminal``. Everything here is protocol-neutral: status
and reason keys are i18n keys in ``kiosk/i18n/card.json``, raw protocol codes ride along
for the technician.

Threading: every method except ``abort`` blocks and must be called from ONE thread (the
runtime's card worker), one call at a time. ``abort`` may be called from any thread while
``authorize`` runs; it is a request, honoured only while the terminal still allows it.

Money rule (card.md 1.8): ``authorize`` hands the approval to ``on_approved`` BEFORE it
tells the terminal to keep it. ``on_approved`` must journal it durably and return; if it
raises, the terminal is told to reverse the payment (outcome ``REVERSED``). A crash
between the two leaves a journalled approval the terminal may have reversed or kept:
``recover(pending)`` finds out. See ``kiosk.card.zvt`` for how a payment is never charged
twice.

Errors::

    CardTerminalError          a call could not do its job (nothing was changed by it)
    └── RecoveryUnresolved     recover() could not tell whether the payment stands
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

__all__ = [
    "CardApproval",
    "CardStatus",
    "CardOutcome",
    "CardTotals",
    "OutcomeKind",
    "TerminalStatus",
    "CardTerminal",
    "CardTerminalError",
    "RecoveryUnresolved",
    "RecoveryResult",
]

RecoveryResult = Literal["kept", "reversed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CardApproval:
    """What the journal stores about an approved card payment. NEVER a full PAN.

    ``masked_pan`` keeps at most the first six and last four digits. ``receipt_no`` is the
    terminal's key for a reversal; ``trace`` its transaction counter; ``at`` an ISO 8601
    local time from the terminal (no zone), or None.
    """

    amount: int  # bani
    masked_pan: str
    approval_code: str
    terminal_id: str
    trace: str
    rrn: str | None
    receipt_no: str | None
    card_type: str | None
    aid: str | None
    at: str | None
    receipt_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CardStatus:
    """A step the payer should see while ``authorize`` runs.

    ``key``: protocol-neutral, e.g. ``insert_card``, ``enter_pin``, ``processing``,
    ``remove_card`` (all keys: ``kiosk.card.zvt_codes.STATUS_KEYS``); the payer text is
    ``t(status.text_key, lang)``. ``remove_card`` True: also ask to take the card back.
    ``raw``: the protocol's own code. ``terminal_text``: lines the terminal displayed, if
    it sent them (PANs masked).
    """

    key: str
    raw: int | None = None
    remove_card: bool = False
    terminal_text: tuple[str, ...] = ()

    @property
    def text_key(self) -> str:
        return f"card.status.{self.key}"


class OutcomeKind(StrEnum):
    APPROVED = "approved"  # money taken; ``approval`` set
    DECLINED = "declined"  # the terminal or the bank said no; nothing charged
    ABORTED = "aborted"  # cancelled (abort(), the terminal's cancel key); nothing charged
    TIMEOUT = "timeout"  # the payer or the terminal took too long; nothing charged
    REVERSED = "reversed"  # approved, but on_approved failed: the terminal reversed it
    ERROR = "error"  # line or protocol failure; see ``needs_recovery``


@dataclass(frozen=True, slots=True, kw_only=True)
class CardTotals:
    count: int
    amount: int  # bani
    receipt_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CardOutcome:
    """How a terminal operation ended.

    ``reason_key``: i18n key for the payer (``card.reason.*``), set unless approved.
    ``result_code``: the terminal's code (ZVT: BMP 27 / 06 1E / 84 xx), if any.
    ``needs_recovery``: an approval was handed to ``on_approved`` (or the terminal may hold
    one) but whether the terminal kept it is unknown: the payment must not be treated as
    done nor retried; call ``recover(approval)`` once the terminal answers again.
    ``detail``: a technician-facing English sentence (never card data).
    """

    kind: OutcomeKind
    approval: CardApproval | None = None
    result_code: int | None = None
    reason_key: str | None = None
    needs_recovery: bool = False
    totals: CardTotals | None = None
    detail: str = ""

    @property
    def approved(self) -> bool:
        return self.kind is OutcomeKind.APPROVED


@dataclass(frozen=True, slots=True, kw_only=True)
class TerminalStatus:
    """``key``: ``ready``, ``offline``, ``busy``, ... (i18n ``card.terminal.<key>``)."""

    ready: bool
    key: str
    raw: int | None = None
    terminal_id: str | None = None
    detail: str = ""

    @property
    def text_key(self) -> str:
        return f"card.terminal.{self.key}"


class CardTerminalError(Exception):
    """A terminal call could not do its job; nothing was changed by it."""


class RecoveryUnresolved(CardTerminalError):
    """The terminal could not tell whether a pending approval stands. Keep it pending,
    show it to the technician, try again later."""


class CardTerminal(Protocol):
    def authorize(
        self,
        amount: int,
        *,
        on_status: Callable[[CardStatus], None],
        on_approved: Callable[[CardApproval], None],
    ) -> CardOutcome:
        """Take ``amount`` bani from a card. Blocks until the terminal is done.

        ``on_status`` and ``on_approved`` are called on the calling thread. ``on_approved``
        is called at most once, before the terminal is told to keep the payment.
        """
        ...

    def abort(self) -> None:
        """Thread-safe request to cancel a running ``authorize``."""
        ...

    def reverse(self, receipt_no: str) -> CardOutcome:
        """Void a payment of the current batch; APPROVED means it was reversed."""
        ...

    def repeat_last(self) -> CardApproval | None:
        """The terminal's last stored payment, or None (also when it is a reversal)."""
        ...

    def end_of_day(self) -> CardOutcome:
        """Close the batch; APPROVED with ``totals``."""
        ...

    def status(self) -> TerminalStatus:
        """Ask the terminal how it is; never raises (a dead line is ``offline``)."""
        ...

    def recover(self, pending: CardApproval, *, keep: bool = True) -> RecoveryResult:
        """Resolve an approval journalled but never confirmed to the terminal.

        Returns "kept" (the terminal holds the payment: the money was taken) or "reversed"
        (it was undone, by the terminal itself or, with ``keep=False``, by us). Raises
        ``RecoveryUnresolved`` when the terminal cannot tell; nothing changed then.
        """
        ...

    def close(self) -> None: ...
