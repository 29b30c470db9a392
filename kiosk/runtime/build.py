"""The composition root of the core: a ``Runtime`` from a ``Config``.

Every device comes from its configured port (``SerialLink``); the demo and the simulator only
change ports and endpoints in the configuration (pseudo-terminals, a loopback sandbox), so
they run this very code.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from drivers.link import SerialLink
from kiosk.config import Config
from kiosk.ledger import Ledger, OfflinePolicy
from kiosk.mpay.settings import MpaySettings
from kiosk.runtime.card import CardDesk
from kiosk.runtime.cash import CashDesk
from kiosk.runtime.context import session_context
from kiosk.runtime.printing import ReceiptDesk, ReopeningPrinter
from kiosk.runtime.runtime import Runtime

__all__ = ["build_runtime"]

log = logging.getLogger(__name__)


def build_runtime(
    config: Config,
    *,
    state_dir: Path | None = None,
    mpay_settings: MpaySettings | None = None,
    receipts_dir: Path | None = None,
    printer: Any = None,
    monitor_every_s: float = 5.0,
    tick_interval: float = 1.0,
    printer_retry_s: float = 10.0,
) -> Runtime:
    """Open the ledger, build every desk from ``config``; nothing is started yet.

    Raises ``kiosk.mpay.errors.MpayConfigError`` / ``OSError`` for unusable certificates. A
    printer that cannot be opened is not an error: it is retried (``ReopeningPrinter``)."""
    from kiosk.mpay.client import MpayClient  # zeep + xmlsec: imported only when needed
    from kiosk.receipts import open_printer, profile_from_config, settings_from_config

    state = state_dir or config.state_dir
    state.mkdir(parents=True, exist_ok=True)
    ledger = Ledger.open(state, terminal_id=config.terminal.id)
    settings = mpay_settings or config.mpay
    mpay = MpayClient(settings)
    runtime_ref: list[Runtime] = []

    def post(event: Any) -> None:
        runtime_ref[0].post(event)

    # the desks are built before the runtime that owns them: they call it through these
    def session_for_credit() -> str:
        return runtime_ref[0].session_for_credit()

    def may_take_money() -> bool:
        return runtime_ref[0].taking_money()

    cash = _cash_desk(config, ledger, post, session_for_credit, may_take_money)
    card = _card_desk(config, ledger, post, session_for_credit)
    profile = profile_from_config(config.printer)
    if printer is None:
        folder = receipts_dir or _receipts_dir(config, state)
        printer = ReopeningPrinter(
            lambda: open_printer(config.printer, receipts_dir=folder, profile=profile),
            retry_s=printer_retry_s)
    names = {s.service_id: dict(s.names) for s in config.services}

    def service_name(service_id: str, lang: str) -> str:
        n = names.get(service_id, {})
        return n.get(lang) or n.get("ro") or service_id

    zone = ZoneInfo(config.terminal.timezone)  # receipts show the terminal's local time
    receipts = ReceiptDesk(printer, profile, settings_from_config(config), ledger, post=post,
                           service_name=service_name, clock=lambda: datetime.now(zone))
    runtime = Runtime(
        ctx=session_context(config),
        ledger=ledger,
        mpay=mpay,
        cash=cash,
        card=card,
        receipts=receipts,
        offline_policy=OfflinePolicy(max_pending_count=config.outbox.max_pending_count,
                                     max_pending_amount=config.outbox.max_pending_amount),
        backoff_initial_s=config.outbox.backoff_initial_s,
        backoff_max_s=config.outbox.backoff_max_s,
        monitor_every_s=monitor_every_s,
        tick_interval=tick_interval,
    )
    runtime_ref.append(runtime)
    return runtime


def _receipts_dir(config: Config, state: Path) -> Path:
    return config.printer.receipts_dir or state / "receipts"


def _cash_desk(config: Config, ledger: Ledger, post: Any, session_for_credit: Any,
               may_take_money: Any) -> CashDesk | None:
    from drivers.ccnet.driver import BillValidator
    from drivers.cctalk.driver import CoinAcceptor

    bill = config.devices.bill_validator
    coin = config.devices.coin_acceptor
    if not ((bill and bill.enabled) or (coin and coin.enabled)):
        return None
    desk = CashDesk(ledger, post=post, session_for_credit=session_for_credit,
                    may_take_money=may_take_money)
    if bill is not None and bill.enabled:
        port, baud = bill.port, bill.baud

        def make_bill(**callbacks: Any) -> Any:
            return BillValidator(lambda: SerialLink(port, baud),
                                 poll_interval=bill.poll_interval_ms / 1000,
                                 absent_after=bill.timeout_ms / 1000, **callbacks)

        desk.attach("bill", bill.protocol, port, make_bill)
    if coin is not None and coin.enabled:
        cport, cbaud = coin.port, coin.baud
        extra: dict[str, Any] = {}
        if coin.address is not None:
            extra["address"] = coin.address
        if coin.coin_values:
            extra["coin_values"] = dict(coin.coin_values)

        def make_coin(**callbacks: Any) -> Any:
            return CoinAcceptor(lambda: SerialLink(cport, cbaud),
                                poll_interval=coin.poll_interval_ms / 1000,
                                absent_after=coin.timeout_ms / 1000, **extra, **callbacks)

        desk.attach("coin", coin.protocol, cport, make_coin)
    return desk


def _card_desk(config: Config, ledger: Ledger, post: Any, session_for_credit: Any) -> CardDesk | None:
    card = config.devices.card_terminal
    if card is None or not card.enabled:
        return None
    from kiosk.card.zvt import ZvtCardTerminal

    port, baud = card.port, card.baud
    terminal = ZvtCardTerminal(lambda: SerialLink(port, baud, stopbits=2),
                               password=card.password or "000000",
                               payer_timeout=float(config.timeouts.card_s))
    return CardDesk(terminal, ledger, post=post, session_for_credit=session_for_credit)
