"""Split an ESC/POS byte stream into text runs and commands (sans-I/O, incremental).

Shared by the printer emulator (which must find ``GS r`` and ``ESC @`` in command position, not
inside image data) and by ``kiosk.receipts.interpreter`` (which turns a job back into lines).

Rules: bytes >= 0x20 are text; LF, CR, HT, FF and other lone control bytes are ``Control``;
``ESC``/``GS``/``FS``/``DLE`` start a command whose length comes from the table below (fixed
arguments, a length prefix, or a NUL terminator). An ``ESC``/``GS``/``FS`` byte followed by a
byte we do not know gives ``UnknownCommand`` of those two bytes (a printer ignores them too).
``feed()`` keeps an incomplete trailing command until more bytes arrive; ``close()`` returns it
as ``UnknownCommand`` (a truncated job).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "ESC",
    "GS",
    "FS",
    "DLE",
    "LF",
    "Text",
    "Control",
    "Command",
    "RealTime",
    "UnknownCommand",
    "Token",
    "CommandTokenizer",
    "tokenize",
]

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
LF = 0x0A


@dataclass(frozen=True, slots=True)
class Text:
    data: bytes

    @property
    def raw(self) -> bytes:
        return self.data


@dataclass(frozen=True, slots=True)
class Control:
    code: int

    @property
    def raw(self) -> bytes:
        return bytes((self.code,))


@dataclass(frozen=True, slots=True)
class Command:
    """``name`` is the manual's mnemonic (e.g. ``"ESC t"``, ``"GS v 0"``); ``args`` the fixed
    parameter bytes; ``payload`` the variable data after them (image bits, QR data); ``raw``
    the command's bytes as received."""

    name: str
    args: bytes
    payload: bytes
    raw: bytes


@dataclass(frozen=True, slots=True)
class RealTime:
    """``DLE EOT n``, ``DLE ENQ n`` or ``DLE DC4 ...``: answered or acted on at once."""

    name: str
    args: bytes
    raw: bytes


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    data: bytes

    @property
    def raw(self) -> bytes:
        return self.data


Token = Text | Control | Command | RealTime | UnknownCommand

_PREFIX_NAMES = {ESC: "ESC", GS: "GS", FS: "FS", DLE: "DLE"}

# Fixed number of argument bytes after the two-byte command.
_FIXED: dict[int, dict[int, int]] = {
    ESC: {
        ord("@"): 0, ord("!"): 1, ord("-"): 1, ord("2"): 0, ord("3"): 1, ord("E"): 1,
        ord("G"): 1, ord("J"): 1, ord("M"): 1, ord("R"): 1, ord("V"): 1, ord("a"): 1,
        ord("d"): 1, ord("e"): 1, ord("t"): 1, ord("{"): 1, ord(" "): 1, ord("p"): 3,
        ord("="): 1, ord("c"): 2, ord("L"): 0, ord("S"): 0, ord("T"): 1, ord("U"): 1,
        ord("i"): 0, ord("m"): 0, ord("$"): 2, ord("\\"): 2, ord("r"): 1, ord("%"): 1,
        ord("?"): 1, ord("W"): 8, ord("K"): 1,
    },
    GS: {
        ord("!"): 1, ord("B"): 1, ord("H"): 1, ord("I"): 1, ord("L"): 2, ord("P"): 2,
        ord("W"): 2, ord("a"): 1, ord("b"): 1, ord("f"): 1, ord("h"): 1, ord("r"): 1,
        ord("w"): 1, ord("$"): 2, ord("\\"): 2, ord("^"): 3, ord(":"): 0, ord("T"): 1,
        ord("E"): 1, ord("/"): 1,
    },
    FS: {
        ord("."): 0, ord("&"): 0, ord("C"): 1, ord("p"): 2, ord("S"): 2, ord("!"): 1,
        ord("-"): 1, ord("W"): 1,
    },
}  # fmt: skip


def _u16(buf: bytes | bytearray, i: int) -> int:
    return buf[i] | buf[i + 1] << 8


# A variable-length command: given the buffer and the command's start, return
# (total length, number of fixed argument bytes after the 2-byte head) or None if incomplete.
_Sizer = Callable[[bytes | bytearray, int], tuple[int, int] | None]


def _need(buf: bytes | bytearray, end: int) -> bool:
    return len(buf) >= end


