"""How to reach MPay: endpoint, certificates, verification and limits (from ``[mpay]`` in TOML)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["MpaySettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MpaySettings:
    endpoint: str
    sign_cert: Path
    sign_key: Path
    mpay_cert: Path | None = None
    verify_replies: bool = True
    tls_client_cert: Path | None = None
    tls_client_key: Path | None = None
    tls_ca: Path | None = None
    timeout_s: float = 15.0
    clock_skew_s: int = 300
    max_reply_bytes: int = 2_000_000
