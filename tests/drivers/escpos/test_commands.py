"""ESC/POS tokenizer: golden commands, fed whole and byte by byte, truncation, fuzz."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.escpos.commands import (
    Command,
    CommandTokenizer,
    Control,
    RealTime,
    Text,
    UnknownCommand,
    tokenize,
)

# (bytes, tokens): one row per command shape the kiosk sends or a printer must survive
GOLDEN = [
    (b"\x1b@", [Command("ESC @", b"", b"", b"\x1b@")]),
    (b"\x1bt\x12", [Command("ESC t", b"\x12", b"", b"\x1bt\x12")]),
    (b"\x1b!\x30", [Command("ESC !", b"\x30", b"", b"\x1b!\x30")]),
    (b"\x1dV\x00", [Command("GS V", b"\x00", b"", b"\x1dV\x00")]),
    (b"\x1dVB\x00", [Command("GS V", b"B\x00", b"", b"\x1dVB\x00")]),  # feed-and-cut form
    (b"\x1dr\x01", [Command("GS r", b"\x01", b"", b"\x1dr\x01")]),
    (
        b"\x1dv0\x00\x02\x00\x01\x00\x10\x04",  # 2 bytes x 1 row: image bits that look like DLE EOT
        [
            Command(
                "GS v 0",
                b"\x00\x02\x00\x01\x00",
                b"\x10\x04",
                b"\x1dv0\x00\x02\x00\x01\x00\x10\x04",
            )
        ],
    ),
    (
        b"\x1d(k\x03\x001C\x06",
        [Command("GS ( k", b"\x03\x00", b"1C\x06", b"\x1d(k\x03\x001C\x06")],
    ),
    (
        b"\x1b*\x00\x02\x00\xaa\xbb",
        [Command("ESC *", b"\x00\x02\x00", b"\xaa\xbb", b"\x1b*\x00\x02\x00\xaa\xbb")],
    ),
    (b"\x1bD\x08\x10\x00", [Command("ESC D", b"", b"\x08\x10\x00", b"\x1bD\x08\x10\x00")]),
    (b"\x1dkE\x03ABC", [Command("GS k", b"E\x03", b"ABC", b"\x1dkE\x03ABC")]),
    (b"\x1dk\x04AB\x00", [Command("GS k", b"\x04", b"AB\x00", b"\x1dk\x04AB\x00")]),
    (b"\x10\x04\x04", [RealTime("DLE EOT", b"\x04", b"\x10\x04\x04")]),
    (
        b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08",
        [
            RealTime(
                "DLE DC4",
                b"\x08\x01\x03\x14\x01\x06\x02\x08",
                b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08",
            )
        ],
    ),
    (b"\x10A", [Control(0x10), Text(b"A")]),  # lone DLE is not a command
    (b"Plat\xc7\n", [Text(b"Plat\xc7"), Control(0x0A)]),
    (b"\x1b\x01x", [UnknownCommand(b"\x1b\x01"), Text(b"x")]),
]


@pytest.mark.parametrize(("data", "tokens"), GOLDEN)
def test_golden_whole(data: bytes, tokens: list[object]) -> None:
    assert tokenize(data) == tokens
    assert b"".join(t.raw for t in tokenize(data)) == data


@pytest.mark.parametrize(("data", "tokens"), GOLDEN)
def test_golden_byte_by_byte_with_trailing_text(data: bytes, tokens: list[object]) -> None:
    tokenizer = CommandTokenizer()
    out = []
    for byte in data + b"ok":
        out.extend(tokenizer.feed(bytes([byte])))
    out.extend(tokenizer.close())
    merged: list[object] = []
    for token in out:  # text arrives one byte at a time: merge adjacent text runs
        if isinstance(token, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].data + token.data)
        else:
            merged.append(token)
    expected = list(tokens)
    if expected and isinstance(expected[-1], Text):
        expected[-1] = Text(expected[-1].data + b"ok")
    else:
        expected.append(Text(b"ok"))
    assert merged == expected


def test_truncated_command_is_returned_on_close() -> None:
    tokenizer = CommandTokenizer()
    assert tokenizer.feed(b"A\x1dv0\x00\x10\x00\x05") == [Text(b"A")]
    assert tokenizer.close() == [UnknownCommand(b"\x1dv0\x00\x10\x00\x05")]
    assert tokenizer.close() == []


@given(st.binary(max_size=200))
def test_fuzz_tokens_cover_every_byte(data: bytes) -> None:
    tokens = tokenize(data)
    assert b"".join(t.raw for t in tokens) == data


@given(st.binary(max_size=120), st.integers(1, 7))
def test_fuzz_chunking_does_not_change_tokens(data: bytes, size: int) -> None:
    tokenizer = CommandTokenizer()
    out = []
    for i in range(0, len(data), size):
        out.extend(tokenizer.feed(data[i : i + size]))
    out.extend(tokenizer.close())
    assert b"".join(t.raw for t in out) == data
    assert [t for t in out if not isinstance(t, Text)] == [
        t for t in tokenize(data) if not isinstance(t, Text)
    ]
