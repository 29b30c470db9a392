"""Technician service mode, the pure core (no Qt): PIN gate, health facts, port probing, and the
``ServiceBackend`` the service screens (``ui/service``) and the ``kiosk status`` /
``kiosk devices probe`` commands use.

::

    pin.py         PinGate: salted-hash PIN, failure count, lockout that survives restarts
    health.py      gather_health(config, ledger, ...) -> JSON-able facts and problems
    certs.py       certificate subject and validity dates from PEM (no OpenSSL bindings)
    probe.py       probe_ports(...): which serial port holds which device, asked safely
    portconfig.py  save_port_assignment(...): ports into the TOML file, validated, with a .bak
    backend.py     ServiceBackend protocol and LedgerServiceBackend (config + ledger + callables)
"""

from kiosk.service.backend import (
    ACCEPT_BILL,
    ACCEPT_COIN,
    CARD_STATUS,
    COLLECT,
    OUT_OF_SERVICE,
    PRINT_TEST,
    PROBE_PORTS,
    RELOAD_CONFIG,
    RESTART,
    RETRY,
    SAVE_PORTS,
    ActionResult,
    CollectionOutcome,
    DeviceView,
    LedgerServiceBackend,
    ServiceBackend,
    ServiceLocked,
)
from kiosk.service.health import check_mpay_reachable, gather_health
from kiosk.service.pin import PinGate, PinOutcome, PinResult
from kiosk.service.portconfig import PortChange, PortConfigError, save_port_assignment
from kiosk.service.probe import Finding, ProbeSettings, default_candidates, probe_ports

__all__ = [
    "ACCEPT_BILL",
    "ACCEPT_COIN",
    "CARD_STATUS",
    "COLLECT",
    "OUT_OF_SERVICE",
    "PRINT_TEST",
    "PROBE_PORTS",
    "RELOAD_CONFIG",
    "RESTART",
    "RETRY",
    "SAVE_PORTS",
    "ActionResult",
    "CollectionOutcome",
    "DeviceView",
    "Finding",
    "LedgerServiceBackend",
    "PinGate",
    "PinOutcome",
    "PinResult",
    "PortChange",
    "PortConfigError",
    "ProbeSettings",
    "ServiceBackend",
    "ServiceLocked",
    "check_mpay_reachable",
    "default_candidates",
    "gather_health",
    "probe_ports",
    "save_port_assignment",
]
