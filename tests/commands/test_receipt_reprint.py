"""`kiosk receipt reprint`: a real journal, the virtual printer's files read back with the code
page, and the printer emulator on a pseudo-terminal running out of paper."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from drivers.escpos.emulator import PrinterEmulator
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.ledger import Ledger
from kiosk.receipts.from_ledger import payment_receipt_for, voucher_receipt_for
from kiosk.receipts.model import receipt_to_dict
from kiosk.receipts.profiles import PrinterProfile, make_profile
from tests.receipts.journal import config_file, decode_text, order_intent, pay

VIRTUAL = '[printer]\nconnection = "virtual"\nprofile = "TM-T20II"\npaper_width_mm = 80\n'
PROFILE = make_profile("TM-T20II", 80)  # the demo configuration's code pages: CP852, CP866


def reprint(
    capsys: pytest.CaptureFixture[str], cfg: Path, state: Path, *args: str
) -> tuple[int, dict[str, Any]]:
    code = main(
        ["receipt", "reprint", *args, "--config", str(cfg), "--state-dir", str(state),
         "--receipts-dir", str(state.parent / "receipts"), "--json"]
    )
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def printed_text(files: list[str], profile: PrinterProfile = PROFILE) -> str:
    [bin_file] = [f for f in files if f.endswith(".bin")]
    assert Path(bin_file.removesuffix(".bin") + ".png").stat().st_size > 1000
    return " ".join(decode_text(Path(bin_file).read_bytes(), profile).split())


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return config_file(tmp_path, VIRTUAL)


def test_reprint_built_from_the_ledger(
    tmp_path: Path, cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    paid = pay(state, intent=order_intent("ro"))
    code, out = reprint(capsys, cfg, state, paid.payment_id)
    assert code == 0
    assert (out["printed"], out["key"], out["kind"], out["lang"]) == (
        True,
        paid.payment_id,
        "payment",
        "ro",
    )
    text = printed_text(out["files"])
    assert "COPIE" in text and "Retipărire a bonului original" in text
    assert paid.payment_id in text
    assert "Plata pentru arenda terenului fondului forestier" in text  # the order's Reason
    assert "PLATĂ ACCEPTATĂ, CONFIRMARE ÎN AŞTEPTARE" in text
    with Ledger.open(state) as ledger:
        [audit] = [a for a in ledger.audit_log() if a.action == "receipt.reprint"]
    assert audit.detail == {"key": paid.payment_id, "kind": "payment", "outcome": "printed"}


def test_reprint_of_the_stored_receipt(
    tmp_path: Path, cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    paid = pay(state, intent=order_intent("ru"))
    with Ledger.open(state) as ledger:
        built = payment_receipt_for(ledger, load_config(cfg), paid.payment_id)
        stored = dataclasses.replace(built, number="ORIG-000042")
        ledger.store_receipt(paid.payment_id, "payment", receipt_to_dict(stored))
    code, out = reprint(capsys, cfg, state, paid.payment_id)
    assert code == 0 and out["printed"] is True and out["lang"] == "ru"
    text = printed_text(out["files"])
    assert "КОПИЯ" in text and "ORIG-000042" in text and paid.payment_id in text
    # in English on request: labels change, what was printed stays
    code, out = reprint(capsys, cfg, state, paid.payment_id, "--lang", "en")
    text = printed_text(out["files"])
    assert "DUPLICATE" in text and "ORIG-000042" in text and "Payment ID" in text


def test_unknown_id_and_bad_usage(
    tmp_path: Path, cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    pay(state, intent=None)
    code, out = reprint(capsys, cfg, state, "KIOSK-001-NOSUCH-000001")
    assert code == 3
    assert out == {"printed": False, "key": "KIOSK-001-NOSUCH-000001", "kind": None, "files": [],
                   "error": "not_found"}
    assert not (state.parent / "receipts").exists()  # nothing was sent to the printer
    assert reprint(capsys, cfg, state, "--last")[0] == 3  # nothing stored yet
    assert main(["receipt", "reprint", "--config", str(cfg), "--state-dir", str(state)]) == 2
    assert main(["receipt", "reprint", "X", "--last", "--config", str(cfg)]) == 2


def test_last_and_voucher_codes(
    tmp_path: Path, cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    config = load_config(cfg)
    first = pay(state, intent=order_intent("ro"))
    second = pay(state, intent=order_intent("en"))
    assert second.voucher_code is not None
    with Ledger.open(state) as ledger:
        receipt = payment_receipt_for(ledger, config, first.payment_id)
        ledger.store_receipt(first.payment_id, "payment", receipt_to_dict(receipt))
        voucher = voucher_receipt_for(ledger, config, second.voucher_code)
        ledger.store_receipt(voucher.voucher.code, "voucher", receipt_to_dict(voucher))
    code, out = reprint(capsys, cfg, state, "--last")
    assert code == 0 and (out["key"], out["kind"]) == (voucher.voucher.code, "voucher")
    text = printed_text(out["files"])
    assert "DUPLICATE" in text and voucher.voucher.code in text and second.payment_id in text

    # the change voucher of the first payment was never stored: built from the journal
    assert first.voucher_code is not None
    code, out = reprint(capsys, cfg, state, first.voucher_code.lower())
    assert code == 0 and out["kind"] == "voucher"
    assert "COPIE" in printed_text(out["files"]) and "BON DE CREDIT" in printed_text(out["files"])


@pytest.mark.slow
def test_paper_out_is_exit_5_and_a_reprint_after_refill_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    paid = pay(state, intent=order_intent("ru"))
    with PrinterEmulator() as emulator:
        cfg = config_file(tmp_path, f'[printer]\nconnection = "serial"\nport = "{emulator.port}"\n')
        emulator.set_paper(out=True)
        code, out = reprint(capsys, cfg, state, paid.payment_id)
        assert code == 5
        assert (out["printed"], out["outcome"], out["printer"]) == (False, "not_ready", "paper_out")

        emulator.set_paper(out=False)
        emulator.run_out_of_paper_after(600)  # the roll ends part way through the job
        code, out = reprint(capsys, cfg, state, paid.payment_id)
        assert code == 5 and out["outcome"] == "interrupted" and out["printer"] == "paper_out"

        emulator.set_paper(out=False)
        code, out = reprint(capsys, cfg, state, paid.payment_id)
        assert code == 0 and out["printed"] is True and out["files"] == []
        text = " ".join(decode_text(emulator.jobs[-1], PROFILE).split())
    assert "КОПИЯ" in text and paid.payment_id in text and "Назначение платежа" in text
