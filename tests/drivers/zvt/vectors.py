"""Golden ZVT vectors from specs/card.md 1.5 (computed there, cross-checked with ecrterm)."""

from __future__ import annotations


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# (name, APDU, wire bytes)
GOLDEN = [
    ("ack 80 00", h("80 00 00"), h("10 02 80 00 00 10 03 F5 1F")),
    (
        "registration pw 123456 cfg BA EUR",
        h("06 00 06 12 34 56 BA 09 78"),
        h("10 02 06 00 06 12 34 56 BA 09 78 10 03 24 C3"),
    ),
    (
        "authorisation 10.00 MDL (DLE in the amount)",
        h("06 01 0A 04 00 00 00 00 10 00 49 04 98"),
        h("10 02 06 01 0A 04 00 00 00 00 10 10 00 49 04 98 10 03 C1 76"),
    ),
    (
        "authorisation 123.45 MDL",
        h("06 01 0A 04 00 00 00 01 23 45 49 04 98"),
        h("10 02 06 01 0A 04 00 00 00 01 23 45 49 04 98 10 03 CF C5"),
    ),
    (
        "authorisation 110.00 EUR",
        h("06 01 0A 04 00 00 00 01 10 00 49 09 78"),
        h("10 02 06 01 0A 04 00 00 00 01 10 10 00 49 09 78 10 03 F2 FF"),
    ),
    (
        "status enquiry pw 123456",
        h("05 01 03 12 34 56"),
        h("10 02 05 01 03 12 34 56 10 03 E0 43"),
    ),
    ("abort (ECR)", h("06 B0 00"), h("10 02 06 B0 00 10 03 43 F3")),
    ("end of day pw 000000", h("06 50 03 00 00 00"), h("10 02 06 50 03 00 00 00 10 03 FB 37")),
    (
        "reversal receipt 0042",
        h("06 30 06 00 00 00 87 00 42"),
        h("10 02 06 30 06 00 00 00 87 00 42 10 03 CC C0"),
    ),
    ("completion (PT)", h("06 0F 00"), h("10 02 06 0F 00 10 03 C6 33")),
    ("abort (PT) 6C", h("06 1E 01 6C"), h("10 02 06 1E 01 6C 10 03 C9 F2")),
]

# The emulator fixture of card.md 1.5: approved 10.00 MDL, masked Visa. CRC 0x1FA3.
STATUS_INFO = (
    h("04 0F 59 27 00 04 000000001000 0B 000123 0C 143005 0D 1122 0E 2812 17 0001 19 70")
    + h("22 F0F8 411111EEEEEE1111 29 12345678 2A")
    + b"000000000123456"
    + h("3B")
    + b"A1B2C3\0\0"
    + h("49 0498 87 0042 88 000042 8A 0A 8B F0F5")
    + b"VISA\0"
)
STATUS_INFO_CRC = 0x1FA3
FULL_PAN = "4111111111111111"
