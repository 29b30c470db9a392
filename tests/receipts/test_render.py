"""Whole receipts rendered to ESC/POS and read back by the interpreter: golden bytes per language
and printer, every Romanian and Russian letter surviving, no '?' anywhere.

Regenerate the golden files after an intended layout change with
``KIOSK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/receipts/test_render.py`` and review the PNGs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.receipts.encoding import fold
from kiosk.receipts.interpreter import Document, interpret
from kiosk.receipts.layout import Line
from kiosk.receipts.model import Receipt
from kiosk.receipts.profiles import PrinterProfile, make_profile
from kiosk.receipts.raster import qr_image, raster_command, text_image
from kiosk.receipts.render import QR_MODULE_RASTER, RenderStats, render, render_blocks
from kiosk.receipts.verification import payment_qr, voucher_qr
from tests.receipts import samples

GOLDEN = Path(__file__).parent / "golden"
PROFILES = {
    "tm-t20ii-80": ("TM-T20II", 80),
    "pos-5890-58": ("POS-5890", 58),
}
LANGS = ("ro", "ru", "en")


def profile_for(key: str) -> PrinterProfile:
    name, width = PROFILES[key]
    return make_profile(name, width)


def collapse(text: str) -> str:
    return " ".join(text.split())


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / f"{name}.bin"
    if os.environ.get("KIOSK_UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"golden file {path.name} missing: run with KIOSK_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name}: bytes differ from the golden file"


def decoded(receipt: Receipt, profile: PrinterProfile) -> tuple[bytes, Document]:
    data = render(receipt, profile)
    doc = interpret(data, profile)
    assert doc.problems == []
    return data, doc


@pytest.mark.parametrize("profile_key", sorted(PROFILES))
@pytest.mark.parametrize("lang", LANGS)
def test_payment_receipt_golden_and_readable(lang: str, profile_key: str) -> None:
    profile = profile_for(profile_key)
    receipt = samples.payment(lang)
    data, doc = decoded(receipt, profile)
    check_golden(f"payment-{lang}-{profile_key}", data)

    text = doc.text
    flat = collapse(text)
    assert "?" not in text
    assert collapse(fold(samples.REASON)) in flat  # long, wrapped, with its own line break
    for word in samples.WORDS[lang]:
        assert word in flat
    for phrase in (
        fold(samples.ISSUER.operator_name),
        fold(samples.ISSUER.terminal_address),
        'Agenţia "Moldsilva"',
        "MD77TRGAAA14153401000000",
        "1006601000255",
        "KIOSK-001-20261122-000123",
        "00069002233014",
        "MDS02250710092629689",
        "Ş********* Ţ******",  # payer name masked
        "*********8426",
        "K7Q2-9XMP",
        samples.SETTINGS.issuer.support_phone,
        receipt.verification,
    ):
        assert phrase in flat, phrase
    for letter in "ăâîşţĂÂÎŞŢ":
        assert letter in text, letter
    assert "ș" not in text and "ț" not in text  # comma-below exists in no printer code page
    if lang == "ru":
        assert "ПЛАТЁЖ ПРИНЯТ, ОЖИДАЕТ ПОДТВЕРЖДЕНИЯ" in flat
        assert "№ квитанции" in flat
    for line in doc.lines:
        assert line.cells <= profile.columns


@pytest.mark.parametrize("profile_key", sorted(PROFILES))
def test_code_page_slots_follow_the_profile(profile_key: str) -> None:
    profile = profile_for(profile_key)
    data = render(samples.payment("ru"), profile)
    cp852, cp866 = profile.slot("CP852"), profile.slot("CP866")
    assert (cp852, cp866) == {"tm-t20ii-80": (18, 17), "pos-5890-58": (54, 59)}[profile_key]
    assert b"\x1bt" + bytes((cp852,)) in data
    assert b"\x1bt" + bytes((cp866,)) in data
    doc = interpret(data, profile)
    assert doc.codepages == ["CP852", "CP866"]
    # a Russian label and a Romanian name on one line: the page changes inside the line
    [line] = [line for line in doc.lines if line.text.startswith("Получатель:")]
    assert line.text.endswith('Agenţia "Moldsilva"')
    assert [run.codepage for run in line.runs] == ["CP866", "CP852"]


def test_cp1250_and_cp1251_pages() -> None:
    profile = make_profile("TM-T20II", 80, codepage_ro="CP1250", codepage_ru="CP1251")
    data, doc = decoded(samples.payment("ru"), profile)
    assert doc.codepages == ["CP1250", "CP1251"]
    assert b"\x1bt\x2d" in data and b"\x1bt\x2e" in data  # slots 45 and 46
    assert "Назначение платежа" in doc.text
    assert collapse(fold(samples.REASON)) in collapse(doc.text)


def test_card_payment_prints_card_data_and_confirmed_state() -> None:
    profile = profile_for("tm-t20ii-80")
    receipt = samples.payment("ro", confirmed=True, card=True)
    data, doc = decoded(receipt, profile)
    check_golden("payment-card-ro-tm-t20ii-80", data)
    flat = collapse(doc.text)
    for phrase in (
        "PLATĂ CONFIRMATĂ",
        "************1234",
        "A1B2C3",
        "52000123",
        "632614000456",
        "PIN VERIFICAT / ПИН ПРОВЕРЕН",  # a card terminal line in two scripts: two pages
        "card bancar",
    ):
        assert phrase in flat, phrase
    assert "ACCEPTATĂ" not in flat


@pytest.mark.parametrize("profile_key", sorted(PROFILES))
def test_qr_code_carries_payment_id_and_verification(profile_key: str) -> None:
    profile = profile_for(profile_key)
    receipt = samples.payment("ro")
    data, doc = decoded(receipt, profile)
    expected = payment_qr(
        payment_id=receipt.payment_id,
        terminal_id="KIOSK-001",
        amount=receipt.amount_applied,
        issued_at=receipt.issued_at,
        code=receipt.verification,
    )
    if profile.native_qr:
        assert [q.data for q in doc.qr_codes] == [expected]
        assert doc.pictures == []
        assert len(doc.cuts) == 1
    else:  # POS-5890 has no QR engine: the code is sent as a picture
        assert doc.qr_codes == []
        [picture] = doc.pictures
        image = qr_image(expected, module=QR_MODULE_RASTER, width_px=profile.width_px)
        assert raster_command(image)[8:] == picture.bits
        assert doc.cuts == []  # no cutter on this printer: feed only


@pytest.mark.parametrize("profile_key", sorted(PROFILES))
@pytest.mark.parametrize("lang", LANGS)
def test_voucher_and_collection_receipts(lang: str, profile_key: str) -> None:
    profile = profile_for(profile_key)
    voucher = samples.voucher(lang)
    data, doc = decoded(voucher, profile)
    check_golden(f"voucher-{lang}-{profile_key}", data)
    flat = collapse(doc.text)
    assert "K7Q2-9XMP" in flat and "?" not in doc.text
    assert {"ro": "28,00 lei", "ru": "28,00 лей", "en": "28.00 MDL"}[lang] in flat
    assert {"ro": "22.05.2027", "ru": "22.05.2027", "en": "05/22/2027"}[lang] in flat
    qr_data = voucher_qr(
        voucher_code="K7Q2-9XMP",
        terminal_id="KIOSK-001",
        amount=2800,
        issued_at=voucher.issued_at,
        code=voucher.verification,
    )
    if profile.native_qr:
        assert [q.data for q in doc.qr_codes] == [qr_data]

    report = samples.collection(lang)
    data, doc = decoded(report, profile)
    check_golden(f"collection-{lang}-{profile_key}", data)
    flat = collapse(doc.text)
    assert "?" not in doc.text
    assert report.counted_total == report.expected_total == 776_450
    total = {"ro": "7 764,50 lei", "ru": "7 764,50 лей", "en": "7,764.50 MDL"}[lang]
    assert total in flat
    assert {"ro": "Fără diferenţe", "ru": "Расхождений нет", "en": "No difference"}[lang] in flat
    assert "Ion Ţurcan" in flat


def test_collection_shows_a_difference() -> None:
    from dataclasses import replace

    report = replace(samples.collection("ro"), expected_total=800_000)
    _, doc = decoded(report, profile_for("tm-t20ii-80"))
    assert "-235,50 lei" in collapse(doc.text)


def test_text_no_code_page_covers_is_printed_as_a_picture() -> None:
    profile = profile_for("tm-t20ii-80")
    stats = RenderStats()
    line = "Გამარჯობა ✓ Ω"
    data = render_blocks([Line("Plată"), Line(line), Line("Готово")], profile, "ro", stats=stats)
    doc = interpret(data, profile)
    assert doc.problems == []
    assert stats.raster_lines == [line]
    assert [text_line.text for text_line in doc.lines] == ["Plată", "Готово"]
    [picture] = doc.pictures
    assert picture.width == profile.width_px and picture.height == 24
    assert raster_command(text_image(line, width_px=profile.width_px))[8:] == picture.bits
    assert b"?" not in data.replace(picture.bits, b"")


def test_exact_comma_below_letters_can_be_printed_as_pictures() -> None:
    profile = make_profile("TM-T20II", 80, comma_below="raster")
    stats = RenderStats()
    lines = [Line("Chișinău"), Line("Bălţi (cedilla)"), Line("Ţară")]
    data = render_blocks(lines, profile, "ro", stats=stats)
    doc = interpret(data, profile)
    assert stats.raster_lines == ["Chișinău"]  # only the line with comma-below letters
    [picture] = doc.pictures
    assert raster_command(text_image("Chișinău", width_px=profile.width_px))[8:] == picture.bits
    assert [line.text for line in doc.lines] == ["Bălţi (cedilla)", "Ţară"]


def test_python_escpos_magic_encode_would_print_question_marks() -> None:
    """The trap this module exists for (stack.md 4): a canary if python-escpos changes."""
    from kiosk.receipts._escpos import escpos_printer

    dummy = escpos_printer().Dummy(profile="TM-T20II")
    dummy.text("ș")
    assert dummy.output.endswith(b"?")


def test_rendering_is_deterministic_and_fast() -> None:
    import time

    profile = profile_for("tm-t20ii-80")
    receipt = samples.payment("ru")
    start = time.perf_counter()
    first = render(receipt, profile)
    elapsed = time.perf_counter() - start
    assert render(receipt, profile) == first
    assert elapsed < 1.0
