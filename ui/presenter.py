"""From ``SessionView`` to screens, and from taps to session intents.

This module and ``ui.render`` (one renderer function per screen) are the only ones that know the
shape of the session's view: they pick the screen, turn i18n keys into text
(``kiosk.i18n.t``), format amounts and dates for the view's language, and map each screen's Qt
signals to the event the session machine expects. It does no business
arithmetic and no validation: every amount it shows and every "allowed" it obeys is in the view.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kiosk.i18n import t
from ui.render import journey, payment
from ui.screens.base import Screen as ScreenWidget
from ui.window import KioskWindow

if TYPE_CHECKING:
    from kiosk.session.view import SessionView

__all__ = ["Presenter", "RENDERERS", "SCREEN_FACTORIES", "STEPS"]

log = logging.getLogger(__name__)

Send = Callable[[Any], None]

# Screen names are the values of ``kiosk.session.view.Screen`` (a StrEnum, so they compare
# equal to these strings). Screens and the session's event classes are imported on first use:
# start-up imports only what the attract screen needs, and the first paint comes sooner.


def _lazy(module: str, cls: str, **kwargs: Any) -> Callable[[], ScreenWidget]:
    def build() -> ScreenWidget:
        factory = getattr(importlib.import_module(f"ui.screens.{module}"), cls)
        screen: ScreenWidget = factory(**kwargs)
        return screen

    return build


SCREEN_FACTORIES: dict[str, Callable[[], ScreenWidget]] = {
    "attract": _lazy("attract", "AttractScreen"),
    "services": _lazy("catalogue", "CatalogueScreen"),
    "order_key": _lazy("entry", "EntryScreen", kind="key"),
    "lookup": _lazy("busy", "BusyScreen"),
    "order_choice": _lazy("orders", "OrderChoiceScreen"),
    "invoice": _lazy("invoice", "InvoiceScreen"),
    "properties": _lazy("properties", "PropertiesScreen"),
    "amount": _lazy("entry", "EntryScreen", kind="amount"),
    "method": _lazy("method", "MethodScreen"),
    "voucher_code": _lazy("entry", "EntryScreen", kind="voucher"),
    "cash": _lazy("cash", "CashScreen"),
    "card": _lazy("card", "CardScreen"),
    "finishing": _lazy("busy", "BusyScreen"),
    "result": _lazy("result", "ResultScreen"),
    "error": _lazy("error", "ErrorScreen"),
    "out_of_service": _lazy("error", "ErrorScreen"),
}

#: The journey's steps as the header counts them (screens not listed show no step).
STEPS: dict[str, int] = {
    "services": 1,
    "order_key": 2,
    "lookup": 2,
    "order_choice": 2,
    "invoice": 3,
    "properties": 3,
    "amount": 3,
    "method": 4,
    "voucher_code": 4,
    "cash": 4,
    "card": 4,
    "finishing": 5,
    "result": 5,
}
_STEP_COUNT = 5

RENDERERS: dict[str, Callable[[Any, Any, str, bool], None]] = {
    "attract": journey.render_attract,
    "services": journey.render_services,
    "order_key": journey.render_order_key,
    "lookup": journey.render_lookup,
    "order_choice": journey.render_order_choice,
    "invoice": journey.render_invoice,
    "properties": journey.render_properties,
    "amount": journey.render_amount,
    "method": payment.render_method,
    "voucher_code": payment.render_voucher_code,
    "cash": payment.render_cash,
    "card": payment.render_card,
    "finishing": payment.render_finishing,
    "result": payment.render_result,
    "error": payment.render_error,
    "out_of_service": payment.render_out_of_service,
}


def ev() -> ModuleType:
    """``kiosk.session.events``, imported at the first tap rather than at start-up."""
    return importlib.import_module("kiosk.session.events")


class Presenter:
    """Renders views into ``window`` and sends intents through ``send``.

    ``send(event)`` is the bridge's ``intent``; ``render(view)`` runs on the Qt main thread.
    """

    def __init__(self, window: KioskWindow, send: Send) -> None:
        self.window = window
        self.send = send
        self.view: SessionView | None = None

    # -- wiring: one block per screen, done when the screen is first built ---------------------
    def connect_screen(self, name: str, screen: Any) -> None:
        """Wire a freshly built screen's signals to session intents (one block per screen)."""
        send = self.send
        if name == "footer":
            screen.back_button.clicked.connect(lambda: send(ev().Back()))
            screen.cancel_button.clicked.connect(self._cancel)
        elif name == "prompt":
            screen.more_time.connect(lambda: send(ev().MoreTime()))
            screen.finish.connect(self._cancel)
        elif name == "attract":
            screen.language_chosen.connect(lambda c: send(ev().LanguageChosen(language=c)))
            screen.accessibility_toggled.connect(
                lambda f: send(ev().ToggleAccessibility(feature=f))
            )
        elif name == "services":
            screen.service_chosen.connect(lambda s: send(ev().ServiceChosen(service_id=s)))
            screen.category_chosen.connect(lambda c: send(ev().CategoryChosen(category=c or None)))
            screen.query_changed.connect(lambda q: send(ev().SearchChanged(text=q)))
        elif name == "order_key":
            screen.edited.connect(lambda x: send(ev().KeyChanged(text=x)))
            screen.submitted.connect(lambda: send(ev().KeySubmitted()))
        elif name == "amount":
            screen.edited.connect(lambda x: send(ev().AmountChanged(text=x)))
            screen.submitted.connect(lambda: send(ev().Continue()))
            screen.quick.connect(self._pay_all)
        elif name == "voucher_code":
            screen.edited.connect(lambda x: send(ev().VoucherCodeChanged(text=x)))
            screen.submitted.connect(lambda: send(ev().VoucherCodeEntered()))
        elif name == "order_choice":
            screen.order_chosen.connect(lambda i: send(ev().OrderChosen(index=i)))
        elif name == "invoice":
            screen.confirmed.connect(lambda: send(ev().Continue()))
        elif name == "properties":
            screen.edited.connect(lambda k, v: send(ev().PropertyChanged(key=k, value=v)))
            screen.submitted.connect(lambda: send(ev().Continue()))
        elif name == "method":
            screen.method_chosen.connect(lambda m: send(ev().MethodChosen(method=m)))
        elif name == "cash":
            screen.finished.connect(lambda: send(ev().PayWhatInserted()))
            screen.voucher.connect(lambda: send(ev().TakeVoucher()))
        elif name == "result":
            screen.done.connect(lambda: send(ev().Done()))
        elif name == "error":
            screen.primary.connect(self._error_primary)
            screen.secondary.connect(lambda: send(ev().Done()))

    def scanned(self, code: str) -> None:
        """A barcode/QR code was scanned (on any screen: the machine ignores it where it
        means nothing)."""
        self.send(ev().KeyScanned(text=code))

    def _cancel(self) -> None:
        self.send(ev().Cancel())

    def _pay_all(self) -> None:
        view = self.view
        if view is not None and view.amount is not None and view.amount.suggested is not None:
            from kiosk.money import format_amount  # decimal: not needed to show the first screen

            self.send(ev().AmountChanged(text=format_amount(view.amount.suggested)))

    def _error_primary(self) -> None:
        view = self.view
        if view is not None and view.error is not None:
            self.send(ev().Retry() if view.error.can_retry else ev().Back())

    # -- rendering -------------------------------------------------------------------------------
    def render(self, view: SessionView) -> None:
        """Show ``view``. A view the UI cannot draw is logged and the last good screen stays
        (its buttons and the session's timeouts still work): the kiosk never freezes on it."""
        try:
            self._render(view)
        except Exception:
            log.exception("cannot render the %s screen", getattr(view, "screen", "?"))

    def _render(self, view: SessionView) -> None:
        previous = self.view
        self.view = view
        lang = view.language
        win = self.window
        win.set_display(high_contrast=view.high_contrast, large_text=view.large_text)
        name = str(view.screen)
        fresh = previous is None or previous.screen != view.screen
        screen = win.page(name)
        step = STEPS.get(name)
        subtitle = view.service.name if view.service is not None and step else ""
        win.header.set_texts(
            brand=t("ui.brand", lang),
            subtitle=subtitle or t("ui.brand.subtitle", lang),
            step=t("ui.step", lang, n=step, total=_STEP_COUNT) if step else "",
        )
        RENDERERS[name](screen, view, lang, fresh)
        win.show_screen(name)
        self._render_footer(view, lang)
        self._render_banner(view, lang)
        self._render_prompt(view, lang)

    def _render_footer(self, view: SessionView, lang: str) -> None:
        back = t("ui.action.back", lang) if view.can_go_back else None
        cancel: str | None = None
        if view.screen == "card" and view.card is not None:
            if view.card.can_abort and not view.card.abort_requested:
                cancel = t("ui.card.abort", lang)
        elif view.can_cancel and view.screen not in ("attract", "result", "error"):
            cancel = t("ui.action.cancel", lang)
        self.window.set_footer(back=back, cancel=cancel)

    def _render_banner(self, view: SessionView, lang: str) -> None:
        in_journey = view.screen not in ("attract", "result", "out_of_service")
        self.window.set_banner(
            t("ui.banner.no_printer", lang) if in_journey and not view.printer_ok else ""
        )

    def _render_prompt(self, view: SessionView, lang: str) -> None:
        win = self.window
        if view.timeout_prompt:
            seconds = view.seconds_left if view.seconds_left is not None else 0
            win.prompt.set_texts(
                title=t("ui.timeout.title", lang),
                body=t("ui.timeout.body", lang, seconds=seconds)
                + ("\n" + t("ui.timeout.money_safe", lang) if view.money_in else ""),
                more=t("ui.timeout.more", lang),
                finish=t("ui.timeout.finish", lang) if view.can_cancel else None,
            )
        win.set_prompt(view.timeout_prompt)
