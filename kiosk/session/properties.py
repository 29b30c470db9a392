"""Order properties the payer fills in, and the checks on what they type.

Which properties are asked (specs/mpay.md 1.3, 1.7.4): those the order marks ``Modifiable``,
and ``Required`` ones that came without a value. Order-level and line-level properties are
asked once per name (``build_confirmation`` echoes them by name). Hidden (``IsVisible`` false)
properties are asked only when required and empty.

Type rules: ``idn`` a valid IDNP/IDNO (13 digits, 7-3-1 check digit, ``kiosk.idn``); ``tc`` a
valid IDNx or at least 5 characters with a non-digit; ``number`` digits with at most one
decimal separator; anything else free text. Values are trimmed and at most 255 characters.

Also the order-key and voucher-code checks (key: service pattern, trimmed, at most 36).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kiosk.idn import is_valid_idn
from kiosk.mpay.models import Order, OrderProperty, PaymentProperty
from kiosk.session.view import Keyboard

__all__ = [
    "PropertySpec",
    "MAX_VALUE_LENGTH",
    "MAX_KEY_LENGTH",
    "input_specs",
    "validate_value",
    "keyboard_for",
    "key_error",
    "voucher_code_error",
    "payment_properties",
]

MAX_VALUE_LENGTH = 255
MAX_KEY_LENGTH = 36
MAX_VOUCHER_LENGTH = 32
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_VOUCHER = re.compile(r"[A-Za-z0-9-]{4,32}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertySpec:
    key: str  # the property name
    label: str
    type: str
    required: bool
    initial: str


def _wanted(prop: OrderProperty) -> bool:
    empty = not (prop.value or "").strip()
    if prop.modifiable and prop.visible:
        return True
    return prop.required and empty


def input_specs(order: Order) -> tuple[PropertySpec, ...]:
    """The properties to ask, in order (order-level first, then lines), one per name."""
    specs: dict[str, PropertySpec] = {}
    props = list(order.properties)
    for line in order.lines:
        props.extend(line.properties)
    for prop in props:
        if prop.name in specs or not _wanted(prop):
            continue
        specs[prop.name] = PropertySpec(
            key=prop.name,
            label=(prop.display_name or prop.name),
            type=(prop.type or "string").strip().lower() or "string",
            required=prop.required,
            initial=(prop.value or "").strip(),
        )
    return tuple(specs.values())


def validate_value(type_: str, value: str, required: bool) -> str | None:
    """None if ``value`` is acceptable, else the i18n key of the problem."""
    value = value.strip()
    if not value:
        return "session.property.required" if required else None
    if len(value) > MAX_VALUE_LENGTH:
        return "session.property.too_long"
    kind = type_.strip().lower()
    if kind == "idn":
        return None if is_valid_idn(value) else "session.property.idn_invalid"
    if kind == "tc":
        ok = is_valid_idn(value) or (len(value) >= 5 and not value.isdigit())
        return None if ok else "session.property.tc_invalid"
    if kind == "number":
        return None if _NUMBER.fullmatch(value) else "session.property.number_invalid"
    return None


def keyboard_for(type_: str) -> Keyboard:
    return Keyboard.DIGITS if type_ in ("idn", "number") else Keyboard.ALNUM


def payment_properties(
    specs: tuple[PropertySpec, ...], values: dict[str, str]
) -> tuple[PaymentProperty, ...]:
    """The payer's values as PaymentProperty (name, trimmed value), in the specs' order."""
    return tuple(
        PaymentProperty(name=s.key, value=values.get(s.key, s.initial).strip()) for s in specs
    )


@cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def key_error(key: str, pattern: str) -> str | None:
    """None if the (trimmed) order key fits the service, else the i18n key of the problem.

    An invalid pattern (the config loader should have refused it) accepts any key.
    """
    key = key.strip()
    if not key:
        return "session.key.empty"
    if len(key) > MAX_KEY_LENGTH:
        return "session.key.too_long"
    compiled = _pattern(pattern)
    if compiled is not None and not compiled.fullmatch(key):
        return "session.key.invalid"
    return None


def voucher_code_error(code: str) -> str | None:
    code = code.strip()
    if not code:
        return "session.voucher.empty"
    return None if _VOUCHER.fullmatch(code) else "session.voucher.invalid"
