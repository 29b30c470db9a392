"""Typed, validated kiosk configuration loaded from TOML.

Every problem is reported with the file, the dotted key and what is wrong, all at once, so that a
technician fixes a file in one pass: ``ConfigError.problems`` is a list of ``ConfigProblem``.
Unknown keys are errors (a misspelled key must never be silently ignored). Relative paths are
resolved against the config file's folder; ``pkg:PACKAGE/PATH`` names a file shipped inside a
Python package (the demo certificates).

The schema is the ``_SCHEMA`` table below; ``config/kiosk.example.toml`` documents every key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.money import AmountError, parse_amount
from kiosk.mpay.settings import MpaySettings

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ConfigProblem",
    "ConfigError",
    "Config",
    "TerminalConfig",
    "UiConfig",
    "ServiceConfig",
    "FeeRule",
    "DeviceConfig",
    "DevicesConfig",
    "PrinterConfig",
    "OutboxConfig",
    "TimeoutsConfig",
    "ServiceModeConfig",
    "load_config",
    "default_config_path",
    "demo_config_path",
    "hash_pin",
    "verify_pin",
]

DEFAULT_CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")
LANGUAGES = ("ro", "ru", "en")


def default_config_path() -> Path:
    """``$KIOSK_CONFIG`` if set, else /etc/kiosk/kiosk.toml."""
    env = os.environ.get("KIOSK_CONFIG")
    return Path(env) if env else DEFAULT_CONFIG_PATH


def demo_config_path() -> Path:
    """The embedded default configuration: ``config/demo.toml`` of this checkout."""
    return Path(__file__).resolve().parent.parent / "config" / "demo.toml"


def tool_config_path() -> Path:
    """The configuration a tool command uses when none is named: the installed one
    (``default_config_path``), else, on a machine with none installed (a workstation, a test
    rig), the embedded demo configuration, said on stderr. ``kiosk run`` never falls back."""
    path = default_config_path()
    if path.exists() or os.environ.get("KIOSK_CONFIG"):
        return path
    demo = demo_config_path()
    print(f"kiosk: no configuration at {path}: using the embedded demo configuration {demo} "
          "(demo certificates)", file=sys.stderr)
    return demo


# --------------------------------------------------------------------------- typed sections


@dataclass(frozen=True, slots=True, kw_only=True)
class TerminalConfig:
    id: str
    operator_name: str
    operator_idno: str
    address: str
    support_phone: str
    timezone: str = "Europe/Chisinau"


@dataclass(frozen=True, slots=True, kw_only=True)
class UiConfig:
    languages: tuple[str, ...] = LANGUAGES
    default_language: str = "ro"
    fullscreen: bool = True
    screen_width: int = 1080
    screen_height: int = 1920
    hide_cursor: bool = True
    scanner: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeRule:
    """A terminal fee: ``fixed`` bani plus ``percent`` of the amount, clamped to [min, max]."""

    fixed: int = 0
    percent: Decimal = Decimal("0")
    min: int = 0
    max: int | None = None

    def fee_for(self, amount: int) -> int:
        """Fee in bani for ``amount`` bani; percent rounds half up to the ban."""
        pct = (Decimal(amount) * self.percent / 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP")
        fee = self.fixed + int(pct)
        fee = max(fee, self.min)
        if self.max is not None:
            fee = min(fee, self.max)
        return fee if (self.fixed or self.percent or self.min) else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceConfig:
    service_id: str
    names: Mapping[str, str]
    category: str = "other"
    icon: str = "document"
    key_hint: Mapping[str, str] = field(default_factory=dict)
    key_pattern: str = r"^[A-Za-z0-9-]{1,36}$"
    keyboard: str = "alnum"  # "digits" or "alnum"
    fee: FeeRule = field(default_factory=FeeRule)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceConfig:
    protocol: str
    port: str
    baud: int = 9600
    address: int | None = None
    poll_interval_ms: int = 200
    timeout_ms: int = 5000
    enabled: bool = True
    password: str | None = None  # card terminal password (ZVT), if the terminal needs one
    coin_values: Mapping[str, int] = field(default_factory=dict)  # coin id -> bani overrides


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterConfig:
    connection: str = "virtual"  # serial | network | usb | virtual
    port: str | None = None
    host: str | None = None
    tcp_port: int = 9100
    baud: int = 19200
    usb_vendor: int | None = None
    usb_product: int | None = None
    profile: str = "TM-T20II"
    paper_width_mm: int = 80
    codepage_ro: str = "CP852"
    codepage_ru: str = "CP866"
    receipts_dir: Path | None = None
    mask_payer: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DevicesConfig:
    bill_validator: DeviceConfig | None = None
    coin_acceptor: DeviceConfig | None = None
    card_terminal: DeviceConfig | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxConfig:
    max_pending_count: int = 50
    max_pending_amount: int = 5_000_000  # bani (50 000 lei)
    backoff_initial_s: float = 2.0
    backoff_max_s: float = 300.0
    confirm_wait_s: float = 8.0  # how long the payer sees "confirming" before "pending"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeoutsConfig:
    screen_s: int = 60
    prompt_s: int = 20
    cash_s: int = 120
    card_s: int = 180
    result_s: int = 20
    lookup_s: int = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceModeConfig:
    pin_hash: str
    max_attempts: int = 5
    lockout_s: int = 300
    key_sequence: str = "corner-tl,corner-tr,corner-br,corner-bl"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    path: Path
    terminal: TerminalConfig
    ui: UiConfig
    mpay: MpaySettings
    services: tuple[ServiceConfig, ...]
    devices: DevicesConfig
    printer: PrinterConfig
    outbox: OutboxConfig
    timeouts: TimeoutsConfig
    service_mode: ServiceModeConfig
    state_dir: Path
    log_level: str = "warning"

    def service(self, service_id: str) -> ServiceConfig | None:
        return next((s for s in self.services if s.service_id == service_id), None)


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}" if self.key else f"{self.file}: {self.message}"


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --------------------------------------------------------------------------- PIN hashing

_PIN_ITERATIONS = 200_000


def hash_pin(pin: str, *, iterations: int = _PIN_ITERATIONS, salt: bytes | None = None) -> str:
    """A salted slow hash of a technician PIN: ``pbkdf2_sha256$ITER$SALT_HEX$HASH_HEX``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, encoded: str) -> bool:
    try:
        algo, iters, salt_hex, hash_hex = encoded.split("$")
        if algo != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt_hex), int(iters))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


