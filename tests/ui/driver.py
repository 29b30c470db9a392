"""An in-test runtime: the REAL pure session machine stepped synchronously on the test thread.

It plays the runtime's part exactly where the runtime would: it answers effects with the
events the devices, MPay, ledger and printer would send (``respond``), and feeds device news
(bills stacked, faults) when a test says so. No threads, no clock: ``tick(seconds)`` moves time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from kiosk.mpay.models import Order, OrderLine, OrderProperty
from kiosk.session import (
    ServiceEntry,
    SessionContext,
    Timeouts,
    initial_state,
    step,
    view_of,
)
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session.fees import FlatFee
from kiosk.session.view import Keyboard, SessionView

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

SERVICES = (
    ServiceEntry(
        service_id="MDS02",
        names={
            "ro": "Arenda terenurilor forestiere",
            "ru": "Аренда лесных земель",
            "en": "Forest land lease",
        },
        category="taxes",
        icon="forest",
        key_hint={
            "ro": "Codul comenzii începe cu MDS02 și este tipărit sus pe factură",
            "ru": "Код заказа начинается с MDS02 и напечатан вверху счёта",
            "en": "The order code starts with MDS02 and is printed at the top of the invoice",
        },
        key_pattern=r"[A-Za-z0-9-]{1,36}",
        keyboard=Keyboard.ALNUM,
    ),
    ServiceEntry(
        service_id="IGP01",
        names={
            "ro": "Amenzi de circulație",
            "ru": "Штрафы за нарушение ПДД",
            "en": "Traffic fines",
        },
        category="fines",
        icon="car",
        key_hint={
            "ro": "Numărul procesului-verbal din decizia de sancționare",
            "ru": "Номер протокола из постановления о штрафе",
            "en": "The report number on the fine notice",
        },
        keyboard=Keyboard.ALNUM,
        fee=FlatFee(200),
    ),
    ServiceEntry(
        service_id="GRD01",
        names={
            "ro": "Taxa pentru grădiniță",
            "ru": "Плата за детский сад",
            "en": "Kindergarten fee",
        },
        category="education",
        icon="child",
        key_hint={"ro": "Codul copilului", "ru": "Код ребёнка", "en": "The child's code"},
        keyboard=Keyboard.DIGITS,
    ),
    ServiceEntry(
        service_id="APA01",
        names={
            "ro": "Apă și canalizare",
            "ru": "Водоснабжение и канализация",
            "en": "Water and sewerage",
        },
        category="utilities",
        icon="water",
        key_hint={"ro": "Codul de abonat", "ru": "Код абонента", "en": "The subscriber code"},
    ),
)

BILLS = (100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
COINS = (50, 100, 200, 500, 1000)


def context(**changes: Any) -> SessionContext:
    base: dict[str, Any] = dict(
        services=SERVICES,
        denominations=tuple(sorted(set(BILLS + COINS))),
        card_configured=True,
        timeouts=Timeouts(),
    )
    base.update(changes)
    return SessionContext(**base)


def order(
    key: str = "MDS02250710092629689",
    *,
    amount: str | None = "150.00",
    status: str = "Active",
    allow_partial: bool = False,
    allow_advance: bool = False,
    service_id: str = "MDS02",
    reason: str = "Arenda terenului forestier, trimestrul IV 2026",
    properties: tuple[OrderProperty, ...] = (),
    lines: int = 1,
) -> Order:
    total = Decimal(amount) if amount is not None else None
    per_line = (total / lines).quantize(Decimal("0.01")) if total is not None else None
    return Order(
        service_id=service_id,
        order_key=key,
        status=status,
        reason=reason,
        total_amount_due=total,
        allow_partial=allow_partial,
        allow_advance=allow_advance,
        customer_type="Person",
        customer_id="2006022048426",
        customer_name="Ion Popescu",
        issued_at=datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
        due_date=datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
        lines=tuple(
            OrderLine(
                line_id=str(i + 1),
                reason=f"Linia {i + 1}: arenda parcelei nr. {100 + i}",
                amount_due=per_line,
            )
            for i in range(lines)
        ),
        properties=properties,
    )


@dataclass
class Outcomes:
    """How the simulated world answers the machine's effects."""

    lookups: dict[str, ev.LookupSucceeded | ev.LookupFailed | tuple[Order, ...] | None] = field(
        default_factory=dict
    )
    confirm: bool | None = True  # None: no answer (stays pending)
    print_ok: bool = True
    answer_lookups: bool = True


class MachineDriver:
    """``SessionPort`` for the bridge, backed by the real machine; also feeds runtime events."""

    def __init__(
        self, ctx: SessionContext | None = None, *, outcomes: Outcomes | None = None
    ) -> None:
        self.now = START
        self.state = initial_state(ctx or context(), self.now)
        self.outcomes = outcomes or Outcomes()
        self.effects: list[Any] = []
        self.events: list[Any] = []
        self._subscribers: list[Callable[[SessionView], None]] = []
        self._payment_no = 0
        self._voucher_no = 0
        self._credit_no = 0

    # -- SessionPort ------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[SessionView], None]) -> None:
        self._subscribers.append(callback)
        callback(self.view)

    def submit(self, event: Any) -> None:
        self.feed(event)

    # -- the runtime's side ---------------------------------------------------------------------
    @property
    def view(self) -> SessionView:
        return view_of(self.state)

    def feed(self, event: Any) -> None:
        self.events.append(event)
        self.state, effects = step(self.state, event)
        self.effects.extend(effects)
        view = view_of(self.state)
        for callback in self._subscribers:
            callback(view)
        for effect in effects:
            self.respond(effect)

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.feed(ev.Tick(now=self.now))

    def insert(self, amount: int, source: str = "bill") -> None:
        """A bill stacked (or coin counted) and journalled: what the cash worker reports."""
        self._credit_no += 1
        self.feed(
            ev.CreditJournalled(credit_id=f"c{self._credit_no}", source=source, amount=amount)
        )

    def respond(self, effect: Any) -> None:
        o = self.outcomes
        if isinstance(effect, fx.LookupOrder) and o.answer_lookups:
            answer = o.lookups.get(effect.order_key)
            if answer is None:
                answer = ev.LookupFailed(
                    request_id=0, kind="not_found", message_key="mpay.error.unknown_order"
                )
            if isinstance(answer, tuple):
                answer = ev.LookupSucceeded(request_id=effect.request_id, orders=answer)
            else:
                answer = type(answer)(**{**_fields(answer), "request_id": effect.request_id})
            self.feed(answer)
        elif isinstance(effect, fx.DisableAcceptors):
            self.feed(ev.AcceptorsDisabled())
        elif isinstance(effect, fx.FinalizePayment):
            self._payment_no += 1
            payment_id = f"KIOSK-001-{self._payment_no:06d}"
            self.feed(ev.PaymentRecorded(request_id=effect.request_id, payment_id=payment_id))
            if o.confirm is not None:
                self.feed(ev.ConfirmationSettled(payment_id=payment_id, confirmed=o.confirm))
        elif isinstance(effect, fx.IssueVoucher):
            self._voucher_no += 1
            self.feed(
                ev.VoucherIssued(
                    request_id=effect.request_id,
                    code=f"V-{self._voucher_no:04d}-7Q2K",
                    amount=effect.amount,
                )
            )
        elif isinstance(effect, fx.PrintReceipt):
            self.feed(
                ev.ReceiptPrinted(
                    request_id=effect.request_id,
                    ok=o.print_ok,
                    reason_key=None if o.print_ok else "receipt.error.no_paper",
                )
            )

    def effects_of(self, kind: type) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}