def _esc_star(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # ESC * m nL nH d...
    if not _need(buf, i + 5):
        return None
    per_column = 1 if buf[i + 2] in (0, 1) else 3
    return 5 + _u16(buf, i + 3) * per_column, 3


def _paren(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # X ( c pL pH d...
    if not _need(buf, i + 5):
        return None
    return 5 + _u16(buf, i + 3), 3


def _gs_v(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # GS v 0 m xL xH yL yH d
    if not _need(buf, i + 8):
        return None
    return 8 + _u16(buf, i + 4) * _u16(buf, i + 6), 6


def _gs_cut(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # GS V m [n]
    if not _need(buf, i + 3):
        return None
    return (4, 2) if buf[i + 2] in (65, 66, 97, 98, 103, 104) else (3, 1)


def _gs_8(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # GS 8 L p1..p4 d...
    if not _need(buf, i + 7):
        return None
    size = buf[i + 3] | buf[i + 4] << 8 | buf[i + 5] << 16 | buf[i + 6] << 24
    return 7 + size, 5


def _gs_star(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # GS * x y d...
    if not _need(buf, i + 4):
        return None
    return 4 + buf[i + 2] * buf[i + 3] * 8, 2


def _nul_terminated(skip: int) -> _Sizer:
    def sizer(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:
        end = buf.find(b"\x00", i + 2 + skip)
        if end < 0:
            return None
        return end + 1 - i, skip

    return sizer


def _gs_k(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:  # GS k m ...
    if not _need(buf, i + 3):
        return None
    if buf[i + 2] <= 6:
        return _nul_terminated(1)(buf, i)
    if not _need(buf, i + 4):
        return None
    return 4 + buf[i + 3], 2


def _dle(buf: bytes | bytearray, i: int) -> tuple[int, int] | None:
    if not _need(buf, i + 2):
        return None
    second = buf[i + 1]
    if second in (0x04, 0x05):  # DLE EOT n, DLE ENQ n
        return (3, 1) if _need(buf, i + 3) else None
    if second == 0x14:  # DLE DC4 fn ...
        if not _need(buf, i + 3):
            return None
        extra = {1: 2, 2: 2, 3: 7, 7: 1, 8: 7}.get(buf[i + 2], 0)
        return 3 + extra, 1 + extra
    return 1, 0  # a lone DLE: a control byte, not a command


_VARIABLE: dict[int, dict[int, _Sizer]] = {
    ESC: {ord("*"): _esc_star, ord("("): _paren, ord("D"): _nul_terminated(0)},
    GS: {
        ord("v"): _gs_v,
        ord("V"): _gs_cut,
        ord("("): _paren,
        ord("8"): _gs_8,
        ord("*"): _gs_star,
        ord("k"): _gs_k,
    },
    FS: {ord("("): _paren},
}

_REALTIME_NAMES = {0x04: "DLE EOT", 0x05: "DLE ENQ", 0x14: "DLE DC4"}


def _name(prefix: int, second: int, buf: bytes | bytearray, i: int) -> str:
    head = f"{_PREFIX_NAMES[prefix]} {chr(second)}"
    if second == ord("(") or (prefix == GS and second in (ord("v"), ord("8"))):
        head += f" {chr(buf[i + 2])}"
    return head


class CommandTokenizer:
    """Incremental tokenizer: ``feed(data)`` returns the tokens completed so far."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Token]:
        self._buf.extend(data)
        tokens: list[Token] = []
        i = 0
        buf = self._buf
        while i < len(buf):
            byte = buf[i]
            if byte >= 0x20:
                j = i
                while j < len(buf) and buf[j] >= 0x20:
                    j += 1
                tokens.append(Text(bytes(buf[i:j])))
                i = j
                continue
            if byte not in _PREFIX_NAMES:
                tokens.append(Control(byte))
                i += 1
                continue
            token_len = self._command(buf, i, tokens)
            if token_len is None:
                break
            i += token_len
        del buf[:i]
        return tokens

    def _command(self, buf: bytearray, i: int, tokens: list[Token]) -> int | None:
        prefix = buf[i]
        if prefix == DLE:
            sized = _dle(buf, i)
            if sized is None:
                return None
            length, nargs = sized
            if length == 1:
                tokens.append(Control(DLE))
                return 1
            if not _need(buf, i + length):
                return None
            raw = bytes(buf[i : i + length])
            tokens.append(RealTime(_REALTIME_NAMES[buf[i + 1]], raw[2:], raw))
            return length
        if not _need(buf, i + 2):
            return None
        second = buf[i + 1]
        fixed = _FIXED[prefix].get(second)
        if fixed is not None:
            if not _need(buf, i + 2 + fixed):
                return None
            name = f"{_PREFIX_NAMES[prefix]} {chr(second)}"
            raw = bytes(buf[i : i + 2 + fixed])
            tokens.append(Command(name, raw[2:], b"", raw))
            return 2 + fixed
        sizer = _VARIABLE[prefix].get(second)
        if sizer is None:
            tokens.append(UnknownCommand(bytes(buf[i : i + 2])))
            return 2
        sized = sizer(buf, i)
        if sized is None:
            return None
        length, nargs = sized
        if not _need(buf, i + length):
            return None
        name = _name(prefix, second, buf, i)
        # the sub-function byte of "GS v 0" / "GS ( k" / "GS 8 L" is part of the name
        named_extra = 1 if name.count(" ") == 2 else 0
        args_start = i + 2 + named_extra
        args_end = i + 2 + nargs
        tokens.append(
            Command(
                name,
                bytes(buf[args_start:args_end]),
                bytes(buf[args_end : i + length]),
                bytes(buf[i : i + length]),
            )
        )
        return length

    def close(self) -> list[Token]:
        """End of stream: an incomplete command left over is returned as UnknownCommand."""
        rest = bytes(self._buf)
        self._buf.clear()
        return [UnknownCommand(rest)] if rest else []


def tokenize(data: bytes) -> list[Token]:
    """All tokens of a complete job."""
    tokenizer = CommandTokenizer()
    return tokenizer.feed(data) + tokenizer.close()
