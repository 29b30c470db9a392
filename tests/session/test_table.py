"""The transition table row by row, the rules around it, the diagram and the i18n keys."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

import kiosk.session
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session import initial_state, step, view_of
from kiosk.session.diagram import edges, main, to_dot
from kiosk.session.machine import TABLE
from kiosk.session.states import Phase
from kiosk.session.view import Screen

from .harness import CTX, IDN_PROP, T0, Driver, order


def at(phase: str) -> Driver:
    """A driver brought to ``phase`` the way a payer would get there."""
    d = Driver()
    route = {
        "attract": lambda: None,
        "services": lambda: d.send(ev.Start()),
        "order_key": lambda: d.to_key(),
        "lookup": lambda: (d.to_key(), d.send(ev.KeyChanged(text="K1"), ev.KeySubmitted())),
        "order_choice": lambda: d.lookup(order(order_key="A"), order(order_key="B"), key="C"),
        "invoice": lambda: d.lookup(order()),
        "invoice_props": lambda: d.lookup(order(properties=(IDN_PROP,))),
        "properties": lambda: (d.lookup(order(properties=(IDN_PROP,))), d.send(ev.Continue())),
        "amount": lambda: (d.lookup(order(partial=True)), d.send(ev.Continue())),
        "method": lambda: d.to_method(order()),
        "cash": lambda: (d.to_method(order()), d.send(ev.MethodChosen(method="cash"))),
        "card": lambda: (d.to_method(order()), d.send(ev.MethodChosen(method="card"))),
        "voucher_code": lambda: (d.to_method(order()), d.send(ev.MethodChosen(method="voucher"))),
        "error": lambda: d.lookup(),
    }
    route[phase]()
    return d


# (start, event, expected phase, expected effect types)
ROWS = [
    ("attract", ev.Start(), "services", [fx.BeginSession]),
    ("attract", ev.LanguageChosen(language="en"), "services", [fx.BeginSession]),
    ("attract", ev.LanguageChosen(language="de"), "attract", []),  # not offered
    ("attract", ev.KeySubmitted(), "attract", []),  # not on this screen: ignored
    ("services", ev.ServiceChosen(service_id="IGP01"), "order_key", []),
    ("services", ev.ServiceChosen(service_id="XX"), "services", []),
    ("services", ev.KeyScanned(text="123456", service_id="IGP01"), "lookup", [fx.LookupOrder]),
    ("services", ev.Back(), "attract", [fx.EndSession]),
    ("services", ev.Cancel(), "attract", [fx.EndSession]),
    ("order_key", ev.KeySubmitted(), "order_key", []),  # empty key: stays, shows why
    ("order_key", ev.KeyScanned(text=" K-9 "), "lookup", [fx.LookupOrder]),
    ("order_key", ev.Back(), "services", []),
    ("order_key", ev.Cancel(), "attract", [fx.EndSession]),
    ("lookup", ev.Cancel(), "order_key", [fx.CancelLookup]),
    ("lookup", ev.Back(), "order_key", [fx.CancelLookup]),
    ("lookup", ev.Continue(), "lookup", []),
    ("order_choice", ev.OrderChosen(index=1), "invoice", []),
    ("order_choice", ev.Back(), "order_key", []),
    ("order_choice", ev.Cancel(), "attract", [fx.EndSession]),
    ("invoice", ev.Continue(), "method", []),
    ("invoice_props", ev.Continue(), "properties", []),
    ("invoice", ev.Back(), "order_key", []),
    ("invoice", ev.Cancel(), "attract", [fx.EndSession]),
    ("properties", ev.Continue(), "properties", []),  # required IDNP missing
    ("properties", ev.Back(), "invoice", []),
    ("amount", ev.Continue(), "method", []),  # pre-filled with the amount due
    ("amount", ev.Back(), "invoice", []),
    ("method", ev.MethodChosen(method="cash"), "cash", [fx.EnableAcceptors]),
    ("method", ev.MethodChosen(method="card"), "card", [fx.StartCardPayment]),
    ("method", ev.MethodChosen(method="voucher"), "voucher_code", []),
    ("method", ev.MethodChosen(method="bitcoin"), "method", []),
    ("method", ev.Back(), "invoice", []),
    ("method", ev.TakeVoucher(), "method", []),  # no money: nothing to give back
    ("method", ev.Cancel(), "attract", [fx.EndSession]),
    ("cash", ev.Back(), "method", [fx.DisableAcceptors]),
    ("cash", ev.Cancel(), "stopping", [fx.DisableAcceptors]),  # a bill may still be stacking
    ("cash", ev.PayWhatInserted(), "cash", []),
    ("card", ev.Cancel(), "card", [fx.AbortCardPayment]),
    ("card", ev.CardAborted(), "method", []),
    ("card", ev.CardDeclined(reason_key="card.reason.declined"), "method", []),
    ("voucher_code", ev.Back(), "method", []),
    ("voucher_code", ev.VoucherCodeEntered(code="ABCD-1234"), "voucher_code", [fx.RedeemVoucher]),
    ("voucher_code", ev.Cancel(), "attract", [fx.EndSession]),
    ("error", ev.Back(), "order_key", []),
    ("error", ev.Retry(), "error", []),  # not found: no retry offered
    ("error", ev.Done(), "attract", [fx.EndSession]),
]


@pytest.mark.parametrize(("start", "event", "phase", "effects"), ROWS)
def test_rows(start: str, event: object, phase: str, effects: list[type]) -> None:
    d = at(start)
    out = d.send(event)
    assert d.state.phase == phase
    assert [type(e) for e in out] == effects
    view_of(d.state)


def test_every_table_entry_is_exercised_by_a_row_or_a_journey() -> None:
    kinds = {(Phase(r[0].removesuffix("_props")), type(r[1])) for r in ROWS}
    missing = [
        (phase.value, kind.__name__)
        for phase, row in TABLE.items()
        for kind in row
        if (phase, kind) not in kinds
    ]
    # these are covered by tests/session/test_journeys.py
    covered_elsewhere = {
        ("services", "SearchChanged"),
        ("services", "CategoryChosen"),
        ("order_key", "KeyChanged"),
        ("lookup", "LookupSucceeded"),
        ("lookup", "LookupFailed"),
        ("properties", "PropertyChanged"),
        ("properties", "Cancel"),
        ("amount", "AmountChanged"),
        ("amount", "Cancel"),
        ("method", "PayWhatInserted"),
        ("voucher_code", "VoucherCodeChanged"),
        ("voucher_code", "VoucherRejected"),
        ("voucher_code", "TakeVoucher"),
        ("voucher_code", "PayWhatInserted"),
        ("cash", "TakeVoucher"),
        ("card", "CardStatusChanged"),
        ("card", "Back"),
        ("stopping", "AcceptorsDisabled"),
        ("result", "Done"),
        ("result", "Cancel"),
        ("error", "Cancel"),
    }
    assert set(missing) <= covered_elsewhere, sorted(set(missing) - covered_elsewhere)


def test_intents_restart_the_idle_timer() -> None:
    d = at("order_key")
    d.idle(59)
    d.send(ev.KeyChanged(text="A"))
    d.idle(59)
    assert not d.view.timeout_prompt
    d.idle(1)
    assert d.view.timeout_prompt and d.view.seconds_left == 20
    d.send(ev.Continue())  # any tap dismisses the prompt
    assert not d.view.timeout_prompt


def test_clock_going_back_does_not_fire_or_freeze_timeouts() -> None:
    d = at("order_key")
    d.idle(30)
    d.send(ev.Tick(now=d.state.now - timedelta(hours=1)))
    d.idle(29)
    assert not d.view.timeout_prompt
    d.idle(1)
    assert d.view.timeout_prompt


def test_broken_contracts_raise() -> None:
    s = initial_state(CTX, T0)
    with pytest.raises(TypeError):
        step(s, object())
    with pytest.raises(ValueError):
        step(s, ev.CreditJournalled(credit_id="x", source="bill", amount=0))
    with pytest.raises(ValueError):
        step(s, ev.Tick(now=T0.replace(tzinfo=None)))
    with pytest.raises(ValueError):
        initial_state(CTX, T0.replace(tzinfo=None))


def test_initial_state_out_of_service() -> None:
    s = initial_state(CTX, T0, out_of_service_key="devices.oos.no_cash", printer_ok=False)
    v = view_of(s)
    assert v.screen == Screen.OUT_OF_SERVICE and not v.printer_ok


def test_every_phase_maps_to_a_screen() -> None:
    names = {s.value for s in Screen}
    finishing = {"stopping", "recording", "confirming", "printing"}
    assert {p.value for p in Phase} - finishing <= names


def test_diagram_covers_every_phase() -> None:
    dot = to_dot()
    assert all(f'"{p.value}"' in dot for p in Phase)
    reached = {b for _, b, _, _ in edges()} | {"attract"}
    assert reached == {p.value for p in Phase}


def test_diagram_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--mermaid"]) == 0
    assert capsys.readouterr().out.startswith("stateDiagram-v2")


def test_public_names() -> None:
    for name in kiosk.session.__all__:
        assert hasattr(kiosk.session, name)
    for module in (ev, fx):
        for name in module.__all__:
            assert hasattr(module, name)


def test_every_session_text_key_exists_in_three_languages() -> None:
    catalogue = json.loads(
        resources.files("kiosk.i18n").joinpath("session.json").read_text(encoding="utf-8")
    )
    for key, texts in catalogue.items():
        assert key.startswith("session.")
        assert set(texts) == {"ro", "ru", "en"} and all(texts.values()), key
        assert "ş" not in texts["ro"] and "ţ" not in texts["ro"], f"cedilla in {key}"
    src = Path(kiosk.session.__file__).parent
    used = set()
    for path in src.glob("*.py"):
        used |= set(re.findall(r'"(session\.[a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert used - set(catalogue) == set()
    categories = {svc.category for svc in CTX.services}
    assert {f"session.category.{c}" for c in categories} <= set(catalogue)
