"""04 0F Status-Information: the result of a command and its transaction data (ZVT-C 3.1.1).

Kept as (BMP id, value) pairs in wire order, read through properties (card.md 1.9). Built
by ``sanitised`` (what ``messages.decode`` uses) it holds only safe fields: the PAN masked
to first 6 / last 4 digits, no track data, CVV, PIN data or EMV card-data tags, free text
with PANs masked, and no bytes from an unknown BMP on (their count only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from drivers.errors import RemoteProtocolError
from drivers.zvt import bmp
from drivers.zvt.bmp import Tlv
from drivers.zvt.codes import Cmd

__all__ = ["StatusInformation"]

_BCD_BMPS = (0x04, 0x0B, 0x0C, 0x0D, 0x29, 0x37, 0x49, 0x87, 0x88, 0xAA)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusInformation:
    """04 0F: result and transaction data as (BMP id, value) pairs, in wire order.

    Built by ``decode`` it holds only safe fields (see module docstring); the emulator may
    build one with raw items (even a full PAN) to test that the ECR side masks it.
    """

    CMD: ClassVar[Cmd] = Cmd.STATUS_INFORMATION
    items: tuple[tuple[int, bytes], ...] = field(repr=False)
    unparsed_len: int = 0  # bytes from an unknown BMP on, not kept

    @classmethod
    def sanitised(cls, data: bytes) -> StatusInformation:
        items, rest = bmp.parse_bmps(data)
        safe: list[tuple[int, bytes]] = []
        for bmp_id, value in items:
            if bmp_id in bmp.SENSITIVE_BMPS:
                continue
            if bmp_id == 0x22:
                value = bmp.encode_pan(bmp.decode_pan(value))
            elif bmp_id == 0x06:
                try:
                    value = bmp.strip_sensitive_tlv(value)
                except RemoteProtocolError:
                    continue
            elif bmp_id == 0x3C:
                text = bmp.mask_pans_in_text(value.decode(bmp.TEXT_ENCODING))
                value = text.encode(bmp.TEXT_ENCODING)
            safe.append((bmp_id, value))
        for bmp_id in _BCD_BMPS:
            for i, value in safe:
                if i == bmp_id:
                    bmp.bcd_digits(value)  # raises RemoteProtocolError if not BCD
        return cls(items=tuple(safe), unparsed_len=len(rest))

    def data(self) -> bytes:
        return b"".join(bmp.encode_bmp(i, v) for i, v in self.items)

    def get(self, bmp_id: int) -> bytes | None:
        for i, value in self.items:
            if i == bmp_id:
                return value
        return None

    def _bcd(self, bmp_id: int) -> str | None:
        value = self.get(bmp_id)
        return bmp.bcd_digits(value) if value is not None else None

    def _byte(self, bmp_id: int) -> int | None:
        value = self.get(bmp_id)
        return value[0] if value else None

    @property
    def result_code(self) -> int | None:
        return self._byte(0x27)

    @property
    def amount(self) -> int | None:
        digits = self._bcd(0x04)
        return int(digits) if digits is not None else None

    @property
    def currency(self) -> int | None:
        digits = self._bcd(0x49)
        return int(digits) if digits is not None else None

    @property
    def trace(self) -> str | None:
        """BMP 0B, or TLV 1F2B when the PT uses long trace numbers (0B = 000000)."""
        long_trace = self.tlv_value(0x1F2B)
        if long_trace:
            text = long_trace.hex()
            return text if text.isdigit() else str(int.from_bytes(long_trace, "big"))
        return self._bcd(0x0B)

    @property
    def original_trace(self) -> str | None:
        return self._bcd(0x37)

    @property
    def time(self) -> str | None:
        return self._bcd(0x0C)  # HHMMSS

    @property
    def date(self) -> str | None:
        return self._bcd(0x0D)  # MMDD

    @property
    def full_date(self) -> str | None:
        return self._bcd(0xAA)  # YYMMDD

    @property
    def payment_type(self) -> int | None:
        return self._byte(0x19)

    @property
    def masked_pan(self) -> str | None:
        value = self.get(0x22)
        return bmp.decode_pan(value) if value is not None else None

    @property
    def terminal_id(self) -> str | None:
        return self._bcd(0x29)

    @property
    def vu_number(self) -> str | None:
        value = self.get(0x2A)
        return bmp.decode_text(value) if value is not None else None

    @property
    def approval_code(self) -> str | None:
        value = self.get(0x3B)
        return bmp.decode_text(value) or None if value is not None else None

    @property
    def receipt_no(self) -> str | None:
        return self._bcd(0x87)

    @property
    def turnover_no(self) -> str | None:
        return self._bcd(0x88)

    @property
    def card_type_id(self) -> int | None:
        return self._byte(0x8A)

    @property
    def card_name(self) -> str | None:
        value = self.get(0x8B)
        return bmp.decode_text(value) or None if value is not None else None

    @property
    def additional_text(self) -> str | None:
        value = self.get(0x3C)
        return bmp.decode_text(value) if value is not None else None

    @property
    def tlv(self) -> tuple[Tlv, ...]:
        value = self.get(0x06)
        if value is None:
            return ()
        try:
            return bmp.parse_tlv(value)
        except RemoteProtocolError:
            return ()

    def tlv_value(self, tag: int) -> bytes | None:
        found = bmp.find_tags(self.tlv, tag)
        return found[0].value if found else None

    @property
    def totals(self) -> tuple[int, int] | None:
        """(count, amount) summed over BMP 60 "individual totals", or None.

        Layout: receipt-no from (2 BCD), to (2 BCD), then per card group a 1-byte count
        and a 6-byte BCD amount.
        """
        value = self.get(0x60)
        if value is None or len(value) < 4:
            return None
        count = amount = 0
        groups = value[4:]
        try:
            for pos in range(0, len(groups) - 6, 7):
                count += groups[pos]
                amount += bmp.bcd_decode(groups[pos + 1 : pos + 7])
        except RemoteProtocolError:
            return None
        return count, amount
