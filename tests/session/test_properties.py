"""Property inputs and their checks (specs/mpay.md 1.3 OrderProperty, section 5 IDNP/IDNO)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.mpay.models import OrderLine, OrderProperty
from kiosk.session.properties import (
    input_specs,
    key_error,
    payment_properties,
    validate_value,
    voucher_code_error,
)

from .harness import order


@pytest.mark.parametrize(
    ("type_", "value", "required", "expected"),
    [
        # spec section 5 vectors
        ("idn", "2006022048426", True, None),  # CustomerID in EX
        ("idn", "1006601000255", True, None),  # BankFiscalCode in EX
        ("idn", "1008600038413", True, None),  # STDNUM doctest
        ("idn", "1008600038412", True, "session.property.idn_invalid"),  # wrong check digit
        ("idn", " 2006022048426 ", True, None),  # trimmed
        ("idn", "200602204842", True, "session.property.idn_invalid"),  # 12 digits
        ("idn", "20060220484260", True, "session.property.idn_invalid"),  # 14 digits
        ("idn", "200602204842a", True, "session.property.idn_invalid"),
        ("idn", "٢٠٠٦٠٢٢٠٤٨٤٢٦", True, "session.property.idn_invalid"),  # non-ASCII digits
        ("idn", "", True, "session.property.required"),
        ("idn", "", False, None),  # optional and empty is fine
        # tc: a valid IDNx, or >= 5 chars with a non-digit
        ("tc", "1008600038413", True, None),
        ("tc", "AB12345", True, None),
        ("tc", "ABCDE", True, None),
        ("tc", "ABCD", True, "session.property.tc_invalid"),  # too short
        ("tc", "12345678", True, "session.property.tc_invalid"),  # digits only, not an IDNx
        ("tc", "1008600038412", True, "session.property.tc_invalid"),
        # number
        ("number", "42", True, None),
        ("number", "42,5", True, None),
        ("number", "4.2.1", True, "session.property.number_invalid"),
        ("number", "-4", True, "session.property.number_invalid"),
        # string and unknown types: free text, bounded
        ("string", "Chișinău", True, None),
        ("string", "   ", True, "session.property.required"),
        ("LineDescription", "x" * 255, True, None),
        ("string", "x" * 256, True, "session.property.too_long"),
        ("IDN", "2006022048426", True, None),  # type names are case-insensitive
    ],
)
def test_validate_value(type_: str, value: str, required: bool, expected: str | None) -> None:
    assert validate_value(type_, value, required) == expected


def test_which_properties_are_asked() -> None:
    props = (
        OrderProperty(name="IDNP", type="idn", required=True, modifiable=True),
        OrderProperty(name="Fixed", value="x", required=True),  # has a value, not modifiable
        OrderProperty(name="Missing", required=True),  # required and empty: asked
        OrderProperty(name="Info", value="y"),  # neither: shown only
        OrderProperty(name="Hidden", modifiable=True, visible=False),  # hidden, optional
        OrderProperty(name="Edit", value="old", modifiable=True, display_name="Editabil"),
    )
    line_prop = OrderProperty(name="IDNP", type="idn", required=True, modifiable=True)
    o = order(properties=props)
    o = replace(o, lines=(OrderLine(line_id="1", reason="r", properties=(line_prop,)),))
    specs = input_specs(o)
    assert [s.key for s in specs] == ["IDNP", "Missing", "Edit"]  # the line's IDNP asked once
    assert specs[2].label == "Editabil" and specs[2].initial == "old"
    pp = payment_properties(specs, {"IDNP": " 2006022048426 ", "Missing": "v"})
    assert [(p.name, p.value) for p in pp] == [
        ("IDNP", "2006022048426"),
        ("Missing", "v"),
        ("Edit", "old"),
    ]


@pytest.mark.parametrize(
    ("key", "pattern", "expected"),
    [
        ("MDS02250710092629689", r"^[A-Za-z0-9-]{1,36}$", None),
        ("  MDS02  ", r"^[A-Za-z0-9-]{1,36}$", None),  # trimmed before the check
        ("", r".*", "session.key.empty"),
        ("   ", r".*", "session.key.empty"),
        ("A" * 37, r".*", "session.key.too_long"),
        ("A" * 36, r".*", None),
        ("12345", r"^\d{6,20}$", "session.key.invalid"),
        ("abc def", r"^[A-Za-z0-9-]{1,36}$", "session.key.invalid"),
        ("anything", r"([", None),  # a broken pattern accepts (the config check refuses it)
    ],
)
def test_key_error(key: str, pattern: str, expected: str | None) -> None:
    assert key_error(key, pattern) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ABCD-1234", None),
        ("", "session.voucher.empty"),
        ("AB", "session.voucher.invalid"),
        ("ABCD 1234", "session.voucher.invalid"),
        ("A" * 33, "session.voucher.invalid"),
    ],
)
def test_voucher_code_error(code: str, expected: str | None) -> None:
    assert voucher_code_error(code) == expected