_PIN_HASH_RE = re.compile(r"^pbkdf2_sha256\$\d{4,}\$[0-9a-f]{16,}\$[0-9a-f]{64}$")

# --------------------------------------------------------------------------- the reader


class _Reader:
    """Walks the parsed TOML, converting values and collecting problems instead of raising."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.base = file.parent
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(str(self.file), key, message))

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str], *,
              required: bool = True) -> Mapping[str, Any] | None:
        value = _get(data, key)
        if value is None:
            if required:
                self.problem(key, "missing section")
            return None
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, got {_tname(value)}")
            return None
        for k in value:
            if k not in allowed:
                hint = _closest(k, allowed)
                self.problem(f"{key}.{k}", "unknown key" + (f" (did you mean {hint!r}?)" if hint else ""))
        return value

    def get(self, data: Mapping[str, Any] | None, prefix: str, key: str, kind: type | tuple[type, ...],
            default: Any = ..., *, check: Callable[[Any], str | None] | None = None) -> Any:
        full = f"{prefix}.{key}" if prefix else key
        if data is None or key not in data:
            if default is ...:
                self.problem(full, "missing required key")
                return None
            return default
        value = data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and kind is not bool and not (isinstance(kind, tuple) and bool in kind):
            self.problem(full, f"must be {_kname(kind)}, got boolean")
            return None if default is ... else default
        if not isinstance(value, kind):
            self.problem(full, f"must be {_kname(kind)}, got {_tname(value)}")
            return None if default is ... else default
        if check is not None:
            msg = check(value)
            if msg:
                self.problem(full, msg)
                return None if default is ... else default
        return value

    def path(self, data: Mapping[str, Any] | None, prefix: str, key: str, *, required: bool,
             must_exist: bool = True) -> Path | None:
        raw = self.get(data, prefix, key, str, ... if required else None)
        if raw is None:
            return None
        full = f"{prefix}.{key}"
        resolved = resolve_path(raw, self.base)
        if resolved is None:
            self.problem(full, f"cannot resolve {raw!r}")
            return None
        if must_exist and not resolved.is_file():
            self.problem(full, f"file not found: {resolved}")
        return resolved

    def amount(self, data: Mapping[str, Any] | None, prefix: str, key: str, default: int | None
               ) -> int | None:
        raw = self.get(data, prefix, key, str, None)
        if raw is None:
            return default
        try:
            return parse_amount(raw)
        except AmountError:
            self.problem(f"{prefix}.{key}", f"not an amount (write it as text like \"7.00\"): {raw!r}")
            return default


def resolve_path(raw: str, base: Path) -> Path | None:
    """``pkg:package/sub/file`` → that file inside the installed package; else relative to base."""
    if raw.startswith("pkg:"):
        spec = raw[4:]
        package, _, rel = spec.partition("/")
        try:
            root = resources.files(package)
        except (ModuleNotFoundError, TypeError):
            return None
        return Path(str(root.joinpath(rel)))
    p = Path(os.path.expandvars(os.path.expanduser(raw)))
    return p if p.is_absolute() else (base / p).resolve()


def _get(data: Mapping[str, Any], dotted: str) -> Any:
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _tname(v: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "text", list: "array",
            dict: "table"}.get(type(v), type(v).__name__)


def _kname(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_tname(k()) if k in (bool, int, float, str, list, dict) else k.__name__
                       for k in kinds)


def _closest(word: str, options: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return match[0] if match else None


def _url(value: str) -> str | None:
    u = urlparse(value)
    if u.scheme not in ("http", "https") or not u.hostname:
        return f"not an http(s) URL: {value!r}"
    try:
        u.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return f"bad port in URL: {value!r}"
    return None


def _positive(v: int | float) -> str | None:
    return None if v > 0 else "must be greater than 0"


def _lang(v: str) -> str | None:
    return None if v in LANGUAGES else f"unknown language {v!r} (use ro, ru or en)"


# --------------------------------------------------------------------------- sections

_TOP = {"terminal", "ui", "mpay", "services", "devices", "printer", "outbox", "timeouts",
        "service_mode", "state", "logging"}


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate a config file. Raises ConfigError listing every problem found."""
    file = Path(path) if path is not None else default_config_path()
    try:
        raw_bytes = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(file), "", "file not found")]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(file), "", f"cannot read: {exc.strerror}")]) from None
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigProblem(str(file), "", f"not UTF-8 text: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem(str(file), "", f"TOML syntax error: {exc}")]) from None

    r = _Reader(file)
    for k in data:
        if k not in _TOP:
            hint = _closest(k, _TOP)
            r.problem(k, "unknown section" + (f" (did you mean {hint!r}?)" if hint else ""))

    terminal = _terminal(r, data)
    ui = _ui(r, data)
    mpay = _mpay(r, data)
    services = _services(r, data, ui)
    devices = _devices(r, data)
    printer = _printer(r, data)
    outbox = _outbox(r, data)
    timeouts = _timeouts(r, data)
    service_mode = _service_mode(r, data)
    state = r.table(data, "state", {"dir"})
    state_raw = r.get(state, "state", "dir", str, "/var/lib/kiosk")
    state_dir = resolve_path(state_raw, r.base) if state_raw else Path("/var/lib/kiosk")
    log = r.table(data, "logging", {"level"}, required=False)
    level = r.get(log, "logging", "level", str, "warning",
                  check=lambda v: None if v in ("debug", "info", "warning", "error")
                  else "must be one of debug, info, warning, error")

    if r.problems:
        raise ConfigError(r.problems)
    assert terminal and ui and mpay and devices and printer and outbox and timeouts
    assert service_mode and state_dir
    return Config(path=file, terminal=terminal, ui=ui, mpay=mpay, services=services,
                  devices=devices, printer=printer, outbox=outbox, timeouts=timeouts,
                  service_mode=service_mode, state_dir=state_dir, log_level=level or "warning")


def _terminal(r: _Reader, data: Mapping[str, Any]) -> TerminalConfig | None:
    keys = {"id", "operator_name", "operator_idno", "address", "support_phone", "timezone"}
    t = r.table(data, "terminal", keys)

    def tid(v: str) -> str | None:
        return None if re.fullmatch(r"[A-Za-z0-9-]{1,16}", v) else \
            "1-16 letters, digits or '-' (it prefixes every PaymentID)"

    def tz(v: str) -> str | None:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown time zone {v!r}"
        return None

    def idno(v: str) -> str | None:
        from kiosk.idn import is_valid_idn

        return None if is_valid_idn(v) else "not a valid IDNO (13 digits, 7-3-1 check digit)"

    values = dict(
        id=r.get(t, "terminal", "id", str, check=tid),
        operator_name=r.get(t, "terminal", "operator_name", str),
        operator_idno=r.get(t, "terminal", "operator_idno", str, check=idno),
        address=r.get(t, "terminal", "address", str),
        support_phone=r.get(t, "terminal", "support_phone", str),
        timezone=r.get(t, "terminal", "timezone", str, "Europe/Chisinau", check=tz),
    )
    return None if any(v is None for v in values.values()) else TerminalConfig(**values)


def _ui(r: _Reader, data: Mapping[str, Any]) -> UiConfig:
    keys = {"languages", "default_language", "fullscreen", "screen_width", "screen_height",
            "hide_cursor", "scanner"}
    u = r.table(data, "ui", keys, required=False)
    langs = r.get(u, "ui", "languages", list, list(LANGUAGES))
    good = []
    for i, lang in enumerate(langs or []):
        if lang in LANGUAGES:
            good.append(lang)
        else:
            r.problem(f"ui.languages[{i}]", f"unknown language {lang!r} (use ro, ru or en)")
    default = r.get(u, "ui", "default_language", str, "ro", check=_lang) or "ro"
    if good and default not in good:
        r.problem("ui.default_language", f"{default!r} is not among ui.languages")
    return UiConfig(
        languages=tuple(good) or LANGUAGES,
        default_language=default,
        fullscreen=r.get(u, "ui", "fullscreen", bool, True),
        screen_width=r.get(u, "ui", "screen_width", int, 1080, check=_positive),
        screen_height=r.get(u, "ui", "screen_height", int, 1920, check=_positive),
        hide_cursor=r.get(u, "ui", "hide_cursor", bool, True),
        scanner=r.get(u, "ui", "scanner", bool, False),
    )


def _mpay(r: _Reader, data: Mapping[str, Any]) -> MpaySettings | None:
    keys = {"endpoint", "sign_cert", "sign_key", "mpay_cert", "verify_replies", "tls_client_cert",
            "tls_client_key", "tls_ca", "timeout_s", "clock_skew_s", "max_reply_bytes"}
    m = r.table(data, "mpay", keys)
    endpoint = r.get(m, "mpay", "endpoint", str, check=_url)
    sign_cert = r.path(m, "mpay", "sign_cert", required=True)
    sign_key = r.path(m, "mpay", "sign_key", required=True)
    verify = r.get(m, "mpay", "verify_replies", bool, True)
    mpay_cert = r.path(m, "mpay", "mpay_cert", required=bool(verify))
    tls_cert = r.path(m, "mpay", "tls_client_cert", required=False)
    tls_key = r.path(m, "mpay", "tls_client_key", required=False)
    tls_ca = r.path(m, "mpay", "tls_ca", required=False)
    if (tls_cert is None) != (tls_key is None) and m is not None:
        r.problem("mpay.tls_client_key" if tls_key is None else "mpay.tls_client_cert",
                  "tls_client_cert and tls_client_key go together")
    timeout = r.get(m, "mpay", "timeout_s", float, 15.0, check=_positive)
    skew = r.get(m, "mpay", "clock_skew_s", int, 300, check=lambda v: None if v >= 0 else "must be >= 0")
    max_bytes = r.get(m, "mpay", "max_reply_bytes", int, 2_000_000, check=_positive)
    if endpoint is None or sign_cert is None or sign_key is None:
        return None
    return MpaySettings(endpoint=endpoint, sign_cert=sign_cert, sign_key=sign_key,
                        mpay_cert=mpay_cert, verify_replies=bool(verify),
                        tls_client_cert=tls_cert, tls_client_key=tls_key, tls_ca=tls_ca,
                        timeout_s=timeout, clock_skew_s=skew, max_reply_bytes=max_bytes)


def _texts(r: _Reader, value: Any, key: str, *, required: bool) -> dict[str, str]:
    if value is None:
        if required:
            r.problem(key, "missing required key")
        return {}
    if not isinstance(value, dict):
        r.problem(key, f"must be a table of ro/ru/en texts, got {_tname(value)}")
        return {}
    out: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            r.problem(f"{key}.{lang}", f"unknown language {lang!r} (use ro, ru or en)")
        elif not isinstance(text, str):
            r.problem(f"{key}.{lang}", f"must be text, got {_tname(text)}")
        else:
            out[lang] = text
    if required and out and "ro" not in out:
        r.problem(f"{key}.ro", "the Romanian text is required")
    return out


def _services(r: _Reader, data: Mapping[str, Any], ui: UiConfig) -> tuple[ServiceConfig, ...]:
    raw = data.get("services")
    if raw is None:
        r.problem("services", "missing: list at least one [[services]] entry")
        return ()
    if not isinstance(raw, list):
        r.problem("services", f"must be an array of tables ([[services]]), got {_tname(raw)}")
        return ()
    keys = {"service_id", "name", "category", "icon", "key_hint", "key_pattern", "keyboard", "fee"}
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(raw):
        prefix = f"services[{i}]"
        if not isinstance(item, dict):
            r.problem(prefix, f"must be a table, got {_tname(item)}")
            continue
        for k in item:
            if k not in keys:
                close = _closest(k, keys)
                r.problem(f"{prefix}.{k}",
                          "unknown key" + (f" (did you mean {close!r}?)" if close else ""))
        sid = r.get(item, prefix, "service_id", str,
                    check=lambda v: None if 0 < len(v) <= 36 and v.strip() == v
                    else "1-36 characters, no surrounding spaces")
        if sid is not None:
            if sid in seen:
                r.problem(f"{prefix}.service_id", f"duplicate ServiceID {sid!r} (also services[{seen[sid]}])")
            seen.setdefault(sid, i)
        names = _texts(r, item.get("name"), f"{prefix}.name", required=True)
        key_hint = _texts(r, item.get("key_hint"), f"{prefix}.key_hint", required=False)

        def regex(v: str) -> str | None:
            try:
                re.compile(v)
            except re.error as exc:
                return f"not a valid regular expression: {exc}"
            return None

        pattern = r.get(item, prefix, "key_pattern", str, r"^[A-Za-z0-9-]{1,36}$", check=regex)
        keyboard = r.get(item, prefix, "keyboard", str, "alnum",
                         check=lambda v: None if v in ("digits", "alnum") else "must be digits or alnum")
        fee = _fee(r, item.get("fee"), f"{prefix}.fee")
        if sid is None:
            continue
        out.append(ServiceConfig(
            service_id=sid, names=names,
            category=r.get(item, prefix, "category", str, "other"),
            icon=r.get(item, prefix, "icon", str, "document"),
            key_hint=key_hint, key_pattern=pattern or r"^[A-Za-z0-9-]{1,36}$",
            keyboard=keyboard or "alnum", fee=fee,
        ))
    del ui
    return tuple(out)


def _fee(r: _Reader, raw: Any, prefix: str) -> FeeRule:
    if raw is None:
        return FeeRule()
    if not isinstance(raw, dict):
        r.problem(prefix, f"must be a table, got {_tname(raw)}")
        return FeeRule()
    for k in raw:
        if k not in {"fixed", "percent", "min", "max"}:
            r.problem(f"{prefix}.{k}", "unknown key (fee takes fixed, percent, min, max)")
    percent = Decimal("0")
    if "percent" in raw:
        try:
            percent = Decimal(str(raw["percent"])) if isinstance(raw["percent"], str) else \
                Decimal(str(raw["percent"])) if isinstance(raw["percent"], int) else Decimal("NaN")
            if not percent.is_finite() or not (0 <= percent <= 100):
                raise InvalidOperation
        except InvalidOperation:
            r.problem(f"{prefix}.percent", "must be text like \"1.5\" between 0 and 100")
            percent = Decimal("0")
    return FeeRule(
        fixed=r.amount(raw, prefix, "fixed", 0) or 0,
        percent=percent,
        min=r.amount(raw, prefix, "min", 0) or 0,
        max=r.amount(raw, prefix, "max", None),
    )


_PROTOCOLS = {"bill_validator": {"ccnet"}, "coin_acceptor": {"cctalk"}, "card_terminal": {"zvt"}}


def _devices(r: _Reader, data: Mapping[str, Any]) -> DevicesConfig:
    d = r.table(data, "devices", set(_PROTOCOLS), required=False)
    found: dict[str, DeviceConfig | None] = {}
    keys = {"protocol", "port", "baud", "address", "poll_interval_ms", "timeout_ms", "enabled",
            "password", "coin_values"}
    for name, protocols in _PROTOCOLS.items():
        prefix = f"devices.{name}"
        t = r.table(data, prefix, keys, required=False) if d is not None else None
        if t is None:
            found[name] = None
            continue
        protocol = r.get(t, prefix, "protocol", str,
                         check=lambda v, p=protocols: None if v in p  # type: ignore[misc]
                         else f"unsupported protocol {v!r} (supported: {', '.join(sorted(p))})")
        port = r.get(t, prefix, "port", str)
        coin_values: dict[str, int] = {}
        cv = r.get(t, prefix, "coin_values", dict, {})
        for coin_id, amount in (cv or {}).items():
            if not isinstance(amount, str):
                r.problem(f"{prefix}.coin_values.{coin_id}", "must be text like \"0.50\"")
                continue
            try:
                coin_values[coin_id] = parse_amount(amount)
            except AmountError:
                r.problem(f"{prefix}.coin_values.{coin_id}", f"not an amount: {amount!r}")
        cfg = DeviceConfig(
            protocol=protocol or "", port=port or "",
            baud=r.get(t, prefix, "baud", int, 9600, check=_positive),
            address=r.get(t, prefix, "address", int, None,
                          check=lambda v: None if 0 <= v <= 255 else "must be 0-255"),
            poll_interval_ms=r.get(t, prefix, "poll_interval_ms", int, 200,
                                   check=lambda v: None if 50 <= v <= 1000 else "must be 50-1000"),
            timeout_ms=r.get(t, prefix, "timeout_ms", int, 5000, check=_positive),
            enabled=r.get(t, prefix, "enabled", bool, True),
            password=r.get(t, prefix, "password", str, None),
            coin_values=coin_values,
        )
        found[name] = cfg
    return DevicesConfig(**found)


def _printer(r: _Reader, data: Mapping[str, Any]) -> PrinterConfig:
    keys = {"connection", "port", "host", "tcp_port", "baud", "usb_vendor", "usb_product",
            "profile", "paper_width_mm", "codepage_ro", "codepage_ru", "receipts_dir", "mask_payer"}
    p = r.table(data, "printer", keys, required=False)
    conn = r.get(p, "printer", "connection", str, "virtual",
                 check=lambda v: None if v in ("serial", "network", "usb", "virtual")
                 else "must be serial, network, usb or virtual")
    port = r.get(p, "printer", "port", str, None)
    host = r.get(p, "printer", "host", str, None)
    if conn == "serial" and not port:
        r.problem("printer.port", "required when printer.connection is serial")
    if conn == "network" and not host:
        r.problem("printer.host", "required when printer.connection is network")
    rdir = r.get(p, "printer", "receipts_dir", str, None)
    return PrinterConfig(
        connection=conn or "virtual", port=port, host=host,
        tcp_port=r.get(p, "printer", "tcp_port", int, 9100, check=_positive),
        baud=r.get(p, "printer", "baud", int, 19200, check=_positive),
        usb_vendor=r.get(p, "printer", "usb_vendor", int, None),
        usb_product=r.get(p, "printer", "usb_product", int, None),
        profile=r.get(p, "printer", "profile", str, "TM-T20II"),
        paper_width_mm=r.get(p, "printer", "paper_width_mm", int, 80,
                             check=lambda v: None if v in (58, 80) else "must be 58 or 80"),
        codepage_ro=r.get(p, "printer", "codepage_ro", str, "CP852",
                          check=lambda v: None if v in ("CP852", "CP1250") else "must be CP852 or CP1250"),
        codepage_ru=r.get(p, "printer", "codepage_ru", str, "CP866",
                          check=lambda v: None if v in ("CP866", "CP1251") else "must be CP866 or CP1251"),
        receipts_dir=resolve_path(rdir, r.base) if rdir else None,
        mask_payer=r.get(p, "printer", "mask_payer", bool, True),
    )


def _outbox(r: _Reader, data: Mapping[str, Any]) -> OutboxConfig:
    keys = {"max_pending_count", "max_pending_amount", "backoff_initial_s", "backoff_max_s",
            "confirm_wait_s"}
    o = r.table(data, "outbox", keys, required=False)
    return OutboxConfig(
        max_pending_count=r.get(o, "outbox", "max_pending_count", int, 50, check=_positive),
        max_pending_amount=r.amount(o, "outbox", "max_pending_amount", 5_000_000) or 0,
        backoff_initial_s=r.get(o, "outbox", "backoff_initial_s", float, 2.0, check=_positive),
        backoff_max_s=r.get(o, "outbox", "backoff_max_s", float, 300.0, check=_positive),
        confirm_wait_s=r.get(o, "outbox", "confirm_wait_s", float, 8.0, check=_positive),
    )


def _timeouts(r: _Reader, data: Mapping[str, Any]) -> TimeoutsConfig:
    names = ("screen_s", "prompt_s", "cash_s", "card_s", "result_s", "lookup_s")
    t = r.table(data, "timeouts", set(names), required=False)
    defaults = TimeoutsConfig()
    return TimeoutsConfig(**{n: r.get(t, "timeouts", n, int, getattr(defaults, n), check=_positive)
                             for n in names})


def _service_mode(r: _Reader, data: Mapping[str, Any]) -> ServiceModeConfig | None:
    keys = {"pin_hash", "max_attempts", "lockout_s", "key_sequence"}
    s = r.table(data, "service_mode", keys)
    pin_hash = r.get(s, "service_mode", "pin_hash", str,
                     check=lambda v: None if _PIN_HASH_RE.match(v) else
                     "must be a hash made by `kiosk config hash-pin` (pbkdf2_sha256$...)")
    if pin_hash is None:
        return None
    return ServiceModeConfig(
        pin_hash=pin_hash,
        max_attempts=r.get(s, "service_mode", "max_attempts", int, 5, check=_positive),
        lockout_s=r.get(s, "service_mode", "lockout_s", int, 300, check=_positive),
        key_sequence=r.get(s, "service_mode", "key_sequence", str,
                           "corner-tl,corner-tr,corner-br,corner-bl"),
    )
