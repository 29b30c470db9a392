"""ZVT codes mapped to the kiosk's protocol-neutral keys (i18n ``card.status.*``,
``card.reason.*``, ``card.terminal.*``). Sources: ZVT-C 3.7, 10, 11 via card.md 1.10."""

from __future__ import annotations

from drivers.zvt.codes import IntermediateCode as I
from drivers.zvt.codes import ResultCode as R
from drivers.zvt.codes import TerminalStatusCode as T

__all__ = [
    "STATUS_KEYS",
    "REASON_KEYS",
    "TERMINAL_KEYS",
    "status_key",
    "reason_key",
    "terminal_key",
    "card_type_name",
]

_STATUS: dict[int, str] = {
    I.WAIT_AMOUNT_CONFIRMATION: "confirm_amount",
    I.WATCH_PIN_PAD: "enter_pin",
    I.WATCH_PIN_PAD_2: "enter_pin",
    I.NOT_ACCEPTED: "card_not_accepted",
    I.WAIT_HOST: "processing",
    I.SENDING_AUTO_REVERSAL: "reversing",
    I.SENDING_POST_BOOKINGS: "processing",
    I.CARD_NOT_ADMITTED: "card_not_accepted",
    I.CARD_UNKNOWN: "card_not_accepted",
    I.CARD_EXPIRED: "card_expired",
    I.INSERT_CARD: "insert_card",
    I.REMOVE_CARD: "remove_card",
    I.CARD_NOT_READABLE: "card_unreadable",
    I.PROCESSING_ERROR: "processing_error",
    I.PLEASE_WAIT: "wait",
    I.AUTO_END_OF_DAY: "wait",
    I.INVALID_CARD: "card_not_accepted",
    I.BALANCE_DISPLAY: "wait",
    I.SYSTEM_MALFUNCTION: "processing_error",
    I.PAYMENT_NOT_POSSIBLE: "payment_not_possible",
    I.CREDIT_NOT_SUFFICIENT: "insufficient_funds",
    I.INCORRECT_PIN: "wrong_pin",
    I.LIMIT_NOT_SUFFICIENT: "limit_exceeded",
    I.PLEASE_WAIT_2: "wait",
    I.PIN_TRY_LIMIT_EXCEEDED: "pin_tries_exceeded",
    I.CARD_DATA_INCORRECT: "card_unreadable",
    I.SERVICE_MODE: "out_of_service",
    I.APPROVED_FILL_UP: "approved",
    I.APPROVED_TAKE_GOODS: "approved",
    I.DECLINED: "declined",
    I.MOBILE_NUMBER: "follow_terminal",
    I.MOBILE_NUMBER_REPEAT: "follow_terminal",
    I.CURRENCY_SELECTION: "follow_terminal",
    I.LANGUAGE_SELECTION: "follow_terminal",
    I.APPLICATION_SELECTION: "follow_terminal",
    I.DIAL_UP: "processing",
    I.DIAL_UP_DONE: "processing",
    I.WAIT_APPLICATION_SELECTION: "follow_terminal",
    I.WAIT_LANGUAGE_SELECTION: "follow_terminal",
    I.OFFLINE: "processing",
    I.ONLINE: "processing",
    I.OFFLINE_TRANSACTION: "processing",
    I.SEE_TLV: "follow_terminal",
}
STATUS_KEYS = frozenset(_STATUS.values()) | {"unknown"}


def status_key(code: int) -> tuple[str, bool]:
    """(key, remove_card) for a 04 FF status byte; 41-5D = 01-1D + "please remove card"."""
    if 0x41 <= code <= 0x5D:
        return _STATUS.get(code - 0x40, "unknown"), True
    return _STATUS.get(code, "unknown"), code == I.REMOVE_CARD


# Host codes 01-63 are ISO 8583 response codes sent as binary (ZVT-C 10).
_HOST: dict[int, str] = {
    4: "card_blocked",
    7: "card_blocked",
    14: "card_not_accepted",
    15: "card_not_accepted",
    33: "card_expired",
    41: "card_blocked",
    43: "card_blocked",
    51: "insufficient_funds",
    54: "card_expired",
    55: "wrong_pin",
    57: "card_not_accepted",
    58: "card_not_accepted",
    61: "limit_exceeded",
    62: "card_not_accepted",
    65: "limit_exceeded",
    75: "pin_tries_exceeded",
    91: "bank_unavailable",
    96: "bank_unavailable",
}

