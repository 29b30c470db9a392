"""`kiosk receipt status|test` against the virtual printer and the printer emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers.escpos.emulator import PrinterEmulator
from kiosk.cli import main
from kiosk.config import demo_config_path
from kiosk.receipts.interpreter import interpret
from kiosk.receipts.profiles import make_profile


def config_file(tmp_path: Path, printer: str) -> Path:
    text = demo_config_path().read_text(encoding="utf-8")
    start = text.index("[printer]")
    end = text.index("\n[", start + 1)
    path = tmp_path / "kiosk.toml"
    path.write_text(text[:start] + printer + text[end:], encoding="utf-8")
    return path


def test_test_ticket_on_the_virtual_printer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = tmp_path / "receipts"
    cfg = config_file(
        tmp_path,
        f'[printer]\nconnection = "virtual"\nreceipts_dir = "{receipts}"\n'
        'profile = "POS-5890"\npaper_width_mm = 58\ncodepage_ro = "CP1250"\n'
        'codepage_ru = "CP1251"\n',
    )
    assert main(["receipt", "test", "--config", str(cfg), "--lang", "ru", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "printed"
    data = (receipts / "1-test-ticket.bin").read_bytes()
    doc = interpret(data, make_profile("POS-5890", 58, codepage_ro="CP1250", codepage_ru="CP1251"))
    assert doc.problems == []
    assert "CP1251 (ESC t 73):" in doc.text and "CP1250 (ESC t 72):" in doc.text
    assert "ĂÂÎŞŢ ăâîşţ" in doc.text and "ЭЮЯ абвгдеёжзийклмнопрстуфхцчш" in doc.text
    assert (receipts / "1-test-ticket.png").stat().st_size > 1000

    assert main(["receipt", "status", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out == "printer: online\n"


@pytest.mark.slow
def test_status_of_a_serial_printer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with PrinterEmulator() as emulator:
        cfg = config_file(tmp_path, f'[printer]\nconnection = "serial"\nport = "{emulator.port}"\n')
        emulator.set_paper(out=True)
        assert main(["receipt", "status", "--config", str(cfg), "--json"]) == 5
        assert json.loads(capsys.readouterr().out)["state"] == "paper_out"
        emulator.set_paper(out=False)
        assert main(["receipt", "test", "--config", str(cfg)]) == 0
        assert "test ticket: printed" in capsys.readouterr().out
        assert len(emulator.jobs) == 1


def test_bad_printer_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, '[printer]\nconnection = "virtual"\nprofile = "NoSuchPrinter"\n')
    assert main(["receipt", "status", "--config", str(cfg)]) == 2
    assert "unknown printer profile 'NoSuchPrinter'" in capsys.readouterr().err
    cfg = config_file(tmp_path, '[printer]\nconnection = "serial"\nport = "/dev/nonexistent-tty"\n')
    assert main(["receipt", "status", "--config", str(cfg)]) == 5
    assert "/dev/nonexistent-tty" in capsys.readouterr().err
