"""`kiosk emulate zvt`: a separate process, driven through its stdin and a real pty."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from drivers.link import SerialLink
from drivers.zvt import messages as m
from drivers.zvt.driver import ZvtDriver
from drivers.zvt.protocol import ZvtTimeouts


class _Lines:
    """Reads the process's stdout on a thread, so that waits can have a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._stdout = proc.stdout
        self.queue: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(target=self._read, name="zvt-cli-reader")
        self.thread.start()

    def _read(self) -> None:
        for line in self._stdout:
            self.queue.put(line)

    def first(self, timeout: float = 5.0) -> str:
        return self.queue.get(timeout=timeout)

    def find(self, text: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            if text in line:
                return line


def _say(proc: subprocess.Popen[str], command: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(command + "\n")
    proc.stdin.flush()


@pytest.mark.slow
def test_kiosk_emulate_zvt(tmp_path: Path) -> None:
    link = tmp_path / "pt"
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "emulate", "zvt", "--link", str(link)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as proc:
        lines = _Lines(proc)
        try:
            assert proc.stdin is not None
            port = lines.first().strip()
            assert port.startswith("/dev/") and os.path.realpath(link) == port
            serial = SerialLink(str(link), 9600, stopbits=2)
            try:
                driver = ZvtDriver(serial, timeouts=ZvtTimeouts(t3=3.0, t4=10.0))
                assert driver.transact(m.Registration()).completion is not None
                _say(proc, "decline 05")
                lines.find("declined with 05")
                tx = driver.transact(m.Authorisation(amount=100), decide=lambda _info: True)
                assert tx.pt_abort_code == 0x05
                tx = driver.transact(m.Authorisation(amount=100), decide=lambda _info: True)
                assert tx.committed
                _say(proc, "help")
                lines.find("lose-ack")
                _say(proc, "state")
                assert "1 booked payment(s), total 100" in lines.find("state:")
            finally:
                serial.close()
            proc.stdin.close()
            assert proc.wait(timeout=5) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            lines.thread.join(5)
