"""`kiosk config check` exit codes and messages, through the real console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True,
                          text=True, input=stdin, timeout=60, cwd=REPO)


def test_misspelled_key_exits_2_naming_it(tmp_path: Path) -> None:
    p = tmp_path / "k.toml"
    p.write_text((REPO / "config" / "demo.toml").read_text(encoding="utf-8")
                 .replace("[timeouts]\nscreen_s", "[timeouts]\nscren_s"), encoding="utf-8")
    r = _kiosk("config", "check", str(p))
    assert r.returncode == 2
    assert f"{p}: timeouts.scren_s: unknown key (did you mean 'screen_s'?)" in r.stderr


def test_help_lists_subcommands() -> None:
    r = _kiosk("--help")
    assert r.returncode == 0
    for word in ("config", "emulate", "exit codes"):
        assert word in r.stdout


def test_hash_pin_from_stdin() -> None:
    r = _kiosk("config", "hash-pin", stdin="2468\n")
    assert r.returncode == 0 and r.stdout.startswith("pbkdf2_sha256$")
    bad = _kiosk("config", "hash-pin", stdin="12\n")
    assert bad.returncode == 2 and "4 to 12 digits" in bad.stderr


def test_no_command_is_usage_error() -> None:
    assert _kiosk().returncode == 2
