"""Orders and payment properties to JSON and back, for the journal's session intent.

Crash recovery finishes an interrupted session from what ``Ledger.note_intent`` stored, so the
chosen ``Order`` (Decimals, datetimes, nested frozen dataclasses) must survive a JSON round
trip exactly. Only the classes of ``kiosk.mpay.models`` are revived: the stored text names a
class, and a name we do not know is refused rather than imported.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from kiosk.mpay import models

__all__ = ["to_json", "from_json", "CodecError"]


class CodecError(ValueError):
    """Stored intent data that does not describe our models."""


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"__dc__": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = to_json(getattr(value, f.name))
        return out
    if isinstance(value, Decimal):
        return {"__dec__": str(value)}
    if isinstance(value, datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, tuple | list):
        return {"__tuple__": [to_json(v) for v in value]}
    if isinstance(value, dict):
        return {"__map__": {str(k): to_json(v) for k, v in value.items()}}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise CodecError(f"cannot store {type(value).__name__} in a session intent")


def from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "__dc__" in value:
            name = value["__dc__"]
            cls = getattr(models, str(name), None)
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                raise CodecError(f"unknown stored class {name!r}")
            kwargs = {k: from_json(v) for k, v in value.items() if k != "__dc__"}
            try:
                return cls(**kwargs)
            except TypeError as exc:
                raise CodecError(f"stored {name} does not fit: {exc}") from None
        if "__dec__" in value:
            return Decimal(value["__dec__"])
        if "__dt__" in value:
            return datetime.fromisoformat(value["__dt__"])
        if "__tuple__" in value:
            return tuple(from_json(v) for v in value["__tuple__"])
        if "__map__" in value:
            return {k: from_json(v) for k, v in value["__map__"].items()}
        raise CodecError("stored object of no known kind")
    if isinstance(value, list):
        return tuple(from_json(v) for v in value)
    return value
