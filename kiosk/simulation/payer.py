"""A headless payer: walks the real runtime through a whole session with the same intents the
screens send, and plays the devices' part through the emulators (bills, coins, card).

Used by ``kiosk simulate`` and the end-to-end tests. It waits on the views the runtime
publishes, never on sleeps, and gives up on a step after ``step_timeout`` seconds (the session
then times out in the machine, as a payer walking away would make it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.session import events as ev
from kiosk.session.view import Screen, SessionView

__all__ = ["Payer", "SessionResult", "StuckSession"]

log = logging.getLogger(__name__)

BILLS = (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 100)
COINS = (1000, 500, 200, 100, 50)


class StuckSession(RuntimeError):
    """The runtime did not reach the expected screen in time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionResult:
    service_id: str
    order_key: str
    method: str
    outcome: str  # paid | paid_partial | voucher | not_found | not_payable | error
    payment_id: str | None
    confirmation: str | None
    inserted: int
    voucher: str | None


class Payer:
    def __init__(self, runtime: Any, world: Any, *, step_timeout: float = 30.0) -> None:
        self.runtime = runtime
        self.world = world
        self.step_timeout = step_timeout
        self._cond = threading.Condition()
        self._view: SessionView | None = None
        self._seq = 0
        runtime.subscribe(self._on_view)

    def _on_view(self, view: SessionView) -> None:
        with self._cond:
            self._view = view
            self._seq += 1
            self._cond.notify_all()

    @property
    def view(self) -> SessionView:
        assert self._view is not None
        return self._view

    def wait(self, ok: Callable[[SessionView], bool], what: str, timeout: float | None = None) -> SessionView:
        deadline = time.monotonic() + (timeout or self.step_timeout)
        with self._cond:
            while self._view is None or not ok(self._view):
                left = deadline - time.monotonic()
                if left <= 0:
                    screen = self._view.screen.value if self._view else None
                    raise StuckSession(f"waited for {what}; the screen is {screen}")
                self._cond.wait(left)
            return self._view

    def wait_screen(self, *screens: Screen, timeout: float | None = None) -> SessionView:
        names = "/".join(s.value for s in screens)
        return self.wait(lambda v: v.screen in screens, names, timeout)

    def send(self, event: Any) -> None:
        self.runtime.submit(event)

    # -- steps ----------------------------------------------------------------------------------
    def look_up(self, service_id: str, order_key: str, lang: str = "ro") -> SessionView:
        """From the attract screen to what the look-up shows: the invoice, the order choice or
        an error."""
        self.wait_screen(Screen.ATTRACT, timeout=max(self.step_timeout, 60))
        self.send(ev.LanguageChosen(language=lang))
        self.wait_screen(Screen.SERVICES)
        self.send(ev.ServiceChosen(service_id=service_id))
        self.wait_screen(Screen.ORDER_KEY)
        self.send(ev.KeyChanged(text=order_key))
        self.send(ev.KeySubmitted())
        return self.wait_screen(Screen.ORDER_CHOICE, Screen.INVOICE, Screen.ERROR)

    def to_method(self, service_id: str, order_key: str, lang: str = "ro") -> SessionView:
        """To the payment-method screen of a payable order with a fixed amount."""
        v = self.look_up(service_id, order_key, lang)
        if v.screen is not Screen.INVOICE:
            raise StuckSession(f"{service_id}/{order_key}: the look-up showed {v.screen.value}")
        self.send(ev.Continue())
        return self.wait_screen(Screen.METHOD)

    def start_cash(self) -> SessionView:
        """Choose cash and wait until the acceptors take money."""
        self.send(ev.MethodChosen(method="cash"))
        return self.wait(lambda v: v.cash is not None and v.cash.accepting, "acceptors on")

    # -- one session ----------------------------------------------------------------------------
    def pay(self, service_id: str, order_key: str, *, method: str = "cash", lang: str = "ro",
            properties: Callable[[Any], str] | None = None) -> SessionResult:
        """One whole session paid by ``method``: cash (bills, coins for what is below a bill),
        coins, or card."""
        v = self.look_up(service_id, order_key, lang)
        if v.screen is Screen.ORDER_CHOICE:
            index = next((o.index for o in v.orders if o.payable), v.orders[0].index)
            self.send(ev.OrderChosen(index=index))
            v = self.wait_screen(Screen.INVOICE)
        if v.screen is Screen.ERROR:
            key = v.error.message_key if v.error else ""
            self._leave()
            kind = "not_found" if "unknown" in key or "not_found" in key else "error"
            return self._result(service_id, order_key, method, kind)
        if v.order is None or not v.order.payable:
            self._leave()
            return self._result(service_id, order_key, method, "not_payable")
        self.send(ev.Continue())
        v = self.wait_screen(Screen.PROPERTIES, Screen.AMOUNT, Screen.METHOD)
        if v.screen is Screen.PROPERTIES and v.properties is not None:
            for p in v.properties.inputs:
                if not p.valid or not p.value:
                    value = properties(p) if properties else sample_value(p.type)
                    self.send(ev.PropertyChanged(key=p.key, value=value))
            self.send(ev.Continue())
            v = self.wait_screen(Screen.AMOUNT, Screen.METHOD)
        if v.screen is Screen.AMOUNT:
            a = v.amount
            if a is not None and not a.valid:
                # what is due if known, else the least the order takes (at least 100.00 lei)
                amount = a.suggested or max(a.min_amount, 10000)
                if a.max_amount is not None:
                    amount = min(amount, a.max_amount)
                self.send(ev.AmountChanged(text=f"{amount // 100}.{amount % 100:02d}"))
            self.send(ev.Continue())
            v = self.wait_screen(Screen.METHOD)
        if method == "card":
            self._card()
        else:
            self._cash(coins_only=method == "coins")
        v = self.wait_screen(Screen.RESULT, timeout=max(self.step_timeout, 60))
        r = v.result
        assert r is not None
        self.send(ev.Done())
        self.wait_screen(Screen.ATTRACT, Screen.OUT_OF_SERVICE)
        return SessionResult(service_id=service_id, order_key=order_key, method=method,
                             outcome=r.outcome.value, payment_id=r.payment_id,
                             confirmation=r.confirmation.value, inserted=r.inserted,
                             voucher=r.voucher.code if r.voucher else None)

    def reset(self) -> bool:
        """After a stuck session: leave it as a payer walking away would (money in becomes a
        voucher), and wait for the attract screen. True once it is there."""
        for event in (ev.Cancel(), ev.TakeVoucher(), ev.Done(), ev.Back(), ev.Done()):
            if self.view.screen in (Screen.ATTRACT, Screen.OUT_OF_SERVICE):
                return True
            self.send(event)
            try:
                self.wait(lambda v: v.screen in (Screen.ATTRACT, Screen.OUT_OF_SERVICE,
                                                 Screen.RESULT), "leaving", timeout=5)
            except StuckSession:
                continue
        try:
            self.wait_screen(Screen.ATTRACT, Screen.OUT_OF_SERVICE, timeout=60)
        except StuckSession:
            return False
        return True

    def _result(self, service_id: str, order_key: str, method: str, outcome: str) -> SessionResult:
        return SessionResult(service_id=service_id, order_key=order_key, method=method,
                             outcome=outcome, payment_id=None, confirmation=None, inserted=0,
                             voucher=None)

    def _leave(self) -> None:
        self.send(ev.Cancel())
        self.send(ev.Done())
        self.wait_screen(Screen.ATTRACT)

    def _card(self) -> None:
        self.send(ev.MethodChosen(method="card"))
        self.wait(lambda v: v.screen is not Screen.METHOD or v.notice_key is not None, "card")

    def _cash(self, *, coins_only: bool) -> None:
        self.start_cash()
        while True:
            v = self.view
            if v.screen is not Screen.CASH or v.cash is None or v.cash.remaining <= 0:
                return
            remaining = v.cash.remaining
            accepted = set(v.cash.denominations)
            use_coins = coins_only or self.world.bill is None
            pool = [c for c in COINS if c in accepted] if use_coins else [b for b in BILLS if b in accepted]
            if not use_coins and remaining < min(pool) and self.world.coin is not None:
                pool, use_coins = [c for c in COINS if c in accepted], True
            piece = next((d for d in pool if d <= remaining), pool[-1])
            before = v.cash.inserted
            if use_coins:
                for _ in range(50):  # a coin that falls back (acceptor not enabled yet) goes in again
                    if self.world.insert_coin(piece):
                        break
                    time.sleep(0.05)
            else:
                self.world.insert_bill(piece)
            self.wait(_credited_beyond(before), "credit")


def sample_value(type_: str) -> str:
    """A value a payer could type for an order property of ``type_`` that passes its check."""
    kind = type_.strip().lower()
    if kind in ("idn", "tc"):
        return "2006022048426"  # a valid IDNP (7-3-1 check digit)
    if kind == "number":
        return "1"
    return "Test"


def _credited_beyond(before: int) -> Callable[[SessionView], bool]:
    def ok(v: SessionView) -> bool:
        return v.screen is not Screen.CASH or v.cash is None or v.cash.inserted > before

    return ok
