"""Printer profiles: paper width, columns, and which ``ESC t`` slot holds which code page.

Slot numbers differ by vendor (devices.md 4.3): Epson-style profiles put CP866 in slot 17 and
CP852 in 18, the Chinese POS-5890 family in 59 and 54. A wrong slot prints garbage silently, so
the profile is a per-kiosk setting (python-escpos profile name + our overrides) and the
commissioning test ticket (``kiosk receipt test``) shows whether the slots are right.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.receipts._escpos import escpos_capabilities

__all__ = [
    "ProfileError",
    "PrinterProfile",
    "make_profile",
    "profile_from_config",
    "known_profiles",
    "SUPPORTED_CODEPAGES",
]

#: Code pages we can both encode and decode (Python codecs with the same name).
SUPPORTED_CODEPAGES = ("CP437", "CP850", "CP852", "CP858", "CP866", "CP1250", "CP1251", "CP1252")

_COLUMNS = {58: 32, 80: 48}  # font A (12 x 24 dots)
_DOTS = {58: 384, 80: 576}  # printable dots per line at 203 dpi
CELL_WIDTH = 12
CELL_HEIGHT = 24


class ProfileError(ValueError):
    """A printer profile that cannot work (unknown name, code page without a slot)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterProfile:
    """Everything the renderer needs to know about one printer model and its paper."""

    name: str
    paper_width_mm: int
    columns: int
    width_px: int
    codepage_ro: str = "CP852"
    codepage_ru: str = "CP866"
    extra_codepages: tuple[str, ...] = ()
    slots: tuple[tuple[str, int], ...] = ()  # (code page, ESC t slot)
    native_qr: bool = True
    cut: bool = True
    comma_below: str = "cedilla"  # "cedilla": print ş ţ; "raster": print exact ș ț as an image

    def slot(self, codepage: str) -> int:
        for name, number in self.slots:
            if name == codepage:
                return number
        raise ProfileError(f"printer profile {self.name!r} has no slot for {codepage}")

    def codepage_for_slot(self, slot: int) -> str | None:
        for name, number in self.slots:
            if number == slot:
                return name
        return None

    def pages_for(self, lang: str) -> tuple[str, ...]:
        """Code pages to try for a line of text in ``lang``, most preferred first."""
        first, second = (
            (self.codepage_ru, self.codepage_ro)
            if lang == "ru"
            else (self.codepage_ro, self.codepage_ru)
        )
        pages = [first, second, *self.extra_codepages]
        return tuple(dict.fromkeys(pages))


def known_profiles() -> tuple[str, ...]:
    return tuple(sorted(escpos_capabilities().CAPABILITIES["profiles"]))


def _escpos_profile(name: str) -> Any:
    try:
        return escpos_capabilities().get_profile(name)
    except KeyError as exc:
        raise ProfileError(
            f"unknown printer profile {name!r}; known: {', '.join(known_profiles())}"
        ) from exc


def make_profile(
    name: str = "TM-T20II",
    paper_width_mm: int = 80,
    *,
    codepage_ro: str = "CP852",
    codepage_ru: str = "CP866",
    extra_codepages: tuple[str, ...] = (),
    slot_overrides: Mapping[str, int] | None = None,
    columns: int | None = None,
    native_qr: bool | None = None,
    comma_below: str = "cedilla",
) -> PrinterProfile:
    """Build a profile from a python-escpos profile name plus our settings.

    Raises ProfileError for an unknown profile, paper width, code page, or a code page that has
    no slot in the profile (give one in ``slot_overrides``, e.g. ``{"CP866": 17}``).
    """
    if paper_width_mm not in _COLUMNS:
        raise ProfileError(f"paper width must be 58 or 80 mm, not {paper_width_mm}")
    if comma_below not in ("cedilla", "raster"):
        raise ProfileError(f"comma_below must be 'cedilla' or 'raster', not {comma_below!r}")
    base = _escpos_profile(name)
    slots: dict[str, int] = {}
    for page, number in base.get_code_pages().items():
        if page in SUPPORTED_CODEPAGES:
            slots[page] = int(number)
    for page, number in (slot_overrides or {}).items():
        page = page.upper()
        if page not in SUPPORTED_CODEPAGES:
            raise ProfileError(f"code page {page} is not supported ({SUPPORTED_CODEPAGES})")
        if not 0 <= int(number) <= 255:
            raise ProfileError(f"code page slot for {page} must be 0..255, not {number}")
        slots[page] = int(number)
    for page in (codepage_ro, codepage_ru, *extra_codepages):
        if page not in SUPPORTED_CODEPAGES:
            raise ProfileError(f"code page {page} is not supported ({SUPPORTED_CODEPAGES})")
        codecs.lookup(page)
        if page not in slots:
            raise ProfileError(
                f"printer profile {name!r} has no slot for {page}; add a slot override"
            )
    font_a = _int_or(base.profile_data.get("fonts", {}).get("0", {}).get("columns"))
    dots = _int_or(base.profile_data.get("media", {}).get("width", {}).get("pixels"))
    cols = columns or min(_COLUMNS[paper_width_mm], font_a or _COLUMNS[paper_width_mm])
    width_px = min(_DOTS[paper_width_mm], dots or _DOTS[paper_width_mm])
    features = base.profile_data.get("features", {})
    return PrinterProfile(
        name=name,
        paper_width_mm=paper_width_mm,
        columns=cols,
        width_px=width_px,
        codepage_ro=codepage_ro,
        codepage_ru=codepage_ru,
        extra_codepages=tuple(extra_codepages),
        slots=tuple(sorted(slots.items(), key=lambda kv: kv[1])),
        native_qr=bool(features.get("qrCode")) if native_qr is None else native_qr,
        cut=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        comma_below=comma_below,
    )


def _int_or(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def profile_from_config(printer: Any) -> PrinterProfile:
    """The profile for a ``kiosk.config.PrinterConfig`` (attributes read by name).

    Optional attributes ``codepage_slots`` (mapping), ``columns``, ``native_qr`` and
    ``comma_below`` are honoured when the config has them.
    """
    return make_profile(
        printer.profile,
        printer.paper_width_mm,
        codepage_ro=printer.codepage_ro,
        codepage_ru=printer.codepage_ru,
        slot_overrides=getattr(printer, "codepage_slots", None),
        columns=getattr(printer, "columns", None),
        native_qr=getattr(printer, "native_qr", None),
        comma_below=getattr(printer, "comma_below", "cedilla"),
    )
