"""ccTalk coin acceptor messages: headers, event codes, coin ids, buffered credits. Pure.

Sources: ccTalk Generic Specification 4.7 Part 2 §3 and Part 3 Tables 1-3 and Appendix 3
(devices.md 2.3-2.7). Malformed data never raises here: parsers return None or an explicit
unknown value, so a broken device cannot crash the host through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import IntEnum

__all__ = [
    "Header",
    "ErrorCode",
    "BufferedCredit",
    "CoinId",
    "REJECTED_CODES",
    "parse_buffered_credit",
    "encode_buffered_credit",
    "parse_coin_id",
    "coin_value",
    "parse_serial",
    "encode_serial",
    "parse_text",
    "encode_inhibits",
    "decode_inhibits",
    "new_event_count",
    "error_text",
    "self_check_text",
]


class Header(IntEnum):
    RESET_DEVICE = 1
    REQUEST_COMMS_STATUS = 2
    CLEAR_COMMS_STATUS = 3
    REQUEST_COMMS_REVISION = 4
    NAK = 5
    BUSY = 6
    REQUEST_BUILD_CODE = 192
    MODIFY_COIN_ID = 185
    REQUEST_COIN_ID = 184
    REQUEST_OPTION_FLAGS = 213
    REQUEST_ACCEPT_COUNTER = 225
    REQUEST_INSERTION_COUNTER = 226
    REQUEST_MASTER_INHIBIT_STATUS = 227
    MODIFY_MASTER_INHIBIT_STATUS = 228
    READ_BUFFERED_CREDIT = 229
    REQUEST_INHIBIT_STATUS = 230
    MODIFY_INHIBIT_STATUS = 231
    PERFORM_SELF_CHECK = 232
    REQUEST_SOFTWARE_REVISION = 241
    REQUEST_SERIAL_NUMBER = 242
    REQUEST_DATABASE_VERSION = 243
    REQUEST_PRODUCT_CODE = 244
    REQUEST_EQUIPMENT_CATEGORY = 245
    REQUEST_MANUFACTURER_ID = 246
    REQUEST_STATUS = 248
    REQUEST_POLLING_PRIORITY = 249
    SIMPLE_POLL = 254
    REPLY = 0


class ErrorCode(IntEnum):
    """Result B when result A is 0 (Part 3 Table 2)."""

    NULL_EVENT = 0
    REJECT_COIN = 1
    INHIBITED_COIN = 2
    MULTIPLE_WINDOW = 3
    WAKE_UP_TIMEOUT = 4
    VALIDATION_TIMEOUT = 5
    CREDIT_SENSOR_TIMEOUT = 6
    SORTER_OPTO_TIMEOUT = 7
    SECOND_CLOSE_COIN = 8
    ACCEPT_GATE_NOT_READY = 9
    CREDIT_SENSOR_NOT_READY = 10
    SORTER_NOT_READY = 11
    REJECT_COIN_NOT_CLEARED = 12
    VALIDATION_SENSOR_NOT_READY = 13
    CREDIT_SENSOR_BLOCKED = 14
    SORTER_OPTO_BLOCKED = 15
    CREDIT_SEQUENCE_ERROR = 16
    COIN_GOING_BACKWARDS = 17
    COIN_TOO_FAST_CREDIT = 18
    COIN_TOO_SLOW_CREDIT = 19
    COIN_ON_STRING = 20
    DCE_OPTO_TIMEOUT = 21
    DCE_OPTO_NOT_SEEN = 22
    CREDIT_SENSOR_REACHED_TOO_EARLY = 23
    REJECT_COIN_REPEATED_TRIP = 24
    REJECT_SLUG = 25
    REJECT_SENSOR_BLOCKED = 26
    GAMES_OVERLOAD = 27
    MAX_COIN_METER_PULSES = 28
    ACCEPT_GATE_OPEN_NOT_CLOSED = 29
    ACCEPT_GATE_CLOSED_NOT_OPEN = 30
    MANIFOLD_OPTO_TIMEOUT = 31
    MANIFOLD_OPTO_BLOCKED = 32
    MANIFOLD_NOT_READY = 33
    SECURITY_STATUS_CHANGED = 34
    MOTOR_EXCEPTION = 35
    SWALLOWED_COIN = 36
    COIN_TOO_FAST_VALIDATION = 37
    COIN_TOO_SLOW_VALIDATION = 38
    COIN_INCORRECTLY_SORTED = 39
    EXTERNAL_LIGHT_ATTACK = 40
    DATA_BLOCK_REQUEST = 253
    COIN_RETURN_MECHANISM = 254
    UNSPECIFIED_ALARM = 255


# Codes whose coin was certainly rejected ("Rej? = Yes"); 128-159 (inhibited coin type n) too.
REJECTED_CODES = frozenset({1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 22, 24, 25, 30, 32, 33, 37, 38})

_ERROR_TEXT = {
    1: "coin rejected",
    2: "coin inhibited",
    3: "multiple window",
    4: "wake-up timeout",
    5: "validation timeout",
    6: "credit sensor timeout",
    7: "sorter opto timeout",
    8: "second close coin",
    9: "accept gate not ready",
    10: "credit sensor not ready",
    11: "sorter not ready",
    12: "reject coin not cleared",
    13: "validation sensor not ready",
    14: "credit sensor blocked",
    15: "sorter opto blocked",
    16: "credit sequence error",
    17: "coin going backwards",
    18: "coin too fast (credit sensor)",
    19: "coin too slow (credit sensor)",
    20: "coin on string",
    21: "DCE opto timeout",
    22: "DCE opto not seen",
    23: "credit sensor reached too early",
    24: "coin rejected (repeated trip)",
    25: "slug rejected",
    26: "reject sensor blocked",
    27: "games overload",
    28: "max coin meter pulses exceeded",
    29: "accept gate open not closed",
    30: "accept gate closed not open",
    31: "manifold opto timeout",
    32: "manifold opto blocked",
    33: "manifold not ready",
    34: "security status changed",
    35: "motor exception",
    36: "swallowed coin",
    37: "coin too fast (validation sensor)",
    38: "coin too slow (validation sensor)",
    39: "coin incorrectly sorted",
    40: "external light attack",
    253: "data block request",
    254: "coin return mechanism activated",
    255: "unspecified alarm",
}

_SELF_CHECK_TEXT = {
    0: "OK",
    1: "EEPROM checksum corrupted",
    2: "fault on inductive coils",
    3: "fault on credit sensor",
    4: "fault on piezo sensor",
    5: "fault on reflective sensor",
    6: "fault on diameter sensor",
    7: "fault on wake-up sensor",
    8: "fault on sorter exit sensors",
    9: "NVRAM checksum corrupted",
    17: "coin auditing error",
    18: "fault on reject sensor",
    19: "fault on coin return mechanism",
    20: "fault on coin-on-string mechanism",
    21: "fault on rim sensor",
    22: "fault on thermistor",
    28: "personality module not fitted",
    29: "personality checksum corrupted",
    30: "ROM checksum mismatch",
    31: "missing slave device",
    32: "internal comms bad",
    33: "supply voltage outside limits",
    34: "temperature outside limits",
    35: "DCE fault",
    41: "fault on string sensor",
    42: "accept gate failed open",
    43: "accept gate failed closed",
    46: "flash memory erase fault",
    47: "flash memory write fault",
    48: "slave device not responding",
    49: "fault on opto sensor",
    50: "battery fault",
    51: "door open",
    52: "microswitch fault",
    53: "RTC fault",
    54: "firmware error",
    55: "initialisation error",
    56: "supply current outside limits",
    57: "forced bootloader mode",
    255: "unspecified fault",
}


def error_text(code: int) -> str:
    if 128 <= code <= 159:
        return f"inhibited coin type {code - 127}"
    return _ERROR_TEXT.get(code, f"event code {code}")


def self_check_text(code: int) -> str:
    return _SELF_CHECK_TEXT.get(code, f"fault code {code}")


def is_rejection(code: int) -> bool:
    return code in REJECTED_CODES or 128 <= code <= 159


@dataclass(frozen=True, slots=True, kw_only=True)
class BufferedCredit:
    """Header 229 reply: event counter and up to 5 (result A, result B) pairs, newest first."""

    counter: int
    events: tuple[tuple[int, int], ...]


def parse_buffered_credit(data: bytes) -> BufferedCredit | None:
    if len(data) != 11:
        return None
    pairs = tuple((data[1 + 2 * i], data[2 + 2 * i]) for i in range(5))
    return BufferedCredit(counter=data[0], events=pairs)


def encode_buffered_credit(counter: int, events: list[tuple[int, int]]) -> bytes:
    pairs = (list(events) + [(0, 0)] * 5)[:5]
    return bytes((counter,)) + b"".join(bytes(p) for p in pairs)


def new_event_count(last: int, counter: int) -> int:
    """How many events happened between two counter readings (1..255 wrapping, 0 = reset).

    Returns 0 for none; values >= 6 mean events were lost. ``counter == 0`` with ``last != 0``
    is a device reset, which the caller checks first.
    """
    if counter == last:
        return 0
    if counter == 0:
        return 0
    if last == 0:
        return counter
    return (counter - last) % 255


@dataclass(frozen=True, slots=True, kw_only=True)
class CoinId:
    """A 6-character coin id ``CCVVVI`` (Part 3 Appendix 3)."""

    raw: str
    country: str
    value_code: str
    issue: str

    @property
    def empty(self) -> bool:
        return self.raw.strip(". \x00") == ""


def parse_coin_id(data: bytes) -> CoinId:
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in data)
    text = text[:6].ljust(6, ".")
    return CoinId(raw=text, country=text[:2], value_code=text[2:5], issue=text[5])


_MULTIPLIERS = {
    "m": Decimal("0.001"),
    ".": Decimal(1),
    "K": Decimal(1000),
    "M": Decimal(1000000),
    "G": Decimal(1000000000),
}


def coin_value(coin: CoinId) -> int | None:
    """Value in the country's minor unit (bani for ``MD``), or None if not a whole minor unit.

    ``VVV`` is the spec's value code in the base unit the coin set uses; a letter (K, M, m, .)
    is both multiplier and decimal point: ``005`` = 5, ``1K0`` = 1000, ``2K5`` = 2500,
    ``10K`` = 10000, ``.50`` = 0.5. Base unit = minor unit, as in the spec's ``EU200A`` (200 euro
    cents); a factory that programmed lei instead needs a per-id override in configuration.
    """
    code = coin.value_code
    if coin.empty or coin.country == "TK" or len(code) != 3:
        return None
    try:
        if code.isdigit():
            value = Decimal(code)
        else:
            letters = [c for c in code if not c.isdigit()]
            if len(letters) != 1 or letters[0] not in _MULTIPLIERS:
                return None
            left, _, right = code.partition(letters[0])
            value = Decimal(f"{left or '0'}.{right or '0'}") * _MULTIPLIERS[letters[0]]
    except InvalidOperation:
        return None
    if value <= 0 or value != value.to_integral_value():
        return None
    return int(value)


def parse_serial(data: bytes) -> int | None:
    """Header 242: 3 bytes, least significant first."""
    if len(data) != 3:
        return None
    return data[0] | data[1] << 8 | data[2] << 16


def encode_serial(serial: int) -> bytes:
    return (serial & 0xFFFFFF).to_bytes(3, "little")


def parse_text(data: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in data).strip()


def encode_inhibits(enabled: int, positions: int = 16) -> bytes:
    """Header 231 data: bit = 1 enabled; first byte = coins 1-8 (bit 0 = coin 1)."""
    return (enabled & ((1 << positions) - 1)).to_bytes((positions + 7) // 8, "little")


def decode_inhibits(data: bytes) -> int:
    return int.from_bytes(data, "little")
