"""Property-based: any sequence of intents, device news, runtime answers and ticks keeps the
money invariants (rules 2 and 4 of the common brief) and the table's declared edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kiosk.mpay.payability import amount_limits
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session import initial_state, step, view_of
from kiosk.session.machine import GLOBAL, GLOBAL_EDGES, TABLE, TIMEOUT_EDGES
from kiosk.session.states import Phase

from .harness import CTX, IDN_PROP, T0, order

ORDERS = [
    order(),
    order(partial=True),
    order(advance=True),
    order(partial=True, advance=True, total="99.99"),
    order(total=None, partial=True),
    order(status="Expired"),
    order(properties=(IDN_PROP,)),
    order(due_date=T0 + timedelta(minutes=3)),
    order(service_id="IGP01", order_key="123456"),
    order(service_id="FEE3", order_key="F1", partial=True),
]

INTENTS = [
    ev.Start(),
    ev.LanguageChosen(language="ru"),
    ev.LanguageChosen(language="xx"),
    ev.ToggleAccessibility(feature="large_text"),
    ev.SearchChanged(text="amen"),
    ev.CategoryChosen(category="fines"),
    ev.CategoryChosen(category=None),
    ev.ServiceChosen(service_id="MDS02"),
    ev.ServiceChosen(service_id="IGP01"),
    ev.ServiceChosen(service_id="FEE3"),
    ev.ServiceChosen(service_id="nope"),
    ev.KeyChanged(text="MDS02250710092629689"),
    ev.KeyChanged(text="123456"),
    ev.KeyChanged(text="bad key!"),
    ev.KeySubmitted(),
    ev.KeyScanned(text="123456", service_id="IGP01"),
    ev.OrderChosen(index=0),
    ev.OrderChosen(index=1),
    ev.PropertyChanged(key="IDNP", value="2006022048426"),
    ev.PropertyChanged(key="IDNP", value="123"),
    ev.AmountChanged(text="50"),
    ev.AmountChanged(text="150.00"),
    ev.AmountChanged(text="1000"),
    ev.AmountChanged(text="x"),
    ev.Continue(),
    ev.MethodChosen(method="cash"),
    ev.MethodChosen(method="card"),
    ev.MethodChosen(method="voucher"),
    ev.VoucherCodeChanged(text="ABCD-1234"),
    ev.VoucherCodeEntered(code="ABCD-1234"),
    ev.VoucherCodeEntered(),
    ev.PayWhatInserted(),
    ev.TakeVoucher(),
    ev.Retry(),
    ev.Cancel(),
    ev.Back(),
    ev.MoreTime(),
    ev.Done(),
]

NEWS = [
    ev.AcceptorsDisabled(),
    ev.AcceptorFault(device="bill", kind="jam"),
    ev.AcceptorFault(device="coin", kind="link"),
    ev.AcceptorRecovered(device="bill"),
    ev.AcceptorRecovered(device="coin"),
    ev.CardStatusChanged(key="card.status.enter_pin"),
    ev.CardDeclined(reason_key="card.reason.declined"),
    ev.CardAborted(),
    ev.CardAvailability(available=False),
    ev.CardAvailability(available=True),
    ev.PrinterStatusChanged(ok=False),
    ev.PrinterStatusChanged(ok=True),
    ev.NetworkStatusChanged(online=False),
    ev.NetworkStatusChanged(online=True),
    ev.OutOfService(reason_key="devices.oos"),
    ev.BackInService(),
    ev.OrderNoLongerPayable(reason_key="mpay.payability.already_paid"),
]


class SessionMachineTest(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = initial_state(replace(CTX, cash_limit=30000), T0)
        self.credits: dict[str, int] = {}  # every journalled credit sent
        self.settled_ids: list[str] = []  # credit ids named by settlement effects
        self.payments: dict[int, fx.FinalizePayment] = {}
        self.vouchers: list[fx.IssueVoucher] = []
        self.effects: list[Any] = []
        self.n = 0

    # -- plumbing ---------------------------------------------------------------------------
    def send(self, event: Any) -> None:
        before = self.state
        self.state, effects = step(before, event)
        self.check_edge(before.phase, self.state.phase, event)
        for e in effects:
            self.effects.append(e)
            if isinstance(e, fx.FinalizePayment):
                self.payments[e.request_id] = e
                self.settled_ids.extend(e.credit_ids)
            elif isinstance(e, fx.IssueVoucher):
                self.vouchers.append(e)
                self.settled_ids.extend(e.credit_ids)
            elif isinstance(e, fx.EnableAcceptors):
                assert self.state.phase == Phase.CASH, "acceptors enabled outside the cash screen"
                assert e.max_amount is None or e.max_amount > 0
        view_of(self.state)  # must never raise

    def check_edge(self, a: Phase, b: Phase, event: Any) -> None:
        if a == b:
            return
        if isinstance(event, ev.Tick):
            allowed = TIMEOUT_EDGES.get(a, frozenset())
        else:
            entry = TABLE.get(a, {}).get(type(event))
            if entry is not None:
                allowed = entry.targets
            else:
                assert type(event) in GLOBAL, (a, b, event)
                allowed = GLOBAL_EDGES.get(a, frozenset())
        assert b in allowed, f"{a} -> {b} on {type(event).__name__} is not declared"

    def last_id(self, kind: type) -> int | None:
        for e in reversed(self.effects):
            if isinstance(e, kind):
                return int(e.request_id)
        return None

    # -- rules ------------------------------------------------------------------------------
    @rule(event=st.sampled_from(INTENTS))
    def intent(self, event: Any) -> None:
        self.send(event)

    @rule(event=st.sampled_from(NEWS))
    def news(self, event: Any) -> None:
        self.send(event)

    @rule(seconds=st.sampled_from([1, 5, 21, 61, 200]))
    def tick(self, seconds: int) -> None:
        self.send(ev.Tick(now=self.state.now + timedelta(seconds=seconds)))

    @rule(amount=st.sampled_from([100, 500, 1000, 5000, 10000, 20000]))
    def cash(self, amount: int) -> None:
        self.n += 1
        cid = f"c{self.n}"
        self.credits[cid] = amount
        self.send(ev.CreditJournalled(credit_id=cid, source="bill", amount=amount))

    @rule(data=st.data())
    def card_approved(self, data: st.DataObject) -> None:
        start = next(
            (e for e in reversed(self.effects) if isinstance(e, fx.StartCardPayment)), None
        )
        amount = start.amount if start is not None else data.draw(st.integers(1, 30000))
        self.n += 1
        cid = f"k{self.n}"
        self.credits[cid] = amount
        self.send(ev.CardApproved(credit_id=cid, amount=amount))

    @precondition(lambda self: any(isinstance(e, fx.RedeemVoucher) for e in self.effects))
    @rule(amount=st.sampled_from([1000, 15000, 40000]), accept=st.booleans())
    def redeem_answer(self, amount: int, accept: bool) -> None:
        rid = self.last_id(fx.RedeemVoucher)
        assert rid is not None
        if accept:
            self.n += 1
            cid = f"v{self.n}"
            self.credits[cid] = amount
            self.send(
                ev.VoucherRedeemed(request_id=rid, credit_id=cid, code="ABCD-1234", amount=amount)
            )
        else:
            self.send(ev.VoucherRejected(request_id=rid, reason_key="session.voucher.used"))

    @precondition(lambda self: any(isinstance(e, fx.LookupOrder) for e in self.effects))
    @rule(picks=st.lists(st.sampled_from(range(len(ORDERS))), max_size=3), fail=st.booleans())
    def lookup_answer(self, picks: list[int], fail: bool) -> None:
        rid = self.last_id(fx.LookupOrder)
        assert rid is not None
        if fail:
            self.send(ev.LookupFailed(request_id=rid, kind="unavailable", message_key="mpay.x"))
        else:
            self.send(ev.LookupSucceeded(request_id=rid, orders=tuple(ORDERS[i] for i in picks)))

    @precondition(lambda self: bool(self.payments))
    @rule(confirmed=st.booleans())
    def payment_answers(self, confirmed: bool) -> None:
        rid = max(self.payments)
        self.send(ev.PaymentRecorded(request_id=rid, payment_id=f"P{rid}"))
        self.send(ev.ConfirmationSettled(payment_id=f"P{rid}", confirmed=confirmed))

    @precondition(lambda self: bool(self.vouchers))
    @rule(data=st.data())
    def voucher_answer(self, data: st.DataObject) -> None:
        v = data.draw(st.sampled_from(self.vouchers))
        self.send(
            ev.VoucherIssued(request_id=v.request_id, code=f"V{v.request_id}", amount=v.amount)
        )

    @precondition(lambda self: any(isinstance(e, fx.PrintReceipt) for e in self.effects))
    @rule(ok=st.booleans())
    def printed(self, ok: bool) -> None:
        rid = self.last_id(fx.PrintReceipt)
        assert rid is not None
        self.send(ev.ReceiptPrinted(request_id=rid, ok=ok))

    # -- guidance: random intents alone rarely get past the lookup ----------------------------
    def _advance(self, data: st.DataObject) -> None:
        phase = self.state.phase
        pick = data.draw
        if phase in (Phase.ATTRACT, Phase.OUT_OF_SERVICE):
            self.send(ev.BackInService() if phase == Phase.OUT_OF_SERVICE else ev.Start())
        elif phase == Phase.SERVICES:
            self.send(
                ev.ServiceChosen(service_id=pick(st.sampled_from(["MDS02", "IGP01", "FEE3"])))
            )
        elif phase == Phase.ORDER_KEY:
            key = "123456" if self.state.journey.service_id == "IGP01" else "MDS02250710092629689"
            self.send(ev.KeyChanged(text=key))
            self.send(ev.KeySubmitted())
        elif phase == Phase.LOOKUP:
            picks = pick(st.lists(st.sampled_from(range(len(ORDERS))), min_size=1, max_size=2))
            rid = self.last_id(fx.LookupOrder)
            self.send(
                ev.LookupSucceeded(request_id=rid or 0, orders=tuple(ORDERS[i] for i in picks))
            )
        elif phase == Phase.ORDER_CHOICE:
            self.send(ev.OrderChosen(index=pick(st.sampled_from([0, 1]))))
        elif phase == Phase.INVOICE:
            self.send(ev.Continue())
        elif phase == Phase.PROPERTIES:
            self.send(ev.PropertyChanged(key="IDNP", value="2006022048426"))
            self.send(ev.Continue())
        elif phase == Phase.AMOUNT:
            self.send(
                ev.AmountChanged(text=pick(st.sampled_from(["1", "50", "99.99", "150", "400"])))
            )
            self.send(ev.Continue())
        elif phase == Phase.METHOD:
            self.send(
                ev.MethodChosen(method=pick(st.sampled_from(["cash", "cash", "card", "voucher"])))
            )
        elif phase == Phase.VOUCHER_CODE:
            if self.state.journey.voucher_request is None:
                self.send(ev.VoucherCodeEntered(code="ABCD-1234"))
            else:
                self.redeem_answer(pick(st.sampled_from([1000, 15000, 40000])), pick(st.booleans()))
        elif phase == Phase.CASH:
            what = pick(
                st.sampled_from(["insert", "insert", "insert", "partial", "give_up", "jam"])
            )
            if what == "insert":
                self.cash(pick(st.sampled_from([100, 1000, 5000, 10000, 20000])))
            elif what == "partial":
                self.send(ev.PayWhatInserted())
            elif what == "give_up":
                self.send(ev.TakeVoucher())
            else:
                self.send(ev.AcceptorFault(device="bill", kind="jam"))
        elif phase == Phase.CARD:
            choice = pick(st.sampled_from(["approve", "decline", "abort", "cancel"]))
            if choice == "approve":
                self.card_approved(data)
            elif choice == "decline":
                self.send(ev.CardDeclined(reason_key="card.reason.declined"))
            elif choice == "abort":
                self.send(ev.CardAborted())
            else:
                self.send(ev.Cancel())
        elif phase == Phase.STOPPING:
            self.send(ev.AcceptorsDisabled())
        elif phase == Phase.RECORDING:
            st_ = self.state.journey.settled
            assert st_ is not None
            if st_.payment_request is not None and st_.payment_id is None:
                self.send(ev.PaymentRecorded(request_id=st_.payment_request, payment_id="P1"))
            elif st_.voucher_request is not None:
                v = next(v for v in self.vouchers if v.request_id == st_.voucher_request)
                self.send(ev.VoucherIssued(request_id=v.request_id, code="V1", amount=v.amount))
        elif phase == Phase.CONFIRMING:
            self.send(ev.ConfirmationSettled(payment_id="P1", confirmed=pick(st.booleans())))
        elif phase == Phase.PRINTING:
            self.printed(pick(st.booleans()))
        else:
            self.send(ev.Done())

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        self._advance(data)

    @rule(data=st.data())
    def advance_more(self, data: st.DataObject) -> None:
        self._advance(data)

    @rule(data=st.data())
    def advance_again(self, data: st.DataObject) -> None:
        self._advance(data)

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def every_credit_accounted_exactly_once(self) -> None:
        assert len(self.settled_ids) == len(set(self.settled_ids)), "a credit settled twice"
        open_ids = [c.credit_id for c in self.state.journey.credits]
        assert not set(open_ids) & set(self.settled_ids), "a settled credit is still open"
        assert sorted(open_ids + self.settled_ids) == sorted(self.credits), "a credit was lost"

    @invariant()
    def amounts_add_up(self) -> None:
        change = {v.change_for: v for v in self.vouchers if v.change_for is not None}
        for rid, p in self.payments.items():
            assert p.amount > 0 and p.fee >= 0
            assert p.inserted == sum(self.credits[c] for c in p.credit_ids)
            extra = change[rid].amount if rid in change else 0
            assert p.amount + p.fee + extra == p.inserted
            limits = amount_limits(p.order)
            assert p.amount >= limits.min_amount
            if limits.max_amount is not None:
                assert p.amount <= limits.max_amount, "paid more than due without advance"
        for v in self.vouchers:
            assert v.amount > 0
            if v.change_for is None:
                assert v.amount == sum(self.credits[c] for c in v.credit_ids)
            else:
                assert v.credit_ids == () and v.change_for in self.payments

    @invariant()
    def view_rules(self) -> None:
        v = view_of(self.state)
        j = self.state.journey
        if v.money_in:
            assert not v.can_cancel
            assert v.screen not in ("attract", "out_of_service", "error")
        if j.acceptors_on:
            assert self.state.phase == Phase.CASH
        for money in (v.payment, v.cash):
            if money is not None:
                for name in ("amount", "fee", "total", "inserted", "remaining", "due"):
                    assert getattr(money, name, 0) >= 0


SessionMachineTest.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSessionMachine = SessionMachineTest.TestCase
