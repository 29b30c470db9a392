"""Edge detection over steady poll states: each fault and cassette change is news once."""

from __future__ import annotations

from drivers.ccnet.messages import PollStatus, State
from drivers.ccnet.status import FaultTracker


def _feed(tracker: FaultTracker, *states: PollStatus) -> list[tuple[str, int]]:
    return [(c.kind, c.code) for s in states for c in tracker.update(s)]


IDLE = PollStatus(state=State.IDLING)
JAM = PollStatus(state=State.VALIDATOR_JAMMED)
OUT = PollStatus(state=State.DROP_CASSETTE_OUT_OF_POSITION)


def test_fault_reported_once_then_cleared() -> None:
    tracker = FaultTracker()
    assert _feed(tracker, IDLE, JAM, JAM, JAM, IDLE, IDLE) == [
        ("fault", 0x43),
        ("fault_cleared", 0x43),
    ]


def test_failure_code_is_the_reported_code_and_a_new_code_replaces_the_old() -> None:
    tracker = FaultTracker()
    changes = _feed(
        tracker,
        PollStatus(state=State.FAILURE, data=0x50),
        PollStatus(state=State.FAILURE, data=0x55),
        IDLE,
    )
    assert changes == [
        ("fault", 0x50),
        ("fault_cleared", 0x50),
        ("fault", 0x55),
        ("fault_cleared", 0x55),
    ]


def test_cassette_out_and_back() -> None:
    tracker = FaultTracker()
    assert _feed(tracker, IDLE, OUT, OUT, PollStatus(state=State.UNIT_DISABLED)) == [
        ("cassette_removed", 0x42),
        ("cassette_inserted", 0x42),
    ]


def test_unknown_state_is_a_fault() -> None:
    tracker = FaultTracker()
    changes = tracker.update(PollStatus(state=0x77))
    assert [(c.kind, c.reason) for c in changes] == [("fault", "unknown state 0x77")]
