"""Save probed port assignments into the TOML configuration, validated, atomically, with a backup.

The file is edited as text, not re-serialised: comments, order and every other key stay as
the technician wrote them. Only the ``port`` key (and the ``protocol``, or the printer's
``connection = "serial"``) of the affected tables is replaced or added. The result is written
to a temporary file beside the original, read back with ``kiosk.config.load_config`` (the same
validation as ``kiosk config check``) and checked to hold the new ports; only then is the
original copied to ``<file>.bak`` and replaced (``os.replace``: all or nothing).

Which table a protocol goes to::

    ccnet  -> [devices.bill_validator]   protocol, port
    cctalk -> [devices.coin_acceptor]    protocol, port
    zvt    -> [devices.card_terminal]    protocol, port
    escpos -> [printer]                  connection = "serial", port
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import ConfigError, load_config

if TYPE_CHECKING:
    from kiosk.service.probe import Finding

__all__ = ["TABLES", "PortChange", "PortConfigError", "save_port_assignment", "stable_name",
           "set_table_values"]

#: protocol -> (TOML table, the keys to write besides ``port``)
TABLES: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "ccnet": ("devices.bill_validator", {"protocol": "ccnet"}),
    "cctalk": ("devices.coin_acceptor", {"protocol": "cctalk"}),
    "zvt": ("devices.card_terminal", {"protocol": "zvt"}),
    "escpos": ("printer", {"connection": "serial"}),
}
_BY_ID = Path("/dev/serial/by-id")
_STRING = r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\''


class PortConfigError(Exception):
    """The assignment cannot be saved; the configuration file was not changed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PortChange:
    key: str  # dotted TOML key, e.g. "devices.bill_validator.port"
    old: str | None
    new: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "old": self.old, "new": self.new}


def stable_name(port: str, by_id: Path = _BY_ID) -> str:
    """A ``/dev/serial/by-id`` name for ``port`` if one points at it (survives re-plugging)."""
    try:
        target = os.path.realpath(port)
        entries = sorted(by_id.iterdir()) if by_id.is_dir() else []
    except OSError:
        return port
    for entry in entries:
        if os.path.realpath(entry) == target:
            return str(entry)
    return port


def save_port_assignment(
    config_path: Path | str,
    findings: Iterable[Finding],
    *,
    prefer_stable_names: bool = True,
    dry_run: bool = False,
    by_id: Path = _BY_ID,
) -> list[PortChange]:
    """Write the ports of the identified devices into the configuration file.

    Findings without a protocol are ignored. Returns the changes (old value None: the key was
    added); keys that already hold the port are not listed. With ``dry_run`` nothing is
    written. Raises PortConfigError when a protocol answered on two ports, when the edited
    file does not validate, or when it cannot be written; the file is then unchanged.
    """
    path = Path(config_path)
    wanted: dict[str, str] = {}
    for finding in findings:
        if finding.protocol is None:
            continue
        if finding.protocol not in TABLES:
            raise PortConfigError(f"no configuration table for protocol {finding.protocol!r}")
        port = stable_name(finding.port, by_id) if prefer_stable_names else finding.port
        other = wanted.get(finding.protocol)
        if other is not None and other != port:
            raise PortConfigError(
                f"{finding.protocol} answered on two ports ({other}, {port}): "
                "unplug one or set the port by hand"
            )
        wanted[finding.protocol] = port
    try:
        text = path.read_text(encoding="utf-8")
        current = load_config(path)
    except OSError as exc:
        raise PortConfigError(f"{path}: {exc.strerror or exc}") from None
    except ConfigError as exc:
        raise PortConfigError(f"{path} is not valid now; fix it first:\n{exc}") from None
    changes: list[PortChange] = []
    for protocol, port in wanted.items():
        table, extra = TABLES[protocol]
        old = _current_port(current, protocol)
        values = {**extra, "port": port}
        text, _ = set_table_values(text, table, values)
        if old != port:
            changes.append(PortChange(key=f"{table}.port", old=old, new=port))
    if not changes or dry_run:
        return changes
    _replace_validated(path, text, wanted)
    return changes


def _current_port(config: Any, protocol: str) -> str | None:
    if protocol == "escpos":
        return config.printer.port if config.printer.connection == "serial" else None
    section = {"ccnet": "bill_validator", "cctalk": "coin_acceptor", "zvt": "card_terminal"}[protocol]
    device = getattr(config.devices, section)
    return device.port if device is not None else None


def _replace_validated(path: Path, text: str, wanted: Mapping[str, str]) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(path, tmp)  # the file may hold a password: keep its mode
        try:
            edited = load_config(tmp)
        except ConfigError as exc:
            problems = "\n".join(str(p).replace(str(tmp), str(path)) for p in exc.problems)
            raise PortConfigError(f"the edited configuration does not validate:\n{problems}") from None
        for protocol, port in wanted.items():
            if _current_port(edited, protocol) != port:
                raise PortConfigError(
                    f"could not place the {protocol} port in {path} (is the table written inline?)"
                )
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except OSError as exc:
        raise PortConfigError(f"{path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def set_table_values(text: str, table: str, values: Mapping[str, str]) -> tuple[str, bool]:
    """``text`` with each ``key = "value"`` of ``values`` set in ``[table]`` (added if missing;
    the table is appended if missing). Returns (new text, whether the table existed).

    Only single-line string values are replaced; the rest of each line (a comment) stays."""
    lines = text.splitlines(keepends=True)
    header = re.compile(
        r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in table.split(".")) + r"\s*\]\s*(#.*)?$"
    )
    start = next((i for i, line in enumerate(lines) if header.match(line.rstrip("\r\n"))), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        block = [f"\n[{table}]\n"] + [f"{k} = {_quote(v)}\n" for k, v in values.items()]
        return "".join(lines + block), False
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
    )
    missing: list[str] = []
    for key, value in values.items():
        pattern = re.compile(rf"^(\s*{re.escape(key)}\s*=\s*)({_STRING})(.*)$", re.DOTALL)
        for i in range(start + 1, end):
            match = pattern.match(lines[i])
            if match:
                lines[i] = match.group(1) + _quote(value) + match.group(3)
                break
        else:
            missing.append(f"{key} = {_quote(value)}\n")
    lines[start + 1 : start + 1] = missing
    return "".join(lines), True


def _quote(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)
