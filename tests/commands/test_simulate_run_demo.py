"""``kiosk simulate``, ``kiosk run --headless`` and ``kiosk demo --headless`` as operators and
acceptance tests call them: real processes, emulators on pseudo-terminals, SOAP on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.mpay.sandbox import MpaySandbox

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KIOSK = [str(Path(sys.executable).parent / "kiosk")]


def kiosk(*args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, **(env or {})})


def test_simulate_mixed_sessions_prints_the_contract_summary(tmp_path):
    receipts = tmp_path / "receipts"
    proc = kiosk("simulate", "--sessions", "3", "--payment", "mixed", "--state-dir",
                 str(tmp_path / "state"), "--receipts-dir", str(receipts), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("sessions", "paid", "confirmed", "pending", "vouchers", "credits_total"):
        assert key in summary
    assert summary["sessions"] == 3 and summary["paid"] == 3 and summary["confirmed"] == 3
    assert summary["pending"] == 0 and summary["vouchers"] == 0
    # MDS02 150.00 + IGP01 150.00 with its 3.50 fee + ASP01 150.00
    assert summary["credits_total"] == "453.50"
    assert len(list(receipts.glob("*.bin"))) == 3 and len(list(receipts.glob("*.png"))) == 3
    export = json.loads(kiosk("ledger", "export", "--state-dir", str(tmp_path / "state"),
                              "--json").stdout)
    assert {c["source"] for c in export["credits"]} == {"bill", "coin", "card"}


def test_simulate_against_an_endpoint_that_is_down_leaves_payments_pending(tmp_path):
    sandbox = MpaySandbox("127.0.0.1", 0, tmp_path / "sandbox").start()
    try:
        orders = tmp_path / "orders.json"
        orders.write_text(json.dumps([{"service_id": "GRD01", "order_key": "SIM-GRD01-77"}]))
        # look-ups work, confirmations get HTTP 503 (a partial outage)
        sandbox.set_confirmations_down(True)
        proc = kiosk("simulate", "--sessions", "1", "--payment", "card", "--orders", str(orders),
                     "--endpoint", sandbox.url, "--state-dir", str(tmp_path / "state"),
                     "--drain-timeout", "2", "--json")
        out, err = proc.stdout, proc.stderr
        assert proc.returncode == 4, out + err
        summary = json.loads(out.strip().splitlines()[-1])
        assert summary["paid"] == 1 and summary["pending"] == 1 and summary["confirmed"] == 0
        assert sandbox.confirmations() == []
        assert sandbox.stats().get("ConfirmOrderPayment", 0) >= 1  # it was tried
        # MPay is back: the operator drains the queue against that endpoint
        sandbox.set_confirmations_down(False)
        # no --config and none installed: the embedded demo configuration (its certificates)
        drained = kiosk("outbox", "drain", "--timeout", "30", "--endpoint", sandbox.url,
                        "--state-dir", str(tmp_path / "state"), "--json",
                        env={"KIOSK_CONFIG": ""})
        assert drained.returncode == 0, drained.stdout + drained.stderr
        assert [c.order_key for c in sandbox.confirmations()] == ["SIM-GRD01-77"]
    finally:
        sandbox.stop()


def test_simulate_with_an_unknown_order_reports_it_and_exits_3(tmp_path):
    orders = tmp_path / "orders.json"
    orders.write_text(json.dumps([{"service_id": "MDS02", "order_key": "UNKNOWN-ORDER-1"}]))
    proc = kiosk("simulate", "--sessions", "1", "--orders", str(orders), "--state-dir",
                 str(tmp_path / "state"), "--json")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["paid"] == 0 and summary["credits_total"] == "0.00"


@pytest.mark.parametrize("content", ["{not json", "[]", '[{"service_id": 5}]'])
def test_simulate_refuses_a_bad_orders_file(tmp_path, content):
    orders = tmp_path / "orders.json"
    orders.write_text(content)
    proc = kiosk("simulate", "--sessions", "1", "--orders", str(orders), "--json")
    assert proc.returncode == 2
    assert "orders" in proc.stdout + proc.stderr


def test_demo_headless_serves_then_stops_cleanly_on_sigterm(tmp_path):
    with subprocess.Popen([*KIOSK, "demo", "--headless", "--state-dir", str(tmp_path / "demo")],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as proc:
        _serve_and_stop(proc)


def _serve_and_stop(proc: subprocess.Popen) -> None:
    try:
        banner = []
        assert proc.stdout is not None
        for line in proc.stdout:
            banner.append(line)
            if line.strip().startswith("state"):
                break
        text = "".join(banner)
        assert "MPay sandbox      http://127.0.0.1:" in text
        endpoint = text.split("MPay sandbox")[1].split()[0]
        # the served terminal's MPay answers other commands too
        order = kiosk("order", "MDS02", "MDS02250710092629689", "--endpoint", endpoint,
                      "--config", str(ROOT / "config" / "demo.toml"), "--json")
        assert order.returncode == 0, order.stdout + order.stderr
        assert json.loads(order.stdout)[0]["order_key"] == "MDS02250710092629689"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_headless_with_a_production_config_recovers_and_stops(tmp_path):
    """`kiosk run` with a config file naming real ports (here pseudo-terminals)."""
    from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming

    sandbox = MpaySandbox("127.0.0.1", 0, tmp_path / "sandbox").start()
    bill = BillValidatorEmulator(timing=EmulatorTiming.fast()).start()
    try:
        demo = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
        demo = demo.replace('endpoint = "http://127.0.0.1:8088/ServiceProvider"',
                            f'endpoint = "{sandbox.url}"')
        head, _, rest = demo.partition("[devices.bill_validator]")
        _, _, tail = rest.partition("[printer]")
        config = (head + f'[devices.bill_validator]\nprotocol = "ccnet"\nport = "{bill.port}"\n\n'
                  + "[printer]" + tail)
        config = config.replace('receipts_dir = "../state/demo/receipts"',
                                f'receipts_dir = "{tmp_path / "receipts"}"')
        path = tmp_path / "kiosk.toml"
        # the certificates are package resources (pkg:), so the file can live anywhere
        path.write_text(config, encoding="utf-8")
        check = kiosk("config", "check", str(path))
        assert check.returncode == 0, check.stdout + check.stderr
        sock_path = tmp_path / "notify.sock"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(str(sock_path))
            proc = kiosk("run", "--config", str(path), "--headless", "--state-dir",
                         str(tmp_path / "state"), "--seconds", "3",
                         env={"NOTIFY_SOCKET": str(sock_path), "WATCHDOG_USEC": "1000000"})
            assert proc.returncode == 0, proc.stdout + proc.stderr
            sock.setblocking(False)
            notes = []
            while True:
                try:
                    notes.append(sock.recv(4096).decode())
                except BlockingIOError:
                    break
        assert notes[0] == "READY=1"
        assert notes.count("WATCHDOG=1") >= 3  # every 0.5 s while the session loop is alive
        assert notes[-1] == "STOPPING=1" or "STOPPING=1" in notes
        assert (tmp_path / "state" / "kiosk.sqlite").exists() or list((tmp_path / "state").iterdir())
        assert "IDENTIFICATION" in " ".join(map(str, bill.commands)) or bill.commands
    finally:
        bill.stop()
        sandbox.stop()


def test_run_with_a_broken_config_names_the_problem_and_exits_2(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[terminal]\nid = 5\n", encoding="utf-8")
    proc = kiosk("run", "--config", str(path), "--headless", "--seconds", "1")
    assert proc.returncode == 2
    assert "terminal.id" in proc.stdout + proc.stderr


def test_simulate_pays_every_demo_order_through_properties_and_amount_screens(tmp_path):
    """The sandbox's demo orders include required properties (IDNP), partial and advance
    payments and several lines: each one is paid in cash through the real runtime."""
    from kiosk.mpay.sandbox_data import DEMO_ORDERS

    orders = tmp_path / "orders.json"
    orders.write_text(json.dumps([{"service_id": s, "order_key": k} for s, k in DEMO_ORDERS]))
    proc = kiosk("simulate", "--sessions", str(len(DEMO_ORDERS)), "--orders", str(orders),
                 "--state-dir", str(tmp_path / "state"), "--json", timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["paid"] == summary["confirmed"] == len(DEMO_ORDERS)
    assert summary["failed"] == 0


def test_status_over_ssh_sees_the_running_kiosks_devices(tmp_path):
    """`kiosk status` beside a running kiosk reports the devices as its drivers see them, and
    opens no port itself."""
    state = tmp_path / "demo"
    with subprocess.Popen([*KIOSK, "demo", "--headless", "--state-dir", str(state)], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip().startswith("state"):
                    break
            facts: dict = {}
            for _ in range(60):  # the monitor writes its first status within seconds
                out = kiosk("status", "--state-dir", str(state), "--offline", "--json",
                            "--config", str(ROOT / "config" / "demo.toml"))
                facts = json.loads(out.stdout)
                devices = facts["devices"]
                if facts["runtime"]["running"] and all(
                        d["state"] == "connected" for d in devices.values()):
                    break
                time.sleep(0.5)
            assert facts["runtime"] == {**facts["runtime"], "running": True, "screen": "attract"}
            assert {n: d["state"] for n, d in facts["devices"].items()} == {
                "bill_validator": "connected", "coin_acceptor": "connected",
                "card_terminal": "connected"}
            assert facts["printer"]["can_print"] is True
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    # the kiosk is gone: the file is not believed any more
    out = kiosk("status", "--state-dir", str(state), "--offline", "--json",
                "--config", str(ROOT / "config" / "demo.toml"))
    assert json.loads(out.stdout)["runtime"] == {"running": False}
