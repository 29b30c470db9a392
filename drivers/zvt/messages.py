"""ZVT APDUs as frozen dataclasses, with ``encode`` and ``decode`` (pure).

APDU layout (ZVT-T section 5): ``CLASS INSTR LEN data`` for commands, ``CCRC APRC LEN
data`` for answers (``80 00`` positive, ``84 xx`` negative). ``LEN`` is one byte; ``FF``
announces a 2-byte little-endian length.

``decode`` turns any APDU into a message or raises ``RemoteProtocolError``; unknown
commands become ``Unknown``. Card data is sanitised on the way in: a Status-Information
keeps its PAN masked (first 6 / last 4 at most) and drops track data, CVV and PIN data
(see ``bmp``). ``describe`` renders an APDU for logs with the same masking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from drivers.errors import RemoteProtocolError
from drivers.zvt import bmp
from drivers.zvt.bmp import Tlv
from drivers.zvt.codes import CURRENCY_MDL, Cmd
from drivers.zvt.status_info import StatusInformation

__all__ = [
    "Registration",
    "Authorisation",
    "Reversal",
    "RepeatReceipt",
    "EndOfDay",
    "StatusEnquiry",
    "AbortRequest",
    "LogOff",
    "IntermediateStatus",
    "StatusInformation",
    "PrintLine",
    "PrintTextBlock",
    "Completion",
    "Abort",
    "Ack",
    "Nack",
    "Unknown",
    "Message",
    "EcrCommand",
    "encode",
    "decode",
    "describe",
    "TEXT_ENCODING",
]

TEXT_ENCODING = bmp.TEXT_ENCODING
_text = bmp.decode_text
_find_tags = bmp.find_tags


def _password(text: str) -> bytes:
    if len(text) != 6 or not text.isdigit():
        raise ValueError("a ZVT password is six digits")
    return bytes.fromhex(text)


def _tlv_bmp(objects: tuple[Tlv, ...]) -> bytes:
    return bmp.encode_bmp(0x06, bmp.tlv_container(*objects)) if objects else b""


def _parse_bmps_strict(data: bytes) -> tuple[tuple[int, bytes], ...]:
    items, rest = bmp.parse_bmps(data)
    if rest:
        raise RemoteProtocolError(f"unknown BMP {rest[0]:02X}")
    return items


def _tlv_of(items: tuple[tuple[int, bytes], ...]) -> tuple[Tlv, ...]:
    for bmp_id, value in items:
        if bmp_id == 0x06:
            return bmp.parse_tlv(value)
    return ()


# ---------------------------------------------------------------------------- ECR -> PT


@dataclass(frozen=True, slots=True, kw_only=True)
class Registration:
    CMD: ClassVar[Cmd] = Cmd.REGISTRATION
    password: str = "000000"
    config: int = 0xBE
    currency: int | None = CURRENCY_MDL
    service_byte: int | None = None
    tlv: tuple[Tlv, ...] = ()

    def data(self) -> bytes:
        out = _password(self.password) + bytes([self.config])
        if self.currency is not None:
            out += bmp.bcd_encode(self.currency, 2)
        if self.service_byte is not None:
            out += bmp.encode_bmp(0x03, bytes([self.service_byte]))
        return out + _tlv_bmp(self.tlv)


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorisation:
    CMD: ClassVar[Cmd] = Cmd.AUTHORISATION
    amount: int  # minor units (bani)
    currency: int | None = CURRENCY_MDL
    payment_type: int | None = None
    timeout_s: int | None = None
    max_status_infos: int | None = None
    tlv: tuple[Tlv, ...] = ()

    def data(self) -> bytes:
        out = bmp.encode_bmp(0x04, bmp.bcd_encode(self.amount, 6))
        if self.currency is not None:
            out += bmp.encode_bmp(0x49, bmp.bcd_encode(self.currency, 2))
        if self.payment_type is not None:
            out += bmp.encode_bmp(0x19, bytes([self.payment_type]))
        if self.timeout_s is not None:
            out += bmp.encode_bmp(0x01, bytes([self.timeout_s]))
        if self.max_status_infos is not None:
            out += bmp.encode_bmp(0x02, bytes([self.max_status_infos]))
        return out + _tlv_bmp(self.tlv)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reversal:
    CMD: ClassVar[Cmd] = Cmd.REVERSAL
    password: str = "000000"
    receipt_no: int
    amount: int | None = None
    currency: int | None = None

    def data(self) -> bytes:
        out = _password(self.password) + bmp.encode_bmp(0x87, bmp.bcd_encode(self.receipt_no, 2))
        if self.amount is not None:
            out += bmp.encode_bmp(0x04, bmp.bcd_encode(self.amount, 6))
        if self.currency is not None:
            out += bmp.encode_bmp(0x49, bmp.bcd_encode(self.currency, 2))
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatReceipt:
    CMD: ClassVar[Cmd] = Cmd.REPEAT_RECEIPT
    password: str = "000000"
    service_byte: int | None = None  # bit 0: send the Status-Information; bit 1: do not print

    def data(self) -> bytes:
        out = _password(self.password)
        if self.service_byte is not None:
            out += bmp.encode_bmp(0x03, bytes([self.service_byte]))
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class EndOfDay:
    CMD: ClassVar[Cmd] = Cmd.END_OF_DAY
    password: str = "000000"

    def data(self) -> bytes:
        return _password(self.password)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusEnquiry:
    CMD: ClassVar[Cmd] = Cmd.STATUS_ENQUIRY
    password: str | None = "000000"
    service_byte: int | None = None

    def data(self) -> bytes:
        if self.password is None:
            return b""
        out = _password(self.password)
        if self.service_byte is not None:
            out += bmp.encode_bmp(0x03, bytes([self.service_byte]))
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AbortRequest:
    CMD: ClassVar[Cmd] = Cmd.ABORT_REQUEST

    def data(self) -> bytes:
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogOff:
    CMD: ClassVar[Cmd] = Cmd.LOG_OFF

    def data(self) -> bytes:
        return b""


# ---------------------------------------------------------------------------- PT -> ECR


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateStatus:
    CMD: ClassVar[Cmd] = Cmd.INTERMEDIATE_STATUS
    status: int
    timeout_min: int | None = None  # a new T4, in minutes
    tlv: tuple[Tlv, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        """Display lines sent in TLV tag 24 (text lines, tag 07), PANs masked."""
        return tuple(_text(o.value) for o in _find_tags(self.tlv, 0x07))

    def data(self) -> bytes:
        out = bytes([self.status])
        if self.timeout_min is not None:
            out += bytes([self.timeout_min])
        return out + _tlv_bmp(self.tlv)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintLine:
    CMD: ClassVar[Cmd] = Cmd.PRINT_LINE
    attribute: int = 0
    text: str = ""
    feed: int = 0  # attribute FF: this many empty lines, no text

    @property
    def last_line(self) -> bool:
        return bool(self.attribute & 0x80) and self.attribute not in (0x80, 0xFF)

    @property
    def lines(self) -> tuple[str, ...]:
        return ("",) * self.feed if self.attribute == 0xFF else (self.text,)

    def data(self) -> bytes:
        if self.attribute == 0xFF:
            return bytes([0xFF, self.feed])
        return bytes([self.attribute]) + self.text.encode(TEXT_ENCODING, "replace")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintTextBlock:
    CMD: ClassVar[Cmd] = Cmd.PRINT_TEXT_BLOCK
    tlv: tuple[Tlv, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(_text(o.value) for o in _find_tags(self.tlv, 0x07))

    @property
    def receipt_type(self) -> int | None:
        found = _find_tags(self.tlv, 0x1F07)
        return found[0].value[0] if found and found[0].value else None

    def data(self) -> bytes:
        return _tlv_bmp(self.tlv)


@dataclass(frozen=True, slots=True, kw_only=True)
class Completion:
    """06 0F. After a Status Enquiry it carries the software version and terminal status;
    after a Registration the status byte (19), terminal id (29) and currency (49)."""

    CMD: ClassVar[Cmd] = Cmd.COMPLETION
    status_byte: int | None = None
    terminal_id: str | None = None
    currency: int | None = None
    sw_version: str | None = None
    terminal_status: int | None = None
    tlv: tuple[Tlv, ...] = ()

    def data(self) -> bytes:
        out = b""
        if self.sw_version is not None:
            out += bmp.llvar(self.sw_version.encode(TEXT_ENCODING), 3)
        if self.terminal_status is not None:
            out += bytes([self.terminal_status])
        if self.status_byte is not None:
            out += bmp.encode_bmp(0x19, bytes([self.status_byte]))
        if self.terminal_id is not None:
            out += bmp.encode_bmp(0x29, bytes.fromhex(self.terminal_id))
        if self.currency is not None:
            out += bmp.encode_bmp(0x49, bmp.bcd_encode(self.currency, 2))
        return out + _tlv_bmp(self.tlv)


@dataclass(frozen=True, slots=True, kw_only=True)
class Abort:
    """06 1E from the PT: the running command ended in failure."""

    CMD: ClassVar[Cmd] = Cmd.ABORT
    result_code: int | None = None
    tlv: tuple[Tlv, ...] = ()

    def data(self) -> bytes:
        if self.result_code is None:
            return b""
        return bytes([self.result_code]) + _tlv_bmp(self.tlv)


# ---------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True, kw_only=True)
class Ack:
    """``80 00``: positive answer to a command."""

    extra: bytes = b""


@dataclass(frozen=True, slots=True, kw_only=True)
class Nack:
    """``84 xx``: negative answer; ``code`` is a result code (``84 9C`` = please wait)."""

    code: int
    extra: bytes = b""


@dataclass(frozen=True, slots=True, kw_only=True)
class Unknown:
    """A command this codec does not know; its bytes are kept out of ``repr``."""

    cmd: int
    data: bytes = field(repr=False, default=b"")


EcrCommand = (
    Registration
    | Authorisation
    | Reversal
    | RepeatReceipt
    | EndOfDay
    | StatusEnquiry
    | AbortRequest
    | LogOff
)
PtCommand = IntermediateStatus | StatusInformation | PrintLine | PrintTextBlock | Completion | Abort
Message = EcrCommand | PtCommand | Ack | Nack | Unknown


# ---------------------------------------------------------------------------- codec


def _header(cls_byte: int, instr: int, data: bytes) -> bytes:
    n = len(data)
    if n < 0xFF:
        return bytes([cls_byte, instr, n]) + data
    if n > 0xFFFF:
        raise ValueError("APDU data too long")
    return bytes([cls_byte, instr, 0xFF]) + n.to_bytes(2, "little") + data


def encode(msg: Message) -> bytes:
    """The APDU bytes of ``msg`` (frame them with ``frames.encode_frame``)."""
    if isinstance(msg, Ack):
        return _header(0x80, 0x00, msg.extra)
    if isinstance(msg, Nack):
        return _header(0x84, msg.code, msg.extra)
    if isinstance(msg, Unknown):
        return _header(msg.cmd >> 8, msg.cmd & 0xFF, msg.data)
    return _header(msg.CMD >> 8, msg.CMD & 0xFF, msg.data())


def split(apdu: bytes) -> tuple[int, bytes]:
    """(command, data) of an APDU, checking its length field."""
    if len(apdu) == 2 and apdu[0] in (0x80, 0x84):
        return (apdu[0] << 8) | apdu[1], b""  # some PTs send "80 00" without LEN
    if len(apdu) < 3:
        raise RemoteProtocolError(f"APDU of {len(apdu)} bytes")
    cmd = (apdu[0] << 8) | apdu[1]
    if apdu[2] == 0xFF:
        if len(apdu) < 5:
            raise RemoteProtocolError("extended length cut short")
        n, start = int.from_bytes(apdu[3:5], "little"), 5
    else:
        n, start = apdu[2], 3
    if len(apdu) - start != n:
        raise RemoteProtocolError(f"APDU {cmd:04X}: LEN {n}, {len(apdu) - start} data bytes")
    return cmd, apdu[start:]


def _registration(data: bytes) -> Registration:
    if len(data) < 4:
        raise RemoteProtocolError("registration too short")
    rest = data[4:]
    currency = None
    if len(rest) >= 2 and rest[0] not in (0x03, 0x06):
        currency, rest = bmp.bcd_decode(rest[:2]), rest[2:]
    items = _parse_bmps_strict(rest)
    service = dict(items).get(0x03)
    return Registration(
        password=bmp.bcd_digits(data[:3]),
        config=data[3],
        currency=currency,
        service_byte=service[0] if service else None,
        tlv=_tlv_of(items),
    )


def _authorisation(data: bytes) -> Authorisation:
    items = dict(_parse_bmps_strict(data))
    if 0x04 not in items:
        raise RemoteProtocolError("authorisation without amount")

    def opt_byte(i: int) -> int | None:
        return items[i][0] if i in items else None

    return Authorisation(
        amount=bmp.bcd_decode(items[0x04]),
        currency=bmp.bcd_decode(items[0x49]) if 0x49 in items else None,
        payment_type=opt_byte(0x19),
        timeout_s=opt_byte(0x01),
        max_status_infos=opt_byte(0x02),
        tlv=bmp.parse_tlv(items[0x06]) if 0x06 in items else (),
    )


def _with_password(data: bytes) -> tuple[str, dict[int, bytes]]:
    if len(data) < 3:
        raise RemoteProtocolError("password missing")
    return bmp.bcd_digits(data[:3]), dict(_parse_bmps_strict(data[3:]))


def _reversal(data: bytes) -> Reversal:
    password, items = _with_password(data)
    if 0x87 not in items:
        raise RemoteProtocolError("reversal without receipt number")
    return Reversal(
        password=password,
        receipt_no=bmp.bcd_decode(items[0x87]),
        amount=bmp.bcd_decode(items[0x04]) if 0x04 in items else None,
        currency=bmp.bcd_decode(items[0x49]) if 0x49 in items else None,
    )


def _intermediate(data: bytes) -> IntermediateStatus:
    if not data:
        raise RemoteProtocolError("intermediate status without status byte")
    rest = data[1:]
    timeout = None
    items: tuple[tuple[int, bytes], ...] = ()
    if rest:
        # The optional timeout byte is positional: it is there unless the rest reads as
        # TLV containers only.
        try:
            items = _parse_bmps_strict(rest)
            tlv_only = all(i == 0x06 for i, _ in items)
        except RemoteProtocolError:
            tlv_only = False
        if not tlv_only:
            timeout = rest[0]
            items = _parse_bmps_strict(rest[1:])
            if any(i != 0x06 for i, _ in items):
                raise RemoteProtocolError("intermediate status: unexpected BMP")
    return IntermediateStatus(status=data[0], timeout_min=timeout, tlv=_tlv_of(items))


def _completion(data: bytes) -> Completion:
    if not data:
        return Completion()
    sw_version = terminal_status = None
    rest = data
    if len(data) >= 4 and all(b >> 4 == 0xF and b & 0xF <= 9 for b in data[:3]):
        n = int("".join(str(b & 0xF) for b in data[:3]))
        if 3 + n >= len(data):
            raise RemoteProtocolError("completion: software version cut short")
        sw_version = data[3 : 3 + n].decode(TEXT_ENCODING).rstrip("\x00 ")
        terminal_status, rest = data[3 + n], data[4 + n :]
    elif len(data) == 1:
        return Completion(terminal_status=data[0])
    items, unknown = bmp.parse_bmps(rest)
    if unknown and sw_version is None and unknown == rest:
        terminal_status, items = rest[0], _parse_bmps_strict(rest[1:])
    elif unknown:
        raise RemoteProtocolError(f"completion: unknown BMP {unknown[0]:02X}")
    fields = dict(items)
    return Completion(
        status_byte=fields[0x19][0] if 0x19 in fields else None,
        terminal_id=bmp.bcd_digits(fields[0x29]) if 0x29 in fields else None,
        currency=bmp.bcd_decode(fields[0x49]) if 0x49 in fields else None,
        sw_version=sw_version,
        terminal_status=terminal_status,
        tlv=_tlv_of(items),
    )


def _abort(data: bytes) -> Abort:
    if not data:
        return Abort()
    return Abort(result_code=data[0], tlv=_tlv_of(_parse_bmps_strict(data[1:])))


def _service(items: dict[int, bytes]) -> int | None:
    return items[0x03][0] if 0x03 in items else None


def decode(apdu: bytes) -> Message:
    """Raises ``RemoteProtocolError`` for a malformed APDU; unknown commands -> ``Unknown``."""
    cmd, data = split(apdu)
    if cmd >> 8 == 0x80:
        return Ack(extra=data)
    if cmd >> 8 == 0x84:
        return Nack(code=cmd & 0xFF, extra=data)
    try:
        return _decode_command(cmd, data)
    except (ValueError, UnicodeDecodeError) as exc:  # a BCD or text field that is not one
        raise RemoteProtocolError(f"APDU {cmd:04X}: {exc}") from exc


def _decode_command(cmd: int, data: bytes) -> Message:
    if cmd == Cmd.STATUS_INFORMATION:
        return StatusInformation.sanitised(data)
    if cmd == Cmd.INTERMEDIATE_STATUS:
        return _intermediate(data)
    if cmd == Cmd.PRINT_LINE:
        if not data:
            raise RemoteProtocolError("print line without attribute")
        if data[0] == 0xFF:
            return PrintLine(attribute=0xFF, feed=data[1] if len(data) > 1 else 1)
        return PrintLine(attribute=data[0], text=_text(data[1:]))
    if cmd == Cmd.PRINT_TEXT_BLOCK:
        return PrintTextBlock(tlv=_tlv_of(_parse_bmps_strict(data)))
    if cmd == Cmd.COMPLETION:
        return _completion(data)
    if cmd == Cmd.ABORT:
        return _abort(data)
    if cmd == Cmd.REGISTRATION:
        return _registration(data)
    if cmd == Cmd.AUTHORISATION:
        return _authorisation(data)
    if cmd == Cmd.REVERSAL:
        return _reversal(data)
    if cmd == Cmd.REPEAT_RECEIPT:
        password, items = _with_password(data)
        return RepeatReceipt(password=password, service_byte=_service(items))
    if cmd == Cmd.END_OF_DAY:
        password, _ = _with_password(data)
        return EndOfDay(password=password)
    if cmd == Cmd.STATUS_ENQUIRY:
        if not data:
            return StatusEnquiry(password=None)
        password, items = _with_password(data)
        return StatusEnquiry(password=password, service_byte=_service(items))
    if cmd == Cmd.ABORT_REQUEST:
        return AbortRequest()
    if cmd == Cmd.LOG_OFF:
        return LogOff()
    return Unknown(cmd=cmd, data=data)


def describe(apdu: bytes) -> str:
    """A log line for ``apdu``: its name and bytes, card data masked or left out."""
    try:
        msg = decode(apdu)
    except RemoteProtocolError as exc:
        return f"{apdu[:2].hex(' ')} ({len(apdu)} bytes, malformed: {exc})"
    if isinstance(msg, Unknown):
        return f"unknown {msg.cmd:04X} ({len(msg.data)} data bytes)"
    name = type(msg).__name__
    if isinstance(msg, Nack):
        name = f"Nack {msg.code:02X}"
    return f"{name} {encode(msg).hex(' ')}"
