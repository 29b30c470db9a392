"""CCNET messages of a bill validator: wire codes, reply types and their parsing. Pure.

Replies carry no command byte, so a reply is parsed knowing the command it answers
(``parse_reply``). Unknown poll states and malformed data become explicit ``Unknown*`` values,
never exceptions: a hostile or broken device cannot crash the host through this module.
Sources: CCNET Doc 1 §5.3-5.4 (devices.md 1.6-1.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "BILL_VALIDATOR",
    "Command",
    "State",
    "RejectReason",
    "Failure",
    "Ack",
    "Nak",
    "IllegalCommand",
    "PollStatus",
    "StatusMasks",
    "Identification",
    "BillType",
    "BillTable",
    "UnknownReply",
    "Reply",
    "ControlReply",
    "parse_reply",
    "parse_control",
    "encode_enable",
    "encode_mask",
    "decode_mask",
    "encode_bill_table",
    "encode_identification",
    "bill_type_value",
    "reject_text",
    "failure_text",
    "state_text",
    "ACK_DATA",
    "NAK_DATA",
    "ILLEGAL_DATA",
    "TWO_BYTE_STATES",
]

BILL_VALIDATOR = 0x03
ACK_DATA = b"\x00"
NAK_DATA = b"\xff"
ILLEGAL_DATA = b"\x30"


class Command(IntEnum):
    RESET = 0x30
    GET_STATUS = 0x31
    SET_SECURITY = 0x32
    POLL = 0x33
    ENABLE_BILL_TYPES = 0x34
    STACK = 0x35
    RETURN = 0x36
    IDENTIFICATION = 0x37
    HOLD = 0x38
    SET_BARCODE_PARAMETERS = 0x39
    EXTRACT_BARCODE_DATA = 0x3A
    GET_BILL_TABLE = 0x41
    DOWNLOAD = 0x50
    GET_CRC32_OF_THE_CODE = 0x51
    REQUEST_STATISTICS = 0x60


class State(IntEnum):
    """First byte (Z1) of a POLL reply."""

    POWER_UP = 0x10
    POWER_UP_WITH_BILL_IN_VALIDATOR = 0x11
    POWER_UP_WITH_BILL_IN_STACKER = 0x12
    INITIALIZE = 0x13
    IDLING = 0x14
    ACCEPTING = 0x15
    STACKING = 0x17
    RETURNING = 0x18
    UNIT_DISABLED = 0x19
    HOLDING = 0x1A
    DEVICE_BUSY = 0x1B
    REJECTING = 0x1C
    DROP_CASSETTE_FULL = 0x41
    DROP_CASSETTE_OUT_OF_POSITION = 0x42
    VALIDATOR_JAMMED = 0x43
    DROP_CASSETTE_JAMMED = 0x44
    CHEATED = 0x45
    PAUSE = 0x46
    FAILURE = 0x47
    ESCROW_POSITION = 0x80
    BILL_STACKED = 0x81
    BILL_RETURNED = 0x82
    SUSPECTED_BILL = 0x84
    COUNTERFEIT_BILL = 0x90


# States whose reply carries a second byte Z2 (devices.md 1.7).
TWO_BYTE_STATES = frozenset(
    {
        State.DEVICE_BUSY,
        State.REJECTING,
        State.FAILURE,
        State.ESCROW_POSITION,
        State.BILL_STACKED,
        State.BILL_RETURNED,
        State.SUSPECTED_BILL,
        State.COUNTERFEIT_BILL,
    }
)


class RejectReason(IntEnum):
    INSERTION = 0x60
    MAGNETIC = 0x61
    REMAINED_BILL_IN_HEAD = 0x62
    MULTIPLYING = 0x63
    CONVEYING = 0x64
    IDENTIFICATION = 0x65
    VERIFICATION = 0x66
    OPTIC = 0x67
    INHIBIT = 0x68
    CAPACITANCE = 0x69
    OPERATION = 0x6A
    LENGTH = 0x6C
    UV = 0x6D
    UNRECOGNISED_BARCODE = 0x92
    BARCODE_CHARACTER_COUNT = 0x93
    BARCODE_START_SEQUENCE = 0x94
    BARCODE_STOP_SEQUENCE = 0x95


class Failure(IntEnum):
    STACK_MOTOR = 0x50
    TRANSPORT_MOTOR_SPEED = 0x51
    TRANSPORT_MOTOR = 0x52
    ALIGNING_MOTOR = 0x53
    INITIAL_CASSETTE_STATUS = 0x54
    OPTIC_CANAL = 0x55
    MAGNETIC_CANAL = 0x56
    OS_FAILURE = 0x57
    MEMORY_STICK = 0x58
    DPLINK = 0x59
    I2C_INTERFACE = 0x5A
    SPI_INTERFACE = 0x5B
    INTERFACE_52 = 0x5C
    CAPACITANCE_CANAL = 0x5F


_REJECT_TEXT = {
    RejectReason.INSERTION: "insertion error",
    RejectReason.MAGNETIC: "magnetic (dielectric) check",
    RejectReason.REMAINED_BILL_IN_HEAD: "previous bill still in head",
    RejectReason.MULTIPLYING: "multiplying/compensation",
    RejectReason.CONVEYING: "conveying (transport)",
    RejectReason.IDENTIFICATION: "not identified",
    RejectReason.VERIFICATION: "verification failed",
    RejectReason.OPTIC: "optic check",
    RejectReason.INHIBIT: "denomination inhibited",
    RejectReason.CAPACITANCE: "capacitance check",
    RejectReason.OPERATION: "operation error",
    RejectReason.LENGTH: "length check",
    RejectReason.UV: "UV check",
    RejectReason.UNRECOGNISED_BARCODE: "unrecognised barcode",
    RejectReason.BARCODE_CHARACTER_COUNT: "barcode: wrong number of characters",
    RejectReason.BARCODE_START_SEQUENCE: "barcode: bad start sequence",
    RejectReason.BARCODE_STOP_SEQUENCE: "barcode: bad stop sequence",
}

_FAILURE_TEXT = {
    Failure.STACK_MOTOR: "stack motor failure",
    Failure.TRANSPORT_MOTOR_SPEED: "transport motor speed failure",
    Failure.TRANSPORT_MOTOR: "transport motor failure",
    Failure.ALIGNING_MOTOR: "aligning motor failure",
    Failure.INITIAL_CASSETTE_STATUS: "initial cassette status failure",
    Failure.OPTIC_CANAL: "optic channel failure",
    Failure.MAGNETIC_CANAL: "magnetic channel failure",
    Failure.OS_FAILURE: "OS failure",
    Failure.MEMORY_STICK: "memory failure",
    Failure.DPLINK: "DPLINK failure",
    Failure.I2C_INTERFACE: "I2C interface failure",
    Failure.SPI_INTERFACE: "SPI interface failure",
    Failure.INTERFACE_52: "second CPU interface failure",
    Failure.CAPACITANCE_CANAL: "capacitance channel failure",
}

_STATE_TEXT = {
    State.DROP_CASSETTE_FULL: "cassette full",
    State.DROP_CASSETTE_OUT_OF_POSITION: "cassette removed",
    State.VALIDATOR_JAMMED: "bill jammed in validator",
    State.DROP_CASSETTE_JAMMED: "bill jammed in cassette",
    State.CHEATED: "cheating attempt",
    State.PAUSE: "second bill inserted (pause)",
    State.SUSPECTED_BILL: "suspected bill",
    State.COUNTERFEIT_BILL: "counterfeit bill held",
}


def reject_text(code: int) -> str:
    try:
        return _REJECT_TEXT[RejectReason(code)]
    except ValueError:
        return f"rejected (code 0x{code:02X})"


def failure_text(code: int) -> str:
    try:
        return _FAILURE_TEXT[Failure(code)]
    except ValueError:
        return f"failure (code 0x{code:02X})"


def state_text(code: int) -> str:
    try:
        state = State(code)
    except ValueError:
        return f"unknown state 0x{code:02X}"
    return _STATE_TEXT.get(state, state.name.lower().replace("_", " "))


# ---------------------------------------------------------------------------- replies


@dataclass(frozen=True, slots=True)
class Ack:
    pass


@dataclass(frozen=True, slots=True)
class Nak:
    pass


@dataclass(frozen=True, slots=True)
class IllegalCommand:
    pass


ControlReply = Ack | Nak | IllegalCommand


@dataclass(frozen=True, slots=True, kw_only=True)
class PollStatus:
    """A POLL reply: ``state`` is a ``State`` or, for a code we do not know, the raw int."""

    state: State | int
    data: int | None = None  # Z2 where the state carries one

    @property
    def known(self) -> bool:
        return isinstance(self.state, State)

    def encode(self) -> bytes:
        return bytes((int(self.state),)) + (b"" if self.data is None else bytes((self.data,)))


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusMasks:
    """GET STATUS: enabled bill types and high-security types (bit n = bill type n)."""

    enabled: int
    security: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Identification:
    part: str
    serial: str
    asset: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class BillType:
    """One bill table entry: ``value`` in the currency's minor unit (bani), or None if odd."""

    index: int
    digit: int
    currency: str
    exponent_byte: int
    value: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BillTable:
    types: tuple[BillType, ...]  # only used entries, by bill type index

    def get(self, index: int) -> BillType | None:
        for bill in self.types:
            if bill.index == index:
                return bill
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownReply:
    """A reply this host cannot interpret for the command it answers."""

    command: int
    raw: bytes


