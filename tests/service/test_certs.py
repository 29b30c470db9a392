"""Certificate subject and validity from PEM, without OpenSSL bindings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.mpay.sandbox import demo_cert
from kiosk.service.certs import CertificateError, parse_certificate, read_certificate

from .certgen import certificate, pem


def test_utc_and_generalized_times_and_a_utf8_subject(tmp_path: Path) -> None:
    path = tmp_path / "t.crt"
    path.write_bytes(b"junk before\n" + pem(certificate("Terminal ș", "491231235959Z", "20500101000000Z")))
    info = read_certificate(path)
    assert info.subject == "Terminal ș"
    assert info.not_before == datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert info.not_after == datetime(2050, 1, 1, tzinfo=UTC)
    assert info.days_left(datetime(2049, 12, 1, tzinfo=UTC)) == 31


def test_utc_time_before_1950_wraps_to_the_next_century() -> None:
    info = parse_certificate(certificate("x", "500101000000Z", "300101000000Z", version=False))
    assert info.not_before.year == 1950 and info.not_after.year == 2030


def test_the_shipped_demo_certificates() -> None:
    info = read_certificate(demo_cert("terminal.crt"))
    assert "DEMO-01" in info.subject and info.not_before < info.not_after


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        pem(b"\x30\x03\x02\x01\x01"),
        pem(certificate("x", "2001011200Z", "300101000000Z")),  # a UTCTime with no seconds
        pem(certificate("x", "991332000000Z", "300101000000Z")),  # month 13
        pem(certificate("x", "200101000000Z", "300101000000Z")[:-40]),  # cut short
    ],
)
def test_garbage_is_a_certificate_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.crt"
    path.write_bytes(data)
    with pytest.raises(CertificateError):
        read_certificate(path)


def test_a_missing_file_is_a_certificate_error(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="nope.crt"):
        read_certificate(tmp_path / "nope.crt")
