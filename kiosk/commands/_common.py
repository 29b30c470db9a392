"""Options and helpers shared by the subcommands: config file, state directory, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.config import Config, ConfigError, load_config, tool_config_path

__all__ = [
    "add_state_options",
    "load_config_for",
    "state_dir_for",
    "print_json",
    "report_config_error",
    "ensure_state_dir",
]


def add_state_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="F", type=Path,
                        help="configuration file (default: $KIOSK_CONFIG or /etc/kiosk/kiosk.toml)")
    parser.add_argument("--state-dir", metavar="D", type=Path,
                        help="state directory (default: the configuration's [state] dir)")


def load_config_for(args: argparse.Namespace) -> Config:
    """The configuration named by --config, else the installed one, else (none installed) the
    embedded demo configuration (see ``kiosk.config.tool_config_path``). Raises ConfigError."""
    return load_config(getattr(args, "config", None) or tool_config_path())


def state_dir_for(args: argparse.Namespace) -> Path:
    """--state-dir if given, else the configured state dir. Raises ConfigError if neither works."""
    explicit = getattr(args, "state_dir", None)
    if explicit is not None:
        return Path(explicit)
    return load_config_for(args).state_dir


def ensure_state_dir(path: Path) -> Path:
    """Create the state directory (mode 0700) if missing; tighten a group/world-readable one."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077 and os.access(path, os.W_OK):
        try:
            path.chmod(mode & 0o700)
        except PermissionError:
            pass
    return path


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")
    sys.stdout.flush()


def report_config_error(exc: ConfigError) -> None:
    for problem in exc.problems:
        print(f"config error: {problem}", file=sys.stderr)