_TERMINAL: dict[int, str] = {
    R.CARD_NOT_READABLE: "card_unreadable",
    R.CARD_DATA_NOT_PRESENT: "card_unreadable",
    R.CHIP_ERROR: "card_unreadable",
    R.CARD_DATA_INCORRECT: "card_unreadable",
    R.NOT_PERMITTED_DEBIT: "card_not_accepted",
    R.NOT_PERMITTED_CREDIT: "card_not_accepted",
    R.CARD_UNKNOWN: "card_not_accepted",
    R.CARD_NOT_YET_VALID: "card_not_accepted",
    R.PAYMENT_METHOD_NOT_SUPPORTED: "card_not_accepted",
    0x76: "card_not_accepted",  # PAN not in white list
    0xC4: "card_not_accepted",  # card profile invalid
    0xD2: "card_not_accepted",  # not permitted for service cards
    R.CARD_BLOCKED: "card_blocked",
    R.WRONG_CURRENCY: "currency_not_supported",
    R.CURRENCY_NOT_APPLICABLE: "currency_not_supported",
    0xCB: "currency_not_supported",  # only allowed in EUR
    R.CREDIT_NOT_SUFFICIENT: "insufficient_funds",
    R.CARD_EXPIRED: "card_expired",
    R.COMMUNICATION_ERROR: "bank_unavailable",
    R.DIAL_UP_FAULT: "bank_unavailable",
    R.RECEIVER_NOT_READY: "bank_unavailable",
    R.REMOTE_NOT_RESPONDING: "bank_unavailable",
    R.NO_CONNECTION: "bank_unavailable",
    R.MAX_AMOUNT_EXCEEDED: "limit_exceeded",
    0xC9: "limit_exceeded",
    R.AMOUNT_TOO_SMALL: "amount_too_small",
    R.ABORTED: "cancelled",
    R.ALREADY_REVERSED: "already_reversed",
    R.REVERSAL_NOT_POSSIBLE: "reversal_not_possible",
    R.PRINTER_NOT_READY: "terminal_error",
}
REASON_KEYS = (
    frozenset(_HOST.values())
    | frozenset(_TERMINAL.values())
    | {"declined", "terminal_error", "timeout", "not_recorded", "no_answer"}
)


def reason_key(code: int | None) -> str:
    """The payer-facing reason for a result code (``card.reason.<key>``)."""
    if code is None:
        return "terminal_error"
    if 0x01 <= code <= 0x63:
        return _HOST.get(code, "declined")
    return _TERMINAL.get(code, "terminal_error")


_TERMINAL_STATUS: dict[int, str] = {
    T.READY: "ready",
    T.INITIALISATION_REQUIRED: "initialisation_required",
    T.DATE_TIME_WRONG: "date_time_wrong",
    T.PLEASE_WAIT: "busy",
    T.PARTIAL_ISSUE: "busy",
    T.MEMORY_FULL: "end_of_day_required",
    T.JOURNAL_FULL: "end_of_day_required",
    T.RECONCILIATION_REQUIRED: "end_of_day_required",
    T.VOLTAGE_LOW: "hardware_fault",
    T.CARD_LOCK_DEFECT: "hardware_fault",
    T.READER_DEFECTIVE: "hardware_fault",
    T.SHUTTER_CLOSED: "hardware_fault",
    T.MERCHANT_CARD_LOCKED: "out_of_order",
    T.DIAGNOSIS_REQUIRED: "diagnosis_required",
    T.CARD_PROFILE_INVALID: "out_of_order",
    T.PRINTER_NOT_READY: "printer_not_ready",
    T.CARD_INSERTED: "card_inside",
    T.CARD_NOT_REMOVED: "card_inside",
    T.OUT_OF_ORDER: "out_of_order",
    T.REMOTE_MAINTENANCE: "busy",
    T.ACTIVATION_REQUIRED: "activation_required",
    T.OPT_DATA_MISSING: "out_of_order",
}
TERMINAL_KEYS = frozenset(_TERMINAL_STATUS.values()) | {"offline", "unknown"}


def terminal_key(code: int | None) -> str:
    if code is None:
        return "unknown"
    return _TERMINAL_STATUS.get(code, "out_of_order")


_CARD_TYPES = {
    5: "girocard",
    6: "Mastercard",
    8: "American Express",
    10: "Visa",
    11: "Visa Electron",
    12: "Diners",
    13: "V PAY",
    14: "JCB",
    46: "Maestro",
}


def card_type_name(card_name: str | None, card_type_id: int | None) -> str | None:
    """The card's name as the PT printed it (BMP 8B), else from the ZVT id (BMP 8A)."""
    if card_name:
        return card_name
    return _CARD_TYPES.get(card_type_id) if card_type_id is not None else None
