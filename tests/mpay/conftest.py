"""Fixtures for the MPay tests: a real sandbox on loopback and a client talking to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.mpay.client import MpayClient
from kiosk.mpay.sandbox import MpaySandbox

from .helpers import settings_for


@pytest.fixture
def sandbox() -> Iterator[MpaySandbox]:
    sb = MpaySandbox(seed=1, slow_s=3.0).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def client(sandbox: MpaySandbox) -> Iterator[MpayClient]:
    c = MpayClient(settings_for(sandbox.url))
    try:
        yield c
    finally:
        c.close()
