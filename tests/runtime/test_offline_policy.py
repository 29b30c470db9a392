"""The offline policy: once too many payments wait unconfirmed, the terminal stops taking money
(out of service, said to the payer) and comes back by itself once MPay has confirmed them."""

from __future__ import annotations

import pytest

from kiosk.mpay.sandbox import MpaySandbox
from kiosk.mpay.sandbox_data import sim_order_key
from kiosk.session.view import Screen
from tests.runtime.conftest import start_terminal, stop_terminal

pytestmark = pytest.mark.slow


def test_too_many_unconfirmed_payments_stop_the_terminal_until_mpay_confirms(tmp_path):
    sandbox = MpaySandbox("127.0.0.1", 0, tmp_path / "sandbox").start()
    t = start_terminal(tmp_path / "state", endpoint=sandbox.url, max_pending_count=1,
                       backoff_initial_s=0.2, backoff_max_s=0.5)
    try:
        sandbox.set_confirmations_down(True)
        result = t.payer.pay("MDS02", sim_order_key("MDS02", 51), method="card")
        assert result.outcome == "paid" and result.confirmation == "pending"
        v = t.payer.wait_screen(Screen.OUT_OF_SERVICE, timeout=15)
        assert v.out_of_service_key == "runtime.out_of_service.unconfirmed"
        assert t.ledger.outbox_summary().pending == 1
        sandbox.set_confirmations_down(False)
        t.payer.wait_screen(Screen.ATTRACT, timeout=30)
        assert t.ledger.outbox_summary().pending == 0
        assert [c.order_key for c in sandbox.confirmations()] == [sim_order_key("MDS02", 51)]
    finally:
        stop_terminal(t)
        sandbox.stop()