Reply = ControlReply | PollStatus | StatusMasks | Identification | BillTable | UnknownReply


def parse_control(payload: bytes) -> ControlReply | None:
    """ACK / NAK / ILLEGAL COMMAND (1-byte payloads), else None."""
    if payload == ACK_DATA:
        return Ack()
    if payload == NAK_DATA:
        return Nak()
    if payload == ILLEGAL_DATA:
        return IllegalCommand()
    return None


def bill_type_value(digit: int, exponent_byte: int) -> int | None:
    """Value of a bill table entry in minor units (x100), or None if not a whole minor unit.

    Byte 5 bit 7 clear: value = digit x 10^n; set: value = digit / 10^n (devices.md 1.10).
    """
    n = exponent_byte & 0x7F
    if digit == 0:
        return None
    if exponent_byte & 0x80:
        scaled = digit * 100
        divisor: int = 10**n
        return scaled // divisor if scaled % divisor == 0 else None
    if n > 12:  # nothing sane is worth 10^12 units
        return None
    multiplier: int = 10**n
    return digit * multiplier * 100


def _parse_bill_table(payload: bytes) -> BillTable | None:
    if len(payload) % 5 or not payload:
        return None
    types = []
    for index in range(len(payload) // 5):
        entry = payload[index * 5 : index * 5 + 5]
        digit, code, exp = entry[0], entry[1:4], entry[4]
        if digit == 0:
            continue
        currency = code.decode("ascii", "replace").strip("\x00 ").upper()
        types.append(
            BillType(
                index=index,
                digit=digit,
                currency=currency,
                exponent_byte=exp,
                value=bill_type_value(digit, exp),
            )
        )
    return BillTable(types=tuple(types))


def _ascii(data: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in data).strip(" ?")


def parse_reply(command: int, payload: bytes) -> Reply:
    """Interpret a reply ``payload`` to ``command``; never raises."""
    control = parse_control(payload)
    if control is not None:
        return control
    if command == Command.POLL:
        if not payload or len(payload) > 2:
            return UnknownReply(command=command, raw=payload)
        try:
            state: State | int = State(payload[0])
        except ValueError:
            state = payload[0]
        data = payload[1] if len(payload) == 2 else None
        if isinstance(state, State) and (state in TWO_BYTE_STATES) != (data is not None):
            return UnknownReply(command=command, raw=payload)
        return PollStatus(state=state, data=data)
    if command == Command.GET_STATUS and len(payload) == 6:
        return StatusMasks(enabled=decode_mask(payload[0:3]), security=decode_mask(payload[3:6]))
    if command == Command.IDENTIFICATION and len(payload) >= 27:
        return Identification(
            part=_ascii(payload[0:15]), serial=_ascii(payload[15:27]), asset=payload[27:34]
        )
    if command == Command.GET_BILL_TABLE:
        table = _parse_bill_table(payload)
        if table is not None:
            return table
    return UnknownReply(command=command, raw=payload)


# ---------------------------------------------------------------------------- encoders


def encode_mask(mask: int) -> bytes:
    """24 bill types as 3 bytes, first byte = types 23..16, bit 0 of the third = type 0."""
    return (mask & 0xFFFFFF).to_bytes(3, "big")


def decode_mask(data: bytes) -> int:
    return int.from_bytes(data[:3], "big")


def encode_enable(enabled: int, escrow: int) -> bytes:
    """ENABLE BILL TYPES data: enable mask (3 bytes) then escrow mask (3 bytes)."""
    return encode_mask(enabled) + encode_mask(escrow)


def encode_bill_table(entries: dict[int, tuple[int, str, int]]) -> bytes:
    """120-byte table from {type: (digit, currency, exponent byte)} (emulators, tests)."""
    out = bytearray(120)
    for index, (digit, currency, exp) in entries.items():
        code = currency.encode("ascii")[:3].ljust(3, b" ")
        out[index * 5 : index * 5 + 5] = bytes((digit,)) + code + bytes((exp,))
    return bytes(out)


def encode_identification(part: str, serial: str, asset: bytes = bytes(7)) -> bytes:
    return (
        part.encode("ascii")[:15].ljust(15, b" ")
        + serial.encode("ascii")[:12].ljust(12, b" ")
        + asset[:7].ljust(7, b"\x00")
    )
