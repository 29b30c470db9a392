"""ZVT wire codes: command classes, result codes, intermediate and terminal status codes.

Names follow ZVT-C (chapters 2, 3.7, 10, 11) as summarised in card.md 1.7 and 1.10. Codes
not listed stay plain ints; ``name_of`` renders either for logs.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "Cmd",
    "ResultCode",
    "IntermediateCode",
    "TerminalStatusCode",
    "ConfigByte",
    "CURRENCY_MDL",
    "CURRENCY_EUR",
    "NOT_ISSUED",
    "name_of",
]

CURRENCY_MDL = 498
CURRENCY_EUR = 978

# APRC the ECR answers a Status-Information with when goods are NOT issued: the PT then
# reverses (ZVT-C 2.2.6; 84 66 is what the C# reference sends for this case).
NOT_ISSUED = 0x66


class Cmd(IntEnum):
    """(CLASS << 8) | INSTR of each APDU the kiosk sends or understands."""

    REGISTRATION = 0x0600
    AUTHORISATION = 0x0601
    LOG_OFF = 0x0602
    COMPLETION = 0x060F
    ABORT = 0x061E  # PT -> ECR
    REPEAT_RECEIPT = 0x0620
    REVERSAL = 0x0630
    END_OF_DAY = 0x0650
    ABORT_REQUEST = 0x06B0  # ECR -> PT
    PRINT_LINE = 0x06D1
    PRINT_TEXT_BLOCK = 0x06D3
    STATUS_INFORMATION = 0x040F
    INTERMEDIATE_STATUS = 0x04FF
    STATUS_ENQUIRY = 0x0501


class ConfigByte(IntEnum):
    """Registration config-byte bits (ZVT-C 2.1)."""

    ECR_PRINTS_PAYMENT_RECEIPT = 0x02
    ECR_PRINTS_ADMIN_RECEIPT = 0x04
    INTERMEDIATE_STATUS = 0x08
    NO_AMOUNT_INPUT_ON_PT = 0x10
    NO_ADMIN_ON_PT = 0x20
    ECR_PRINT_TYPE = 0x80


class ResultCode(IntEnum):
    """BMP 27 / 06 1E / 84 xx codes (ZVT-C chapter 10). 01-63 are host codes (ISO 8583)."""

    SUCCESS = 0x00
    HOST_DO_NOT_HONOUR = 0x05
    HOST_INSUFFICIENT_FUNDS = 0x33  # ISO 51
    HOST_EXPIRED_CARD = 0x36  # ISO 54
    HOST_INCORRECT_PIN = 0x37  # ISO 55
    HOST_EXCEEDS_LIMIT = 0x3D  # ISO 61
    HOST_PIN_TRIES_EXCEEDED = 0x4B  # ISO 75
    HOST_ISSUER_UNAVAILABLE = 0x5B  # ISO 91
    CARD_NOT_READABLE = 0x64
    CARD_DATA_NOT_PRESENT = 0x65
    PROCESSING_ERROR = 0x66
    NOT_PERMITTED_DEBIT = 0x67
    NOT_PERMITTED_CREDIT = 0x68
    TURNOVER_FILE_FULL = 0x6A
    FUNCTION_DEACTIVATED = 0x6B
    ABORTED = 0x6C  # timeout or abort key
    CARD_BLOCKED = 0x6E
    WRONG_CURRENCY = 0x6F
    CREDIT_NOT_SUFFICIENT = 0x71
    CHIP_ERROR = 0x72
    CARD_DATA_INCORRECT = 0x73
    END_OF_DAY_NOT_POSSIBLE = 0x77
    CARD_EXPIRED = 0x78
    CARD_NOT_YET_VALID = 0x79
    CARD_UNKNOWN = 0x7A
    COMMUNICATION_ERROR = 0x7D
    FUNCTION_NOT_POSSIBLE = 0x83
    PIN_PAD_DEFECTIVE = 0x89
    PROTOCOL_ERROR = 0x9A
    DIAL_UP_FAULT = 0x9B
    PLEASE_WAIT = 0x9C
    RECEIVER_NOT_READY = 0xA0
    REMOTE_NOT_RESPONDING = 0xA1
    NO_CONNECTION = 0xA3
    ALREADY_REVERSED = 0xB4
    REVERSAL_NOT_POSSIBLE = 0xB5
    MAX_AMOUNT_EXCEEDED = 0xC3
    PAYMENT_METHOD_NOT_SUPPORTED = 0xC5
    CURRENCY_NOT_APPLICABLE = 0xC6
    AMOUNT_TOO_SMALL = 0xC8
    PRINTER_NOT_READY = 0xCC
    SYSTEM_ERROR = 0xFF


class IntermediateCode(IntEnum):
    """04 FF status byte (ZVT-C 3.7). 0x41-0x5D = 0x01-0x1D plus "please remove card"."""

    WAIT_AMOUNT_CONFIRMATION = 0x00
    WATCH_PIN_PAD = 0x01
    WATCH_PIN_PAD_2 = 0x02
    NOT_ACCEPTED = 0x03
    WAIT_HOST = 0x04
    SENDING_AUTO_REVERSAL = 0x05
    SENDING_POST_BOOKINGS = 0x06
    CARD_NOT_ADMITTED = 0x07
    CARD_UNKNOWN = 0x08
    CARD_EXPIRED = 0x09
    INSERT_CARD = 0x0A
    REMOVE_CARD = 0x0B
    CARD_NOT_READABLE = 0x0C
    PROCESSING_ERROR = 0x0D
    PLEASE_WAIT = 0x0E
    AUTO_END_OF_DAY = 0x0F
    INVALID_CARD = 0x10
    BALANCE_DISPLAY = 0x11
    SYSTEM_MALFUNCTION = 0x12
    PAYMENT_NOT_POSSIBLE = 0x13
    CREDIT_NOT_SUFFICIENT = 0x14
    INCORRECT_PIN = 0x15
    LIMIT_NOT_SUFFICIENT = 0x16
    PLEASE_WAIT_2 = 0x17
    PIN_TRY_LIMIT_EXCEEDED = 0x18
    CARD_DATA_INCORRECT = 0x19
    SERVICE_MODE = 0x1A
    APPROVED_FILL_UP = 0x1B
    APPROVED_TAKE_GOODS = 0x1C
    DECLINED = 0x1D
    MOBILE_NUMBER = 0x26
    MOBILE_NUMBER_REPEAT = 0x27
    CURRENCY_SELECTION = 0x28
    LANGUAGE_SELECTION = 0x29
    APPLICATION_SELECTION = 0x2C
    DIAL_UP = 0xD2
    DIAL_UP_DONE = 0xD3
    WAIT_APPLICATION_SELECTION = 0xE0
    WAIT_LANGUAGE_SELECTION = 0xE1
    OFFLINE = 0xF1
    ONLINE = 0xF2
    OFFLINE_TRANSACTION = 0xF3
    SEE_TLV = 0xFF


class TerminalStatusCode(IntEnum):
    """Terminal status in the Completion of a Status Enquiry (ZVT-C chapter 11)."""

    READY = 0x00
    INITIALISATION_REQUIRED = 0x51
    DATE_TIME_WRONG = 0x62
    PLEASE_WAIT = 0x9C
    PARTIAL_ISSUE = 0x9D
    MEMORY_FULL = 0xB1
    JOURNAL_FULL = 0xB2
    VOLTAGE_LOW = 0xBF
    CARD_LOCK_DEFECT = 0xC0
    MERCHANT_CARD_LOCKED = 0xC1
    DIAGNOSIS_REQUIRED = 0xC2
    CARD_PROFILE_INVALID = 0xC4
    PRINTER_NOT_READY = 0xCC
    CARD_INSERTED = 0xDC
    OUT_OF_ORDER = 0xDF
    REMOTE_MAINTENANCE = 0xE0
    CARD_NOT_REMOVED = 0xE1
    READER_DEFECTIVE = 0xE2
    SHUTTER_CLOSED = 0xE3
    ACTIVATION_REQUIRED = 0xE4
    RECONCILIATION_REQUIRED = 0xF0
    OPT_DATA_MISSING = 0xF6


def name_of(enum: type[IntEnum], code: int) -> str:
    """``"ABORTED (6C)"`` for a known code, ``"unknown (5E)"`` otherwise."""
    try:
        return f"{enum(code).name} ({code:02X})"
    except ValueError:
        return f"unknown ({code:02X})"
