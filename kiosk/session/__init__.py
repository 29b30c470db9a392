"""The payer session as a pure state machine: ``step(state, event) -> (state, effects)``.

No Qt, no I/O, no clock, no threads here: the runtime feeds events (payer intents from ``ui/``,
device and network results, ``Tick(now)``) and carries out the effects; ``ui/`` renders the
``SessionView`` built by ``view_of(state)``.
"""

from kiosk.session.machine import step
from kiosk.session.present import view_of
from kiosk.session.states import (
    Phase,
    ServiceEntry,
    SessionContext,
    SessionState,
    Timeouts,
    initial_state,
)

__all__ = [
    "step",
    "view_of",
    "initial_state",
    "Phase",
    "ServiceEntry",
    "SessionContext",
    "SessionState",
    "Timeouts",
]
