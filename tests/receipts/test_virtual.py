"""The virtual printer: .bin and .png per job, paper out, numbering, open_printer."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from drivers.errors import LinkError
from kiosk.receipts.interpreter import interpret
from kiosk.receipts.printer import PrinterState, PrintOutcome, open_printer
from kiosk.receipts.profiles import make_profile
from kiosk.receipts.render import render
from kiosk.receipts.virtual import VirtualPrinter
from tests.receipts import samples


@pytest.mark.parametrize(("profile_name", "width"), [("TM-T20II", 80), ("POS-5890", 58)])
def test_writes_bin_and_plausible_png(tmp_path: Path, profile_name: str, width: int) -> None:
    profile = make_profile(profile_name, width)
    printer = VirtualPrinter(tmp_path / "receipts", profile=profile)
    assert printer.status().state is PrinterState.ONLINE
    job = render(samples.payment("ro"), profile)
    result = printer.print_job(job, name="payment KIOSK/001")
    assert result.ok and result.completion_confirmed
    bin_path, png_path = (Path(f) for f in result.files)
    assert bin_path.name == "1-payment-KIOSK-001.bin"
    assert bin_path.read_bytes() == job
    assert png_path == bin_path.with_suffix(".png")
    with Image.open(png_path) as image:
        assert image.width == profile.width_px + 32
        lines = len(interpret(job, profile).lines)
        assert lines * 30 < image.height < lines * 30 + 1200  # text lines + QR + feeds
        # ink on the paper, not a blank page: at least 3 % of the pixels are black
        dark = sum(image.convert("L").histogram()[:128])
        assert dark > 0.03 * image.width * image.height


def test_paper_out_refuses_and_numbering_continues(tmp_path: Path) -> None:
    printer = VirtualPrinter(tmp_path, paper=False)
    status = printer.status()
    assert status.state is PrinterState.PAPER_OUT and status.to_dict()["raw"]["paper"] == "0x72"
    result = printer.print_job(b"\x1b@x\n", name="r")
    assert result.outcome is PrintOutcome.NOT_READY and list(tmp_path.iterdir()) == []
    printer.set_paper(True, near_end=True)
    assert printer.status().state is PrinterState.PAPER_NEAR_END
    assert printer.print_job(b"\x1b@x\n", name="r").ok
    printer.set_cover(open_=True)
    assert printer.status().state is PrinterState.COVER_OPEN
    # a new printer on the same folder (kiosk restarted) continues the numbering
    again = VirtualPrinter(tmp_path, png=False)
    assert Path(again.print_job(b"\x1b@y\n", name="r").files[0]).name == "2-r.bin"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1-r.bin", "1-r.png", "2-r.bin"]


def test_open_printer_from_config(tmp_path: Path) -> None:
    base = dict(
        port=None,
        host=None,
        tcp_port=9100,
        baud=19200,
        usb_vendor=None,
        usb_product=None,
        profile="POS-5890",
        paper_width_mm=58,
        codepage_ro="CP1250",
        codepage_ru="CP1251",
        receipts_dir=tmp_path,
        mask_payer=True,
    )
    virtual = open_printer(SimpleNamespace(connection="virtual", **base))
    assert isinstance(virtual, VirtualPrinter)
    assert virtual.profile.slot("CP1251") == 73
    with pytest.raises(LinkError, match="pyusb"):
        open_printer(
            SimpleNamespace(
                **{**base, "connection": "usb", "usb_vendor": 1208, "usb_product": 3605}
            )
        )
    with pytest.raises(LinkError):
        open_printer(
            SimpleNamespace(
                **{**base, "connection": "serial", "port": str(tmp_path / "no-such-port")}
            )
        )
    with pytest.raises(LinkError):
        open_printer(
            SimpleNamespace(**{**base, "connection": "network", "host": "127.0.0.1", "tcp_port": 9})
        )


def test_print_receipt_names_the_job(tmp_path: Path) -> None:
    from kiosk.receipts.printer import print_receipt

    printer = VirtualPrinter(tmp_path, png=False)
    result = print_receipt(printer, samples.voucher("ru"), printer.profile)
    assert result.ok and Path(result.files[0]).name == "1-voucher-000124.bin"
