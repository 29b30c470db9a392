"""sd_notify against a real unix datagram socket, the watchdog's liveness gating, and the unit."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.systemd import Heartbeat, Watchdog, notify, watchdog_interval

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def notify_socket(tmp_path: Path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield sock, {"NOTIFY_SOCKET": str(path)}
    sock.close()


def test_notify_sends_the_state(notify_socket) -> None:
    sock, env = notify_socket
    assert notify("READY=1\nSTATUS=serving", env=env)
    assert sock.recv(100) == b"READY=1\nSTATUS=serving"


def test_notify_outside_systemd_is_a_no_op() -> None:
    assert notify("READY=1", env={}) is False


def test_watchdog_interval_is_half_of_watchdog_sec() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None


def test_watchdog_pings_only_while_alive(notify_socket) -> None:
    sock, env = notify_socket
    alive = {"ui": True}
    dog = Watchdog(0.02, {"ui": lambda: alive["ui"]}, env=env)
    dog.start()
    try:
        assert sock.recv(100) == b"WATCHDOG=1"
        alive["ui"] = False
        # drain pings sent before the flip, then expect the unhealthy status and silence
        seen = []
        for _ in range(20):
            msg = sock.recv(100)
            seen.append(msg)
            if msg.startswith(b"STATUS=unhealthy"):
                break
        assert seen[-1] == b"STATUS=unhealthy: ui"
        sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            sock.recv(100)
    finally:
        dog.stop()


def test_heartbeat_goes_stale() -> None:
    now = [0.0]
    hb = Heartbeat(5, clock=lambda: now[0])
    assert hb.fresh()
    now[0] = 6
    assert not hb.fresh()
    hb.beat()
    assert hb.fresh()


def test_unit_file_has_the_required_settings() -> None:
    text = (REPO / "kiosk.service").read_text()
    for line in ("Type=notify", "Restart=always", "StateDirectory=kiosk", "ProtectSystem=strict",
                 "NoNewPrivileges=yes", "PrivateTmp=yes", "User=kiosk"):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), line
    assert re.search(r"^WatchdogSec=\d+$", text, re.M)
    assert re.search(r"^ExecStart=\S+/kiosk run\b", text, re.M)
    assert "dialout" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    kiosk_bin = Path(sys.executable).parent / "kiosk"
    text = (REPO / "kiosk.service").read_text()
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={kiosk_bin}", text, flags=re.M)
    unit = tmp_path / "kiosk.service"
    unit.write_text(text)
    r = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                       timeout=60)
    # systemd-analyze may complain about the host (no running systemd in a container) but must
    # not report problems in our unit file.
    ours = [ln for ln in (r.stdout + r.stderr).splitlines() if "kiosk.service" in ln]
    assert not ours, ours
