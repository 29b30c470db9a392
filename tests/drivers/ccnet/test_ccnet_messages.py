"""CCNET replies: poll states, bill table (read from the device, bit 7 decimals), identification."""

from __future__ import annotations

import pytest

from drivers.ccnet.messages import (
    Ack,
    BillTable,
    Command,
    Identification,
    IllegalCommand,
    Nak,
    PollStatus,
    State,
    StatusMasks,
    UnknownReply,
    bill_type_value,
    encode_bill_table,
    encode_enable,
    encode_identification,
    failure_text,
    parse_reply,
    reject_text,
    state_text,
)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"\x14", PollStatus(state=State.IDLING)),
        (b"\x80\x02", PollStatus(state=State.ESCROW_POSITION, data=2)),
        (b"\x81\x07", PollStatus(state=State.BILL_STACKED, data=7)),
        (b"\x1c\x68", PollStatus(state=State.REJECTING, data=0x68)),
        (b"\x47\x50", PollStatus(state=State.FAILURE, data=0x50)),
        (b"\x42", PollStatus(state=State.DROP_CASSETTE_OUT_OF_POSITION)),
        (b"\x77", PollStatus(state=0x77)),  # unknown state: explicit, not a crash
        (b"\x00", Ack()),
        (b"\xff", Nak()),
        (b"\x30", IllegalCommand()),
    ],
)
def test_poll_replies(payload: bytes, expected: object) -> None:
    assert parse_reply(Command.POLL, payload) == expected


@pytest.mark.parametrize("payload", [b"", b"\x81", b"\x14\x00", b"\x14\x00\x00"])
def test_malformed_poll_replies_are_unknown(payload: bytes) -> None:
    reply = parse_reply(Command.POLL, payload)
    assert isinstance(reply, UnknownReply)
    assert reply.raw == payload


def test_unknown_state_is_not_known() -> None:
    reply = parse_reply(Command.POLL, b"\x77")
    assert isinstance(reply, PollStatus) and not reply.known
    assert state_text(0x77) == "unknown state 0x77"


def test_get_status_masks() -> None:
    reply = parse_reply(Command.GET_STATUS, bytes.fromhex("FF FF FF 00 00 01"))
    assert reply == StatusMasks(enabled=0xFFFFFF, security=1)


def test_identification_spec_example() -> None:
    payload = encode_identification("FL-US1701", "00K038AS3419", bytes(range(7)))
    assert len(payload) == 34
    reply = parse_reply(Command.IDENTIFICATION, payload)
    assert reply == Identification(part="FL-US1701", serial="00K038AS3419", asset=bytes(range(7)))


def test_bill_table_spec_example_and_gaps() -> None:
    raw = encode_bill_table(
        {0: (1, "USA", 0), 1: (5, "USA", 0), 2: (1, "USA", 1), 5: (2, "USA", 1)}
    )
    assert len(raw) == 120
    table = parse_reply(Command.GET_BILL_TABLE, raw)
    assert isinstance(table, BillTable)
    assert [(b.index, b.value, b.currency) for b in table.types] == [
        (0, 100, "USA"),
        (1, 500, "USA"),
        (2, 1000, "USA"),
        (5, 2000, "USA"),
    ]
    assert table.get(3) is None


@pytest.mark.parametrize(
    ("digit", "exp", "bani"),
    [
        (1, 0x00, 100),  # 1 leu
        (5, 0x02, 50000),  # 500 lei
        (1, 0x03, 100000),  # 1000 lei
        (5, 0x81, 50),  # bit 7: decimal point, 0.5
        (25, 0x82, 25),  # 0.25
        (1, 0x83, None),  # 0.001: not a whole ban
        (0, 0x00, None),
    ],
)
def test_bill_value_with_bit7(digit: int, exp: int, bani: int | None) -> None:
    assert bill_type_value(digit, exp) == bani


def test_bill_table_wrong_size_is_unknown() -> None:
    assert isinstance(parse_reply(Command.GET_BILL_TABLE, bytes(7)), UnknownReply)


def test_enable_masks_match_spec_vector() -> None:
    types_1_to_7 = 0b1111_1110
    assert encode_enable(types_1_to_7, types_1_to_7) == bytes.fromhex("00 00 FE 00 00 FE")
    assert encode_enable(1 << 23, 0) == bytes.fromhex("80 00 00 00 00 00")


def test_texts_for_known_and_unknown_codes() -> None:
    assert reject_text(0x68) == "denomination inhibited"
    assert reject_text(0x01) == "rejected (code 0x01)"
    assert failure_text(0x5F) == "capacitance channel failure"
    assert failure_text(0xF4) == "failure (code 0xF4)"
    assert state_text(0x43) == "bill jammed in validator"
