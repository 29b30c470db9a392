"""The shared cash types and the worker's lifecycle: validation, ring buffer, reconnection."""

from __future__ import annotations

import threading

import pytest

from drivers.cash import AcceptorWorker, CashEvent, DeviceSilent, FrameLog
from drivers.errors import LinkError
from drivers.link import Link
from tests.drivers.ccnet.helpers import Recorder, wait_until


def test_cash_event_refuses_nonsense() -> None:
    CashEvent(kind="stacked", device="bill", amount=10000, ref="x")
    with pytest.raises(ValueError):
        CashEvent(kind="credited", device="bill")
    with pytest.raises(ValueError):
        CashEvent(kind="stacked", device="note")
    with pytest.raises(ValueError):
        CashEvent(kind="stacked", device="coin", amount=-1)
    with pytest.raises(ValueError):
        CashEvent(kind="stacked", device="coin", amount=1.5)  # type: ignore[arg-type]


def test_frame_log_keeps_the_last_frames_as_hex() -> None:
    log = FrameLog(size=2)
    log.add("TX", b"\x02\x03\x06\x33\xda\x81")
    log.add("RX", b"\x02\x03\x06\x14\x67\xd4")
    log.add("TX", b"\x02\x03\x06\x00\xc2\x82")
    assert log.lines() == ["RX 02 03 06 14 67 D4", "TX 02 03 06 00 C2 82"]


class _Flaky(AcceptorWorker):
    """A worker whose "device" goes silent after each connection."""

    device = "bill"

    def __init__(self, factory: object, rec: Recorder, opened: list[int]) -> None:
        super().__init__(
            factory,
            on_event=rec,
            poll_interval=0.01,
            reconnect_delay=0.01,  # type: ignore[arg-type]
            reconnect_max_delay=0.04,
            absent_after=0.2,
        )
        self.opened = opened

    def _serve(self, link: Link) -> None:
        del link
        self.opened.append(1)
        self._answered()
        self._found({"part": "X", "serial": "1"})
        raise DeviceSilent("gone")


def test_set_accepting_validates_and_versions() -> None:
    worker = _Flaky(lambda: None, Recorder(), [])
    assert worker.accepting() == (None, 0)
    worker.set_accepting(500)
    worker.set_accepting(500)
    assert worker.accepting() == (500, 1)
    worker.set_accepting(None)
    assert worker.accepting() == (None, 2)
    for bad in (-1, True, 2.5):
        with pytest.raises(ValueError):
            worker.set_accepting(bad)  # type: ignore[arg-type]


def test_port_that_cannot_be_opened_is_reported_once_and_retried() -> None:
    attempts: list[int] = []

    def factory() -> Link:
        attempts.append(1)
        raise LinkError("/dev/ttyUSB9: No such file or directory")

    rec = Recorder()
    worker = _Flaky(factory, rec, [])
    worker.start()
    try:
        rec.wait("disconnected", timeout=3)
        wait_until(lambda: len(attempts) >= 5)
        assert rec.kinds() == ["disconnected"]
        assert "cannot open port" in rec.of("disconnected")[0].reason
    finally:
        worker.stop()
    assert not any(t.name == "bill-acceptor" for t in threading.enumerate())


def test_silent_device_is_reopened_and_each_outage_reported() -> None:
    class _Link:
        def write(self, data: bytes) -> None: ...
        def read_some(self, max_bytes: int, timeout: float) -> bytes:
            del max_bytes, timeout
            return b""

        def reset_input(self) -> None: ...
        def close(self) -> None: ...

    rec = Recorder()
    opened: list[int] = []
    worker = _Flaky(_Link, rec, opened)
    worker.start()
    try:
        wait_until(lambda: len(opened) >= 3)
    finally:
        worker.stop()
    kinds = rec.kinds()
    assert kinds[:4] == ["connected", "disconnected", "connected", "disconnected"]
