"""The typed config loader: every problem named with file, key and reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.config import ConfigError, FeeRule, hash_pin, load_config, verify_pin

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo.toml"
EXAMPLE = REPO / "config" / "kiosk.example.toml"

needs_certs = pytest.mark.skipif(
    not (REPO / "kiosk" / "mpay" / "demo_certs" / "terminal.crt").exists(),
    reason="demo certificates not built yet",
)


def _copy(tmp_path: Path, text_edit=None) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    if text_edit:
        text = text_edit(text)
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    # relative paths in demo.toml point at ../state: keep them inside tmp_path
    return p


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return [str(p) for p in info.value.problems]


@needs_certs
@pytest.mark.parametrize("path", [DEMO, EXAMPLE], ids=["demo", "example"])
def test_shipped_configs_are_valid(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.terminal.id
    assert len({s.service_id for s in cfg.services}) == len(cfg.services) >= 6 or path == EXAMPLE
    assert cfg.mpay.sign_cert.is_file()


@needs_certs
def test_misspelled_key_is_named_with_a_hint(tmp_path: Path) -> None:
    p = _copy(tmp_path, lambda t: t.replace("support_phone =", "suport_phone =", 1))
    problems = _problems(p)
    assert any("terminal.suport_phone: unknown key (did you mean 'support_phone'?)" in x
               for x in problems), problems
    assert any("terminal.support_phone: missing required key" in x for x in problems)
    assert all(x.startswith(str(p)) for x in problems)


@needs_certs
def test_wrong_type_bad_url_and_duplicate_service(tmp_path: Path) -> None:
    def edit(t: str) -> str:
        t = t.replace('timeout_s = 10', 'timeout_s = "ten"')
        t = t.replace('endpoint = "http://127.0.0.1:8088/ServiceProvider"', 'endpoint = "ftp://x"')
        return t.replace('service_id = "IGP01"', 'service_id = "MDS02"')

    problems = "\n".join(_problems(_copy(tmp_path, edit)))
    assert "mpay.timeout_s: must be number, got text" in problems
    assert "mpay.endpoint: not an http(s) URL: 'ftp://x'" in problems
    assert "services[1].service_id: duplicate ServiceID 'MDS02' (also services[0])" in problems


def test_missing_certificate_file_is_named(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8").replace(
        "pkg:kiosk.mpay/demo_certs/terminal.key", str(tmp_path / "nope.key"))
    p = tmp_path / "k.toml"
    p.write_text(text, encoding="utf-8")
    problems = "\n".join(_problems(p))
    assert f"mpay.sign_key: file not found: {tmp_path / 'nope.key'}" in problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is = = not toml", "TOML syntax error"),
        ("", "terminal: missing section"),
        ("[terminall]\nid='x'\n", "terminall: unknown section (did you mean 'terminal'?)"),
    ],
)
def test_broken_files(tmp_path: Path, text: str, expected: str) -> None:
    p = tmp_path / "k.toml"
    p.write_text(text, encoding="utf-8")
    assert any(expected in x for x in _problems(p))


def test_missing_file(tmp_path: Path) -> None:
    assert _problems(tmp_path / "absent.toml") == [f"{tmp_path / 'absent.toml'}: file not found"]


def test_fee_rule_rounds_and_clamps() -> None:
    rule = FeeRule(fixed=200, percent=__import__("decimal").Decimal("1"), max=700)
    assert rule.fee_for(10_000) == 300  # 2.00 + 1% of 100.00
    assert rule.fee_for(10_000_000) == 700  # capped at 7.00
    assert FeeRule().fee_for(10_000) == 0


def test_pin_hash_round_trip() -> None:
    encoded = hash_pin("4321", iterations=1000)
    assert re.match(r"^pbkdf2_sha256\$1000\$[0-9a-f]{32}\$[0-9a-f]{64}$", encoded)
    assert verify_pin("4321", encoded)
    assert not verify_pin("4322", encoded)
    assert not verify_pin("4321", "garbage")


def test_copy_of_repo_config_dir_is_self_contained(tmp_path: Path) -> None:
    # the example documents every section the loader knows
    text = EXAMPLE.read_text(encoding="utf-8")
    for section in ("[terminal]", "[ui]", "[mpay]", "[[services]]", "[devices.bill_validator]",
                    "[devices.coin_acceptor]", "[devices.card_terminal]", "[printer]", "[outbox]",
                    "[timeouts]", "[service_mode]", "[state]", "[logging]"):
        assert section in text
    shutil.copy(EXAMPLE, tmp_path / "x.toml")
