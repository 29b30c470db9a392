"""The package's public names exist and every module's ``__all__`` is honest."""

from __future__ import annotations

import importlib

import pytest

import kiosk.ledger

MODULES = [
    "archive",
    "cashbox",
    "chain",
    "credits",
    "errors",
    "export",
    "ledger",
    "outbox",
    "payments",
    "records",
    "recovery",
    "schema",
    "store",
    "vouchers",
    "worker",
]


def test_package_exports_exist() -> None:
    for name in kiosk.ledger.__all__:
        assert hasattr(kiosk.ledger, name), name


@pytest.mark.parametrize("name", MODULES)
def test_module_all_names_exist(name: str) -> None:
    module = importlib.import_module(f"kiosk.ledger.{name}")
    for attr in module.__all__:
        assert hasattr(module, attr), f"{name}.{attr}"
