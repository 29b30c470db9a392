"""The connection overrides every command that talks to MPay accepts (ARCHITECTURE.md):
``--endpoint URL``, ``--sign-cert FILE --sign-key FILE``, ``--mpay-cert FILE`` and
``--no-verify-replies`` (diagnostics only: logged loudly). A technician can try a new endpoint or
certificate before installing it."""

from __future__ import annotations

import argparse
import dataclasses
import logging
from pathlib import Path

from kiosk.mpay.settings import MpaySettings

__all__ = [
    "add_connection_options",
    "apply_connection_options",
    "settings_from_options",
    "has_connection_overrides",
]

log = logging.getLogger(__name__)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("MPay connection overrides")
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="the IServiceProvider SOAP endpoint (overrides [mpay] endpoint)",
    )
    group.add_argument(
        "--sign-cert",
        metavar="FILE",
        type=Path,
        help="the terminal's signing certificate, PEM (with --sign-key)",
    )
    group.add_argument(
        "--sign-key",
        metavar="FILE",
        type=Path,
        help="the terminal's private key, PEM (with --sign-cert)",
    )
    group.add_argument(
        "--mpay-cert",
        metavar="FILE",
        type=Path,
        help="the MPay certificate reply signatures must verify against, PEM",
    )
    group.add_argument(
        "--no-verify-replies",
        action="store_true",
        help="do not verify reply signatures (diagnostics only; never in production)",
    )


def _check_pair(args: argparse.Namespace) -> None:
    if (getattr(args, "sign_cert", None) is None) != (getattr(args, "sign_key", None) is None):
        raise ValueError("--sign-cert and --sign-key go together")


def has_connection_overrides(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, name, None)
        for name in ("endpoint", "sign_cert", "sign_key", "mpay_cert", "no_verify_replies")
    )


def apply_connection_options(settings: MpaySettings, args: argparse.Namespace) -> MpaySettings:
    """``settings`` with the command-line overrides applied. Raises ValueError on bad usage."""
    _check_pair(args)
    changes: dict[str, object] = {}
    if getattr(args, "endpoint", None):
        changes["endpoint"] = args.endpoint
    if getattr(args, "sign_cert", None) is not None:
        changes["sign_cert"] = args.sign_cert
        changes["sign_key"] = args.sign_key
    if getattr(args, "mpay_cert", None) is not None:
        changes["mpay_cert"] = args.mpay_cert
    if getattr(args, "no_verify_replies", False):
        changes["verify_replies"] = False
        log.warning(
            "--no-verify-replies: MPay REPLY SIGNATURES WILL NOT BE VERIFIED "
            "(diagnostics only, never in production)"
        )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def settings_from_options(args: argparse.Namespace) -> MpaySettings:
    """Settings from the overrides alone (no config file). Raises ValueError naming what is
    missing: --endpoint, --sign-cert/--sign-key, and --mpay-cert unless --no-verify-replies."""
    _check_pair(args)
    missing = []
    if not getattr(args, "endpoint", None):
        missing.append("--endpoint")
    if getattr(args, "sign_cert", None) is None:
        missing.append("--sign-cert/--sign-key")
    if getattr(args, "mpay_cert", None) is None and not getattr(args, "no_verify_replies", False):
        missing.append("--mpay-cert (or --no-verify-replies)")
    if missing:
        raise ValueError("without a configuration file, give " + ", ".join(missing))
    base = MpaySettings(
        endpoint=args.endpoint,
        sign_cert=args.sign_cert,
        sign_key=args.sign_key,
        mpay_cert=args.mpay_cert,
    )
    return apply_connection_options(base, args)
