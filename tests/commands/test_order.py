"""`kiosk order`: JSON keys, amounts as strings, exit codes, config and overrides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import exitcodes
from kiosk.cli import main
from kiosk.mpay.sandbox import MpaySandbox, demo_cert

ORDER_KEYS = {
    "service_id",
    "order_key",
    "status",
    "reason",
    "total_amount_due",
    "currency",
    "allow_partial",
    "allow_advance",
    "customer_type",
    "customer_id",
    "customer_name",
    "issued_at",
    "due_date",
    "payable",
    "lines",
    "properties",
}
LINE_KEYS = {"line_id", "reason", "amount_due", "destination_account", "properties"}
ACCOUNT_KEYS = {
    "bank_code",
    "bank_account",
    "bank_fiscal_code",
    "beneficiary_name",
    "configuration_code",
}
PROPERTY_KEYS = {"name", "display_name", "value", "type", "required", "modifiable", "visible"}


@pytest.fixture
def sandbox() -> Iterator[MpaySandbox]:
    with MpaySandbox() as sb:
        yield sb


def certs() -> list[str]:
    return [
        "--sign-cert",
        str(demo_cert("terminal.crt")),
        "--sign-key",
        str(demo_cert("terminal.key")),
        "--mpay-cert",
        str(demo_cert("mpay.crt")),
    ]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["order", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_payable_order_json(sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "MDS02", "MDS02250710092629689", "--endpoint", sandbox.url, *certs(), "--json"
    )
    assert code == exitcodes.OK
    [order] = json.loads(out)
    assert set(order) == ORDER_KEYS
    assert order["payable"] is True
    assert order["total_amount_due"] == "9267.00"
    assert order["issued_at"] == "2025-07-10T09:26:29.463000+03:00"
    assert order["due_date"] is None
    [line] = order["lines"]
    assert set(line) == LINE_KEYS and line["amount_due"] == "9267.00"
    assert set(line["destination_account"]) == ACCOUNT_KEYS
    assert line["destination_account"]["bank_fiscal_code"] == "1006601000255"
    assert all(set(p) == PROPERTY_KEYS for p in order["properties"] + line["properties"])
    assert "Agenția" in order["reason"]  # UTF-8, not escaped


def test_language_option(sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "IGP01",
        "IGP2025000123",
        "--lang",
        "ru",
        "--endpoint",
        sandbox.url,
        *certs(),
        "--json",
    )
    assert code == 0 and json.loads(out)[0]["reason"].startswith("Штраф")


@pytest.mark.parametrize(
    ("service", "key", "printed"),
    [
        ("MDS02", "NO-SUCH", 0),
        ("IGP01", "IGP2025000124", 1),
        ("IGP01", "IGP2025000126", 1),
        ("IGP01", "FAULT-UNKNOWNORDER", 0),
        ("NOPE1", "x", 0),
    ],
)
def test_not_found_or_not_payable_exit_3(
    sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str], service: str, key: str, printed: int
) -> None:
    code, out, err = run(capsys, service, key, "--endpoint", sandbox.url, *certs(), "--json")
    assert code == exitcodes.NOT_PAYABLE
    orders = json.loads(out)
    assert len(orders) == printed and not any(o["payable"] for o in orders)
    assert err  # says why


def test_unknown_amount_is_null(sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "GRD01", "GRD125-0042", "--endpoint", sandbox.url, *certs(), "--json"
    )
    [order] = json.loads(out)
    assert (
        code == 0 and order["total_amount_due"] is None and order["lines"][0]["amount_due"] is None
    )


@pytest.mark.parametrize("key", ["FAULT-500", "FAULT-BADSIG", "FAULT-INTERNAL"])
def test_remote_errors_exit_4(
    sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    code, out, err = run(capsys, "IGP01", key, "--endpoint", sandbox.url, *certs(), "--json")
    assert code == exitcodes.REMOTE and out == "" and err


def test_unreachable_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.mpay.rawserver import closed_port

    code, _, err = run(
        capsys,
        "IGP01",
        "K",
        "--endpoint",
        f"http://127.0.0.1:{closed_port()}/x",
        *certs(),
        "--json",
    )
    assert code == exitcodes.REMOTE and "MpayConnectionError" in err


def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "absent.toml"))
    code, _, err = run(capsys, "IGP01", "K", "--endpoint", "http://127.0.0.1:1/x", "--json")
    assert code == exitcodes.USAGE and "--sign-cert" in err
    code, _, err = run(
        capsys,
        "IGP01",
        "K",
        "--endpoint",
        "http://127.0.0.1:1/x",
        "--sign-cert",
        str(demo_cert("terminal.crt")),
        "--json",
    )
    assert code == exitcodes.USAGE and "go together" in err
    code, _, err = run(
        capsys,
        "IGP01",
        "K",
        "--endpoint",
        "http://127.0.0.1:1/x",
        "--sign-cert",
        str(tmp_path / "none.crt"),
        "--sign-key",
        str(tmp_path / "none.key"),
        "--no-verify-replies",
        "--json",
    )
    assert code == exitcodes.USAGE and "cannot read" in err


def test_no_verify_replies_is_loud(
    sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.set_bad_signatures(True)
    code, out, _ = run(
        capsys,
        "IGP01",
        "IGP2025000123",
        "--endpoint",
        sandbox.url,
        "--sign-cert",
        str(demo_cert("terminal.crt")),
        "--sign-key",
        str(demo_cert("terminal.key")),
        "--no-verify-replies",
        "--json",
    )
    assert code == 0 and json.loads(out)[0]["payable"]
    assert any(r.levelname == "WARNING" and "NOT" in r.getMessage() for r in caplog.records)


def test_config_file_with_overrides(
    sandbox: MpaySandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.config import demo_config_path

    text = demo_config_path().read_text("utf-8")
    (tmp_path / "kiosk.toml").write_text(
        text.replace("http://127.0.0.1:8088/ServiceProvider", sandbox.url), "utf-8"
    )
    code, out, _ = run(
        capsys, "APA01", "APA-100234", "--config", str(tmp_path / "kiosk.toml"), "--json"
    )
    assert code == 0 and json.loads(out)[0]["allow_partial"] is True
    # an --endpoint override wins over the file
    (tmp_path / "other.toml").write_text(text, "utf-8")
    code, out, _ = run(
        capsys,
        "APA01",
        "APA-100234",
        "--config",
        str(tmp_path / "other.toml"),
        "--endpoint",
        sandbox.url,
        "--json",
    )
    assert code == 0


def test_text_output(sandbox: MpaySandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ASP01", "ASP2025100001", "--endpoint", sandbox.url, *certs())
    assert code == 0 and "ASP2025100001: Active, payable" in out and "line TAXA-1" in out
