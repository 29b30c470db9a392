"""ccTalk coin acceptor data: coin ids to bani, the event counter, buffered credit, masks."""

from __future__ import annotations

import pytest

from drivers.cctalk.messages import (
    BufferedCredit,
    coin_value,
    encode_buffered_credit,
    encode_inhibits,
    error_text,
    is_rejection,
    new_event_count,
    parse_buffered_credit,
    parse_coin_id,
    parse_serial,
)


@pytest.mark.parametrize(
    ("coin_id", "bani"),
    [
        ("MD005A", 5),
        ("MD010A", 10),
        ("MD025A", 25),
        ("MD050A", 50),
        ("MD100A", 100),  # 1 leu
        ("MD200A", 200),
        ("MD500A", 500),
        ("MD1K0A", 1000),  # 10 lei
        ("MD2K5B", 2500),
        ("MD10KA", 10000),
        ("EU200A", 200),  # the spec's example: a 2-euro coin in cents
        ("MD.50A", None),  # half a ban: not a whole minor unit
        ("MD5m0A", None),
        ("TK000A", None),  # taught token
        ("......", None),  # empty position
        ("MDX1ZA", None),
        ("MD000A", None),
    ],
)
def test_coin_values(coin_id: str, bani: int | None) -> None:
    assert coin_value(parse_coin_id(coin_id.encode("ascii"))) == bani


def test_coin_id_short_or_binary_is_padded_not_a_crash() -> None:
    coin = parse_coin_id(b"MD\x00")
    assert coin.raw == "MD?..." and coin_value(coin) is None


@pytest.mark.parametrize(
    ("counter", "last", "new"),
    [(23, 23, 0), (104, 102, 2), (1, 255, 1), (3, 253, 5), (54, 48, 6), (5, 0, 5), (1, 0, 1)],
)
def test_event_counter_examples_from_the_spec(counter: int, last: int, new: int) -> None:
    assert new_event_count(last, counter) == new


def test_buffered_credit_spec_vector() -> None:
    data = bytes.fromhex("01 03 01 00 00 00 00 00 00 00 00")
    assert parse_buffered_credit(data) == BufferedCredit(
        counter=1, events=((3, 1), (0, 0), (0, 0), (0, 0), (0, 0))
    )
    assert encode_buffered_credit(1, [(3, 1)]) == data
    assert parse_buffered_credit(data[:10]) is None


def test_serial_number_is_lsb_first() -> None:
    assert parse_serial(bytes((78, 97, 188))) == 12345678
    assert parse_serial(b"\x01") is None


def test_inhibit_masks() -> None:
    assert encode_inhibits(0xFFFF) == b"\xff\xff"
    assert encode_inhibits(0b1000_0001) == b"\x81\x00"  # coins 1 and 8
    assert encode_inhibits(1 << 8) == b"\x00\x01"  # coin 9


def test_event_codes() -> None:
    assert is_rejection(2) and is_rejection(130) and not is_rejection(20)
    assert error_text(20) == "coin on string"
    assert error_text(130) == "inhibited coin type 3"
    assert error_text(99) == "event code 99"
