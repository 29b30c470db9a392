"""ZvtCardTerminal against a scripted PT (in memory) for sequences the emulator never plays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from drivers.link import PairedLink
from drivers.zvt import messages as m
from drivers.zvt.protocol import ZvtTimeouts
from drivers.zvt.transport import ApduReceived, BlockTransport, Delivered, TransportTimeouts
from kiosk.card import CardApproval, OutcomeKind
from kiosk.card.zvt import ZvtCardTerminal
from tests.drivers.zvt.vectors import STATUS_INFO

TIMEOUTS = ZvtTimeouts(t1=0.2, t2=0.4, retries=2, t3=2.0, t4=3.0)


class ScriptedPt:
    """Plays ``script`` (a list of messages to send; ``None`` = wait for the ECR's answer)
    after each command from the ECR, in a thread; records what the ECR sent."""

    def __init__(self, link: PairedLink, scripts: dict[type, list[m.Message | None]]) -> None:
        self.link = link
        self.scripts = scripts
        self.transport = BlockTransport(TransportTimeouts(t1=0.2, t2=0.4))
        self.received: list[m.Message] = []
        self._delivered: set[int] = set()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="scripted-pt")

    def __enter__(self) -> ScriptedPt:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join(5)

    def _pump(self) -> None:
        data = self.link.read_some(1024, 0.02)
        self.transport.receive_data(data, time.monotonic())
        self.transport.on_timeout(time.monotonic())
        while (event := self.transport.next_event()) is not None:
            if isinstance(event, ApduReceived):
                self.received.append(m.decode(event.apdu))
            elif isinstance(event, Delivered):
                self._delivered.add(event.ref)
        out = self.transport.data_to_send()
        if out:
            self.link.write(out)

    def _wait(self, condition, timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline and not self._stop.is_set():
            self._pump()

    def _answers(self) -> int:
        return len([r for r in self.received if isinstance(r, m.Ack | m.Nack)])

    def _run(self) -> None:
        handled = 0
        while not self._stop.is_set():
            self._pump()
            while handled < len(self.received):
                msg = self.received[handled]
                handled += 1
                answers_before = self._answers()
                for step in self.scripts.get(type(msg), []):
                    if step is None:  # the answer to what we sent last
                        self._wait(lambda n=answers_before: self._answers() > n)
                        continue
                    answers_before = self._answers()
                    ref = self.transport.send(m.encode(step), time.monotonic())
                    self._wait(lambda ref=ref: ref in self._delivered)
                handled = len(self.received)


def _approved(receipt: int) -> m.StatusInformation:
    info = m.decode(STATUS_INFO)
    assert isinstance(info, m.StatusInformation)
    items = tuple((i, bytes([0, receipt]) if i == 0x87 else v) for i, v in info.items)
    return m.StatusInformation(items=items)


REGISTRATION = [m.Ack(), m.Completion(status_byte=0, terminal_id="12345678", currency=498)]


@pytest.fixture
def link_pair() -> Iterator[tuple[PairedLink, PairedLink]]:
    ecr, pt = PairedLink.pair()
    yield ecr, pt
    ecr.close()
    pt.close()


def test_a_second_approval_in_one_payment_is_refused_and_the_first_stands(link_pair):
    ecr, pt = link_pair
    script: dict[type, list[m.Message | None]] = {
        m.Registration: REGISTRATION,
        m.Authorisation: [m.Ack(), _approved(1), None, _approved(2), None, m.Completion()],
    }
    journal: list[CardApproval] = []
    with ScriptedPt(pt, script) as fake:
        term = ZvtCardTerminal(lambda: ecr, timeouts=TIMEOUTS)
        outcome = term.authorize(1000, on_status=lambda _s: None, on_approved=journal.append)
    assert outcome.kind is OutcomeKind.APPROVED
    assert [a.receipt_no for a in journal] == ["0001"]
    assert outcome.approval is not None and outcome.approval.receipt_no == "0001"
    answers = [r for r in fake.received if isinstance(r, m.Ack | m.Nack)]
    # commit the first, refuse the second, acknowledge the completion
    assert answers[-3:] == [m.Ack(), m.Nack(code=0x66), m.Ack()]


def test_an_approval_for_another_amount_is_refused(link_pair):
    ecr, pt = link_pair
    script: dict[type, list[m.Message | None]] = {
        m.Registration: REGISTRATION,
        m.Authorisation: [m.Ack(), _approved(1), None, m.Abort(result_code=0x66)],
    }
    journal: list[CardApproval] = []
    with ScriptedPt(pt, script) as fake:
        term = ZvtCardTerminal(lambda: ecr, timeouts=TIMEOUTS)
        outcome = term.authorize(999, on_status=lambda _s: None, on_approved=journal.append)
    assert journal == []
    assert outcome.kind is OutcomeKind.REVERSED and not outcome.needs_recovery
    assert outcome.approval is None and "amount 1000 != requested 999" in outcome.detail
    assert m.Nack(code=0x66) in fake.received


def test_status_texts_and_print_text_block_reach_the_caller(link_pair):
    from drivers.zvt import bmp
    from drivers.zvt.bmp import Tlv

    ecr, pt = link_pair
    display = Tlv(0x24, bmp.encode_tlv(0x07, b"Card 4111111111111111"))
    block = m.PrintTextBlock(tlv=(Tlv(0x25, bmp.encode_tlv(0x07, b"BANK RECEIPT")),))
    script: dict[type, list[m.Message | None]] = {
        m.Registration: REGISTRATION,
        m.Authorisation: [
            m.Ack(),
            m.IntermediateStatus(status=0x4A, tlv=(display,)),
            _approved(1),
            None,
            block,
            m.Completion(),
        ],
    }
    statuses = []
    with ScriptedPt(pt, script):
        term = ZvtCardTerminal(lambda: ecr, timeouts=TIMEOUTS)
        outcome = term.authorize(1000, on_status=statuses.append, on_approved=lambda _a: None)
    assert outcome.approved and outcome.approval is not None
    assert outcome.approval.receipt_lines == ("BANK RECEIPT",)
    assert [(s.key, s.remove_card) for s in statuses] == [("insert_card", True)]
    assert statuses[0].terminal_text == ("Card 411111******1111",)
