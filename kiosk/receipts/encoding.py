"""Text to printer bytes: explicit code page per run, never a silent ``?``.

Why not python-escpos's magic encode: it picks any page the profile lists (lowest slot or last
used first), so the page a line lands in depends on what came before it; it may choose a page
that was never checked on the kiosk's printer; and a character no page holds becomes ``?``
without telling anyone (stack.md 4). Here the choice is a pure function of the line and the
kiosk's configured pages, checked with Python's codecs, and a line that cannot be encoded is
reported (the renderer then prints it as an image). The same codecs decode the bytes in tests.

Rules, in order:

1. ``fold()``: Unicode NFC; comma-below ș ț Ș Ț become the cedilla forms ş ţ Ş Ţ that CP852 and
   CP1250 hold (no ESC/POS code page has the comma-below letters, devices.md 4.3), unless the
   profile asks for exact letters as images; typographic punctuation that few pages hold becomes
   its ASCII equivalent (quotes, dashes, ellipsis, non-breaking and thin spaces, soft hyphen).
2. ``plan_line()``: an all-ASCII line needs no page. Otherwise the first page in the language's
   preference order (``PrinterProfile.pages_for``) that encodes the whole line is used; failing
   that the line is split into runs, each in the first page that holds its first character and
   kept while it can. A character in none of the pages makes the whole line ``None``: raster.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["COMMA_BELOW", "fold", "Segment", "plan_line", "can_encode", "needs_exact_letters"]

#: Correct Romanian comma-below letters and the cedilla letters printers have instead.
COMMA_BELOW = str.maketrans("șțȘȚ", "şţŞŢ")

_PUNCTUATION = str.maketrans(
    {
        "\u00a0": " ",  # no-break space (format_money groups thousands with it)
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\u2007": " ",  # figure space
        "\u00ad": None,  # soft hyphen
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
        "\u201e": '"',  # „ Romanian opening quote
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',  # « Russian quotes
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2026": "...",
        "\t": " ",
    }
)

_COMMA_BELOW_LETTERS = frozenset("șțȘȚ")


def fold(text: str, *, comma_below: str = "cedilla") -> str:
    """The text as it will be printed (see rule 1). ``comma_below="raster"`` keeps ș ț."""
    text = unicodedata.normalize("NFC", text).translate(_PUNCTUATION)
    if comma_below == "cedilla":
        text = text.translate(COMMA_BELOW)
    return text


def needs_exact_letters(text: str) -> bool:
    """True if ``text`` has comma-below letters (printable exactly only as an image)."""
    return any(ch in _COMMA_BELOW_LETTERS for ch in text)


def can_encode(text: str, codepage: str) -> bool:
    try:
        text.encode(codepage)
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of one line printed in one code page (``None``: plain ASCII, any page)."""

    codepage: str | None
    text: str

    @property
    def data(self) -> bytes:
        return self.text.encode(self.codepage or "ascii")


def _printable(text: str) -> bool:
    return all(ch >= " " and ch != "\x7f" for ch in text)


def plan_line(text: str, pages: Sequence[str]) -> list[Segment] | None:
    """Split an already folded line into code-page runs, or None if it must be rastered.

    Control characters are refused (None): a line never carries printer commands.
    """
    if not _printable(text):
        return None
    if text.isascii():
        return [Segment(None, text)]
    for page in pages:
        if can_encode(text, page):
            return [Segment(page, text)]
    segments: list[Segment] = []
    current: str | None = None
    start = 0
    for i, ch in enumerate(text):
        if ch.isascii() or (current is not None and can_encode(ch, current)):
            continue
        found = next((p for p in pages if can_encode(ch, p)), None)
        if found is None:
            return None
        if i > start or current is not None:
            segments.append(Segment(current, text[start:i]))
        current, start = found, i
    segments.append(Segment(current, text[start:]))
    return [s for s in segments if s.text]
