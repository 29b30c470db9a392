"""A driver for the pure session machine: feeds events, collects effects, moves a fake clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from kiosk.config import FeeRule
from kiosk.mpay.models import Order, OrderLine, OrderProperty
from kiosk.session import SessionContext, SessionState, initial_state, step, view_of
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session.states import ServiceEntry, Timeouts
from kiosk.session.view import Keyboard, SessionView

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

SERVICES = (
    ServiceEntry(
        service_id="MDS02",
        names={
            "ro": "Arenda terenurilor forestiere",
            "ru": "Аренда лесных земель",
            "en": "Forest lease",
        },
        category="taxes",
        icon="forest",
        key_hint={"ro": "Codul de pe factură", "en": "The code on the invoice"},
        key_pattern=r"^[A-Za-z0-9-]{1,36}$",
    ),
    ServiceEntry(
        service_id="IGP01",
        names={"ro": "Amenzi IGP", "ru": "Штрафы ИГП", "en": "Police fines"},
        category="fines",
        icon="car",
        key_pattern=r"^\d{6,20}$",
        keyboard=Keyboard.DIGITS,
        fee=FeeRule(fixed=500),
    ),
    ServiceEntry(
        service_id="FEE3",
        names={"ro": "Taxă cu comision", "ru": "С комиссией", "en": "With fee"},
        category="fines",
        fee=FeeRule(percent=Decimal("3"), min=100),
    ),
)

CTX = SessionContext(
    services=SERVICES,
    denominations=(100, 500, 1000, 5000, 10000, 20000, 50000, 100000),
    card_configured=True,
    timeouts=Timeouts(),
)


def order(
    *,
    service_id: str = "MDS02",
    order_key: str = "MDS02250710092629689",
    status: str = "Active",
    total: str | None = "150.00",
    partial: bool = False,
    advance: bool = False,
    properties: Iterable[OrderProperty] = (),
    due_date: datetime | None = None,
    reason: str = "Arenda 2025",
) -> Order:
    amount = None if total is None else Decimal(total)
    return Order(
        service_id=service_id,
        order_key=order_key,
        status=status,
        reason=reason,
        total_amount_due=amount,
        allow_partial=partial,
        allow_advance=advance,
        customer_name="Ion Popescu",
        customer_id="2006022048426",
        due_date=due_date,
        lines=(
            OrderLine(
                line_id="Base:1|Nb-1",
                reason=reason,
                amount_due=amount,
                allow_partial=partial,
                allow_advance=advance,
            ),
        ),
        properties=tuple(properties),
    )


IDN_PROP = OrderProperty(
    name="IDNP", display_name="IDNP plătitor", type="idn", required=True, modifiable=True
)


@dataclass
class Driver:
    ctx: SessionContext = CTX
    state: SessionState = field(init=False)
    effects: list[Any] = field(default_factory=list)
    log: list[tuple[Any, tuple[Any, ...]]] = field(default_factory=list)
    credits: int = 0

    def __post_init__(self) -> None:
        self.state = initial_state(self.ctx, T0)

    # -- driving -------------------------------------------------------------------------------
    def send(self, *events: Any) -> tuple[Any, ...]:
        out: list[Any] = []
        for event in events:
            self.state, effs = step(self.state, event)
            self.log.append((event, effs))
            self.effects.extend(effs)
            out.extend(effs)
        return tuple(out)

    def tick(self, seconds: float) -> tuple[Any, ...]:
        return self.send(ev.Tick(now=self.state.now + timedelta(seconds=seconds)))

    def idle(self, seconds: float, step_s: float = 1.0) -> tuple[Any, ...]:
        out: list[Any] = []
        t = 0.0
        while t < seconds:
            out.extend(self.tick(step_s))
            t += step_s
        return tuple(out)

    @property
    def view(self) -> SessionView:
        return view_of(self.state)

    def last(self, kind: type) -> Any:
        for e in reversed(self.effects):
            if isinstance(e, kind):
                return e
        raise AssertionError(f"no {kind.__name__} effect")

    def all(self, kind: type) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]

    # -- journeys ------------------------------------------------------------------------------
    def to_key(self, service_id: str = "MDS02") -> None:
        self.send(ev.LanguageChosen(language="ro"), ev.ServiceChosen(service_id=service_id))

    def lookup(
        self, *orders: Order, key: str = "MDS02250710092629689", service_id: str = "MDS02"
    ) -> None:
        self.to_key(service_id)
        self.send(ev.KeyChanged(text=key), ev.KeySubmitted())
        rid = self.last(fx.LookupOrder).request_id
        self.send(ev.LookupSucceeded(request_id=rid, orders=orders))

    def to_method(self, o: Order, **kw: Any) -> None:
        self.lookup(o, **kw)
        self.send(ev.Continue())
        if self.view.screen == "amount":
            self.send(ev.Continue())

    def insert(self, *amounts: int, source: str = "bill") -> tuple[Any, ...]:
        out: list[Any] = []
        for amount in amounts:
            self.credits += 1
            out.extend(
                self.send(
                    ev.CreditJournalled(credit_id=f"c{self.credits}", source=source, amount=amount)
                )
            )
        return tuple(out)

    def answer_settlement(self, *, confirmed: bool | None = True, printed: bool = True) -> None:
        """Answer FinalizePayment/IssueVoucher/PrintReceipt effects as the runtime would."""
        for e in list(self.effects):
            if isinstance(e, fx.DisableAcceptors) and self.state.phase == "stopping":
                self.send(ev.AcceptorsDisabled())
        pay = [e for e in self.effects if isinstance(e, fx.FinalizePayment)]
        vou = [
            e for e in self.effects if isinstance(e, fx.IssueVoucher) and e.reason != "late_credit"
        ]
        if pay:
            self.send(ev.PaymentRecorded(request_id=pay[-1].request_id, payment_id="KSK-1"))
        if vou:
            self.send(
                ev.VoucherIssued(
                    request_id=vou[-1].request_id, code="V-1234", amount=vou[-1].amount
                )
            )
        if pay and confirmed is not None:
            self.send(ev.ConfirmationSettled(payment_id="KSK-1", confirmed=confirmed))
        elif pay:
            self.idle(self.ctx.timeouts.confirm_wait_s + 1)
        prints = [e for e in self.effects if isinstance(e, fx.PrintReceipt)]
        if prints and self.state.phase == "printing":
            self.send(ev.ReceiptPrinted(request_id=prints[-1].request_id, ok=printed))
