"""The ZVT driver: runs one ``EcrProtocol`` command at a time over a ``Link``.

This is the only ZVT module that blocks. ``transact`` owns the port for the duration of
one command and returns a ``Transaction`` record; it never raises for what the PT or the
line does (a dead line is ``Transaction.link_error``), only for misuse.

Threading: call ``transact`` from one thread (the card worker). ``request_abort`` may be
called from any thread; the loop notices it within ``poll`` seconds and sends ``06 B0``.
Callbacks (``on_event``, ``decide``) run on the transacting thread. An ``Exception`` from
``decide`` counts as "do not commit"; a ``BaseException`` (e.g. ``KeyboardInterrupt``)
propagates at once, leaving the verdict unsent, as a crash would.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from drivers.errors import LinkError
from drivers.link import Link
from drivers.zvt import messages as m
from drivers.zvt.protocol import (
    AbortAnswered,
    CommandAccepted,
    CommandRefused,
    Completed,
    EcrProtocol,
    LinkFailed,
    PeerError,
    ProtocolEvent,
    PtAborted,
    ReceiptLines,
    State,
    StatusInfoReceived,
    TimedOut,
    UnreadableStatusInfo,
    VerdictLost,
    VerdictSent,
    ZvtTimeouts,
)

__all__ = ["Transaction", "ZvtDriver"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Transaction:
    """What happened during one command (filled in by ``ZvtDriver.transact``).

    ``verdict``: the commit decision given on the first approved Status-Information (None:
    none was asked). ``verdict_delivered``: True when the PT acknowledged it, False when
    the block was lost, None when no verdict was sent. Verdicts are delivered in order, so
    the first delivery event belongs to the first verdict.
    """

    command: m.EcrCommand
    accepted: bool = False
    refused_code: int | None = None
    status_infos: list[m.StatusInformation] = field(default_factory=list)
    verdict: bool | None = None
    verdict_delivered: bool | None = None
    extra_verdicts: list[bool] = field(default_factory=list)  # on later approvals (refused)
    unreadable_status_info: bool = False
    receipt_lines: list[str] = field(default_factory=list)
    completion: m.Completion | None = None
    pt_abort_code: int | None = None
    pt_aborted: bool = False
    timed_out: str | None = None
    link_error: str | None = None
    peer_errors: list[str] = field(default_factory=list)
    abort_requested: str | None = None  # None | "caller" | "deadline"
    abort_answer: bool | None = None  # the PT accepted (True) or refused (False) 06 B0
    frames: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        """The PT closed the command (06 0F or 06 1E)."""
        return self.completion is not None or self.pt_aborted

    @property
    def committed(self) -> bool:
        """The PT acknowledged our commit: the payment stands (ZVT-C 2.2.9)."""
        return self.verdict is True and self.verdict_delivered is True

    @property
    def last_status_info(self) -> m.StatusInformation | None:
        return self.status_infos[-1] if self.status_infos else None


class ZvtDriver:
    """ECR side of a ZVT terminal on ``link``. The link is opened and closed by the caller."""

    def __init__(
        self,
        link: Link,
        *,
        timeouts: ZvtTimeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.05,
    ) -> None:
        self.link = link
        self.timeouts = timeouts or ZvtTimeouts()
        self._clock = clock
        self._poll = poll
        self._abort = threading.Event()

    def request_abort(self) -> None:
        """Thread-safe: ask the running ``transact`` to send ``06 B0``."""
        self._abort.set()

    def transact(
        self,
        command: m.EcrCommand,
        *,
        on_event: Callable[[ProtocolEvent], None] | None = None,
        decide: Callable[[m.StatusInformation], bool] | None = None,
        abort_at: float | None = None,
        abort: threading.Event | None = None,
    ) -> Transaction:
        """Send ``command`` and serve the PT until it ends the command or the line fails.

        Args:
            on_event: called with every protocol event, on this thread.
            decide: called with an approved Status-Information of an Authorisation; True
                commits ("goods issued"), False makes the PT reverse. Without ``decide``
                nothing is ever committed.
            abort_at: a ``clock()`` instant after which ``06 B0`` is sent (payer timeout).
            abort: an event another thread sets to abort; without it ``request_abort``
                serves (and is reset here, so a request made before this call is lost).
        """
        if abort is None:
            self._abort.clear()
            abort = self._abort
        tx = Transaction(command=command)
        proto = EcrProtocol(self.timeouts)
        try:
            self.link.reset_input()
            proto.start(command, self._clock())
            self._run(proto, tx, on_event, decide, abort_at, abort)
        except LinkError as exc:
            tx.link_error = str(exc)
            if tx.verdict is not None and tx.verdict_delivered is None:
                tx.verdict_delivered = False  # the block may or may not have left
        tx.frames = proto.recent_frames
        if tx.link_error or tx.peer_errors or tx.timed_out:
            log.warning(
                "zvt %s: link=%s timeout=%s peer=%s; last frames: %s",
                type(command).__name__,
                tx.link_error,
                tx.timed_out,
                tx.peer_errors,
                " | ".join(tx.frames),
            )
        return tx

    def _run(
        self,
        proto: EcrProtocol,
        tx: Transaction,
        on_event: Callable[[ProtocolEvent], None] | None,
        decide: Callable[[m.StatusInformation], bool] | None,
        abort_at: float | None,
        abort: threading.Event,
    ) -> None:
        t = self.timeouts
        # once the command is over, wait this long at most for our last answers' ACKs
        flush_limit = (t.retries + 1) * t.t2 + t.t1
        ended_at: float | None = None
        while True:
            out = proto.data_to_send()
            if out:
                self.link.write(out)
            now = self._clock()
            if proto.state is State.IDLE:
                if proto.transport.idle or tx.link_error:
                    return
                ended_at = now if ended_at is None else ended_at
                if now - ended_at > flush_limit:
                    return
            elif tx.abort_requested is None and tx.verdict is None:  # never after a verdict
                if abort.is_set():
                    tx.abort_requested = "caller"
                elif abort_at is not None and now >= abort_at:
                    tx.abort_requested = "deadline"
                if tx.abort_requested and proto.request_abort(now):
                    log.info("zvt: abort requested (%s)", tx.abort_requested)
            deadline = proto.next_deadline()
            wait = self._poll if deadline is None else min(self._poll, max(0.0, deadline - now))
            data = self.link.read_some(1024, wait)
            now = self._clock()
            if data:
                proto.receive_data(data, now)
            proto.on_timeout(now)
            out = proto.data_to_send()
            if out:  # ACK/NAK go out before anything is processed (ZVT-T 3.2)
                self.link.write(out)
            while (event := proto.next_event()) is not None:
                self._record(tx, event)
                if on_event is not None:
                    on_event(event)
                if isinstance(event, StatusInfoReceived) and event.verdict_needed:
                    commit = self._decide(decide, event.info)
                    if tx.verdict is None:
                        tx.verdict = commit  # the first verdict is the one that counts
                    else:
                        tx.extra_verdicts.append(commit)
                    proto.answer_status_info(commit, self._clock())
                    out = proto.data_to_send()
                    if out:
                        self.link.write(out)

    @staticmethod
    def _decide(
        decide: Callable[[m.StatusInformation], bool] | None, info: m.StatusInformation
    ) -> bool:
        if decide is None:
            return False
        try:
            return bool(decide(info))
        except Exception:
            log.exception("zvt: verdict callback failed; the PT is told not to commit")
            return False

    @staticmethod
    def _record(tx: Transaction, event: ProtocolEvent) -> None:
        if isinstance(event, CommandAccepted):
            tx.accepted = True
        elif isinstance(event, CommandRefused):
            tx.refused_code = event.code
        elif isinstance(event, StatusInfoReceived):
            tx.status_infos.append(event.info)
        elif isinstance(event, UnreadableStatusInfo):
            tx.unreadable_status_info = True
            tx.peer_errors.append(f"unreadable Status-Information: {event.reason}")
        elif isinstance(event, ReceiptLines):
            tx.receipt_lines.extend(event.lines)
        elif isinstance(event, VerdictSent):
            if tx.verdict_delivered is None:
                tx.verdict_delivered = True
        elif isinstance(event, VerdictLost):
            if tx.verdict_delivered is None:
                tx.verdict_delivered = False
            tx.link_error = f"verdict not acknowledged ({event.reason})"
        elif isinstance(event, AbortAnswered):
            tx.abort_answer = event.accepted
        elif isinstance(event, Completed):
            tx.completion = event.completion
        elif isinstance(event, PtAborted):
            tx.pt_aborted = True
            tx.pt_abort_code = event.result_code
        elif isinstance(event, TimedOut):
            tx.timed_out = event.timer
        elif isinstance(event, LinkFailed):
            tx.link_error = event.reason
        elif isinstance(event, PeerError):
            tx.peer_errors.append(event.reason)
