"""The session machine's static inputs (``SessionContext``) from the typed configuration."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.session import ServiceEntry, SessionContext, Timeouts
from kiosk.session.view import Keyboard

__all__ = ["session_context", "MDL_BILLS", "MDL_COINS"]

#: What a Moldovan validator and coin acceptor take (bani); the devices' own tables refine it.
MDL_BILLS = (100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
MDL_COINS = (50, 100, 200, 500, 1000)


def session_context(
    config: Config,
    *,
    bills: tuple[int, ...] | None = None,
    coins: tuple[int, ...] | None = None,
) -> SessionContext:
    devices = config.devices
    acceptors: list[str] = []
    denominations: set[int] = set()
    if devices.bill_validator is not None and devices.bill_validator.enabled:
        acceptors.append("bill")
        denominations.update(bills or MDL_BILLS)
    if devices.coin_acceptor is not None and devices.coin_acceptor.enabled:
        acceptors.append("coin")
        denominations.update(coins or MDL_COINS)
    card = devices.card_terminal is not None and devices.card_terminal.enabled
    t = config.timeouts
    services = tuple(
        ServiceEntry(
            service_id=s.service_id,
            names=dict(s.names),
            category=s.category,
            icon=s.icon,
            key_hint=dict(s.key_hint),
            key_pattern=s.key_pattern,
            keyboard=Keyboard(s.keyboard),
            fee=s.fee,
        )
        for s in config.services
    )
    return SessionContext(
        services=services,
        languages=tuple(config.ui.languages),
        default_language=config.ui.default_language,
        denominations=tuple(sorted(denominations)),
        acceptors=tuple(acceptors),
        card_configured=card,
        timeouts=Timeouts(
            screen_s=t.screen_s,
            prompt_s=t.prompt_s,
            cash_s=t.cash_s,
            card_s=t.card_s,
            result_s=t.result_s,
            lookup_s=t.lookup_s,
            confirm_wait_s=config.outbox.confirm_wait_s,
        ),
    )
