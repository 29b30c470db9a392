"""The ESC/POS interpreter used as the tests' decoder: commands, problems, fuzz."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.receipts.interpreter import Cut, Feed, Picture, QrCode, Run, TextLine, interpret
from kiosk.receipts.picture import draw_document
from kiosk.receipts.profiles import make_profile

PROFILE = make_profile("TM-T20II", 80)


def test_styles_alignment_and_code_pages() -> None:
    data = (
        b"\x1b@\x1bR\x00"
        b"\x1ba\x01\x1b!\x38Big\n"  # centred, bold, double height and width
        b"\x1ba\x02\x1b!\x00\x1d!\x11Tall\n"
        b"\x1ba\x00\x1d!\x00\x1bE\x01Bo\x1bE\x00ld\n"
        b"\x1bt\x12\xc7\x1bt\x11\xa0\n"  # CP852 ă, then CP866 а
        b"\x1bd\x03\x1bJ\x10\x1dV\x01"
    )
    doc = interpret(data, PROFILE)
    assert doc.problems == []
    assert doc.elements == [
        TextLine((Run("Big", True, 2, 2),), "center"),
        TextLine((Run("Tall", False, 2, 2),), "right"),
        TextLine((Run("Bo", True), Run("ld")), "left"),
        TextLine((Run("ă", codepage="CP852"), Run("а", codepage="CP866")), "left"),
        Feed(lines=3),
        Feed(dots=16),
        Cut(partial=True),
    ]
    assert doc.codepages == ["CP852", "CP866"]


def test_problems_are_reported_not_guessed() -> None:
    data = (
        b"\x1b@\xc7\n"  # non-ASCII before any ESC t
        b"\x1bt\x63x\n"  # slot 99 is not in the profile
        b"\x1bR\x02#\n"  # international character set France: '#' would not print as '#'
        + b"x"
        * 49
        + b"\n"  # wider than 48 columns
        b"\x1b\x01"  # unknown command
        b"\x1b*\x00\x01\x00\xff"  # column image: not produced by us
    )
    problems = interpret(data, PROFILE).problems
    assert len(problems) == 6
    assert "before any ESC t" in problems[0]
    assert "slot not in profile" in problems[1]
    assert "not USA" in problems[2]
    assert "wider than 48" in problems[3]


def test_pictures_and_native_qr() -> None:
    data = (
        b"\x1dv0\x00\x01\x00\x02\x00\xff\x00"  # 8 x 2 dots
        b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E1"
        b"\x1d(k\x06\x001P0abc\x1d(k\x03\x001Q0"
    )
    doc = interpret(data, PROFILE)
    assert doc.elements == [Picture(1, 2, b"\xff\x00"), QrCode("abc", 6, "M")]
    image = doc.pictures[0].image()
    assert image.size == (8, 2) and image.getpixel((0, 0)) == 0 and image.getpixel((0, 1)) == 255


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_any_bytes_give_a_document_and_a_picture(data: bytes) -> None:
    doc = interpret(data, PROFILE)
    image = draw_document(doc, PROFILE)
    assert image.width == PROFILE.width_px + 32
