"""Every payer screen (and its notable variants), reached through the REAL session machine.

Each scenario takes a language and returns a ``MachineDriver`` whose current view is that screen;
the screenshot test renders each one in every language.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.mpay.models import OrderProperty
from kiosk.session import events as ev
from tests.ui.driver import MachineDriver, Outcomes, order

KEY = "MDS02250710092629689"
FINE = "IGP-2026-0412771"


def _started(lang: str, outcomes: Outcomes | None = None) -> MachineDriver:
    d = MachineDriver(outcomes=outcomes or Outcomes())
    d.feed(ev.LanguageChosen(language=lang))
    return d


def _looked_up(lang: str, orders, *, service: str = "MDS02", key: str = KEY, **o) -> MachineDriver:
    d = _started(lang, Outcomes(lookups={key: tuple(orders)}, **o))
    d.feed(ev.ServiceChosen(service_id=service))
    d.feed(ev.KeyChanged(text=key))
    d.feed(ev.KeySubmitted())
    return d


def attract(lang: str) -> MachineDriver:
    d = MachineDriver()
    if lang != "ro":
        d.feed(ev.LanguageChosen(language=lang))
        d.feed(ev.Cancel())  # back to the attract screen; shows the default language again
    return d


def attract_high_contrast(_lang: str) -> MachineDriver:
    d = MachineDriver()
    d.feed(ev.ToggleAccessibility(feature="high_contrast"))
    return d


def services(lang: str) -> MachineDriver:
    return _started(lang)


def services_search_large_text(lang: str) -> MachineDriver:
    d = _started(lang)
    d.feed(ev.ToggleAccessibility(feature="large_text"))
    d.feed(ev.SearchChanged(text={"ro": "AM", "ru": "ШТ", "en": "FI"}[lang]))
    return d


def order_key(lang: str) -> MachineDriver:
    d = _started(lang)
    d.feed(ev.ServiceChosen(service_id="MDS02"))
    d.feed(ev.KeyChanged(text="MDS0225071009"))
    return d


def order_key_digits_error(lang: str) -> MachineDriver:
    d = _started(lang)
    d.feed(ev.ServiceChosen(service_id="GRD01"))
    d.feed(ev.KeySubmitted())
    return d


def lookup(lang: str) -> MachineDriver:
    return _looked_up(lang, [order()], answer_lookups=False)


def order_choice(lang: str) -> MachineDriver:
    first = order("MDS02-A", reason="Arenda terenului forestier, trimestrul III 2026")
    second = order("MDS02-B", amount="1234.50", status="PartiallyPaid")
    third = order("MDS02-C", status="Expired")
    return _looked_up(lang, [first, second, third])


def invoice(lang: str) -> MachineDriver:
    props = (
        OrderProperty(name="plate", display_name="Numărul de înmatriculare", value="CAB 123"),
        OrderProperty(
            name="article",
            display_name="Articolul din Codul contravențional",
            value="228 alin. (1)",
        ),
    )
    fine = order(
        FINE,
        amount="600.00",
        service_id="IGP01",
        reason="Amendă pentru depășirea vitezei cu 20–30 km/h, procesul-verbal nr. 0412771",
        properties=props,
        lines=2,
    )
    return _looked_up(lang, [fine], service="IGP01", key=FINE)


def invoice_not_payable(lang: str) -> MachineDriver:
    return _looked_up(lang, [order(status="Paid")])


def properties(lang: str) -> MachineDriver:
    props = (
        OrderProperty(
            name="idnp", display_name="IDNP plătitor", type="idn", required=True, modifiable=True
        ),
        OrderProperty(
            name="phone", display_name="Telefon de contact", type="string", modifiable=True
        ),
    )
    d = _looked_up(lang, [order(properties=props)])
    d.feed(ev.Continue())
    d.feed(ev.PropertyChanged(key="idnp", value="2006022048420"))
    d.feed(ev.Continue())
    return d


def amount(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order(amount="1500.00", allow_partial=True)], service="IGP01")
    d.feed(ev.Continue())
    d.feed(ev.AmountChanged(text="250,5"))
    return d


def method(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order(amount="600.00")], service="IGP01")
    d.feed(ev.Continue())
    return d


def voucher_code(lang: str) -> MachineDriver:
    d = method(lang)
    d.feed(ev.MethodChosen(method="voucher"))
    d.feed(ev.VoucherCodeChanged(text="V-0001"))
    return d


def cash(lang: str) -> MachineDriver:
    d = method(lang)
    d.feed(ev.MethodChosen(method="cash"))
    d.insert(20000)
    d.insert(10000)
    return d


def card(lang: str) -> MachineDriver:
    d = method(lang)
    d.feed(ev.MethodChosen(method="card"))
    d.feed(ev.CardStatusChanged(key="session.card.enter_pin"))
    return d


def finishing(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order(amount="100.00")], confirm=None)
    d.feed(ev.Continue())
    d.feed(ev.MethodChosen(method="cash"))
    d.insert(10000)
    return d


def result_paid(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order(amount="150.00")])
    d.feed(ev.Continue())
    d.feed(ev.MethodChosen(method="cash"))
    d.insert(10000)
    d.insert(10000)
    return d


def result_voucher_no_paper(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order(amount="150.00")], print_ok=False)
    d.feed(ev.PrinterStatusChanged(ok=False))
    d.feed(ev.Continue())
    d.feed(ev.MethodChosen(method="cash"))
    d.insert(5000)
    d.feed(ev.TakeVoucher())
    return d


def error_not_found(lang: str) -> MachineDriver:
    return _looked_up(lang, [], key="MDS0299")


def error_unavailable(lang: str) -> MachineDriver:
    d = _looked_up(lang, [order()], answer_lookups=False)
    (rid,) = [e.request_id for e in d.effects if type(e).__name__ == "LookupOrder"]
    d.feed(
        ev.LookupFailed(request_id=rid, kind="unavailable", message_key="mpay.error.unreachable")
    )
    return d


def timeout_prompt(lang: str) -> MachineDriver:
    d = cash(lang)
    d.tick(d.state.ctx.timeouts.cash_s + 1)
    return d


def out_of_service(_lang: str) -> MachineDriver:
    d = MachineDriver()
    d.feed(ev.OutOfService(reason_key="mpay.error.unreachable"))
    return d


SCENARIOS: dict[str, Callable[[str], MachineDriver]] = {
    f.__name__: f
    for f in (
        attract,
        attract_high_contrast,
        services,
        services_search_large_text,
        order_key,
        order_key_digits_error,
        lookup,
        order_choice,
        invoice,
        invoice_not_payable,
        properties,
        amount,
        method,
        voucher_code,
        cash,
        card,
        finishing,
        result_paid,
        result_voucher_no_paper,
        error_not_found,
        error_unavailable,
        timeout_prompt,
        out_of_service,
    )
}
