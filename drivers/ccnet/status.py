"""Edge detection over CCNET poll states: which replies are news for the kiosk. Pure.

A validator repeats its state on every POLL; the kiosk wants to hear about a change once. The
tracker turns steady states (not the one-shot events 81/82/45, which the driver dedupes by
itself) into ``Change`` values: a fault appearing, being replaced or clearing, and the drop
cassette leaving or coming back (the cash-box collection needs both).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.ccnet.messages import PollStatus, State, failure_text, state_text

__all__ = ["Change", "FaultTracker", "FAULT_STATES"]

FAULT_STATES = frozenset(
    {
        State.DROP_CASSETTE_FULL,
        State.VALIDATOR_JAMMED,
        State.DROP_CASSETTE_JAMMED,
        State.PAUSE,
        State.FAILURE,
        State.SUSPECTED_BILL,
        State.COUNTERFEIT_BILL,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    kind: str  # "fault" | "fault_cleared" | "cassette_removed" | "cassette_inserted"
    reason: str
    code: int


def _text(state: int, data: int | None) -> str:
    if state == State.FAILURE and data is not None:
        return failure_text(data)
    return state_text(state)


def _code(state: int, data: int | None) -> int:
    """The failure code for 47 ff, else the state byte (41-46, 84, 90, or an unknown one)."""
    return data if state == State.FAILURE and data is not None else state


class FaultTracker:
    def __init__(self) -> None:
        self.fault: tuple[int, int | None] | None = None
        self.cassette_out = False

    def update(self, status: PollStatus) -> list[Change]:
        """Feed one steady POLL state; returns what changed, in the order to report it."""
        changes: list[Change] = []
        state = status.state
        if state == State.DROP_CASSETTE_OUT_OF_POSITION:
            if not self.cassette_out:
                self.cassette_out = True
                changes.append(
                    Change(kind="cassette_removed", reason="cassette removed", code=int(state))
                )
        elif self.cassette_out and state != State.INITIALIZE:
            self.cassette_out = False
            changes.append(
                Change(
                    kind="cassette_inserted",
                    reason="cassette inserted",
                    code=int(State.DROP_CASSETTE_OUT_OF_POSITION),
                )
            )
        key: tuple[int, int | None] | None = None
        if state in FAULT_STATES or not isinstance(state, State):
            key = (int(state), status.data)
        if key == self.fault:
            return changes
        if self.fault is not None:
            changes.append(
                Change(kind="fault_cleared", reason=_text(*self.fault), code=_code(*self.fault))
            )
        self.fault = key
        if key is not None:
            changes.append(Change(kind="fault", reason=_text(*key), code=_code(*key)))
        return changes
