"""``kiosk order SERVICE_ID ORDER_KEY``: look an order up through MPay and print it.

The connection comes from ``--config F`` (its ``[mpay]`` section), else from the overrides alone
when they are complete (``--endpoint`` + ``--sign-cert``/``--sign-key`` + ``--mpay-cert`` or
``--no-verify-replies``), else from the default configuration ($KIOSK_CONFIG or
/etc/kiosk/kiosk.toml) with the overrides applied.

``--json`` prints one JSON list (keys: ARCHITECTURE.md, "kiosk order --json"); ``payable`` is
``kiosk.mpay.payability.assess`` at the current time.

Exit codes: 0 at least one payable order; 3 none found (empty list, UnknownOrder,
UnknownService, InvalidParameter) or none payable (the list is still printed); 4 remote error or
unreachable (nothing on stdout); 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.mpay.cli_options import (
    add_connection_options,
    apply_connection_options,
    settings_from_options,
)
from kiosk.mpay.settings import MpaySettings

__all__ = ["register", "run", "order_to_json"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "order",
        help="look an order up through MPay (GetOrderDetails) and print it",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("service_id", metavar="SERVICE_ID", help="MPay ServiceID, e.g. MDS02")
    p.add_argument("order_key", metavar="ORDER_KEY", help="the order key (OrderKey)")
    p.add_argument(
        "--lang",
        choices=("ro", "ru", "en"),
        default="ro",
        help="language of the order's texts (default ro)",
    )
    p.add_argument("--config", metavar="F", type=Path, help="kiosk configuration file")
    p.add_argument("--json", action="store_true", help="print the orders as a JSON list")
    add_connection_options(p)
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> MpaySettings:
    """Raises ValueError (usage) or kiosk.config.ConfigError."""
    from kiosk.config import load_config, tool_config_path  # lazy: config is optional here

    path = args.config
    if path is None:
        try:
            return settings_from_options(args)
        except ValueError as incomplete:
            path = tool_config_path()
            if not path.exists():
                raise ValueError(f"{incomplete} (or --config F; {path} does not exist)") from None
    config = load_config(path)
    if config.mpay is None:
        raise ValueError(f"{path} has no usable [mpay] section")
    return apply_connection_options(config.mpay, args)


def _amount(value: Decimal | None) -> str | None:
    if value is None:
        return None
    from kiosk.money import AmountError, format_amount, from_decimal

    try:
        return format_amount(from_decimal(value))
    except AmountError:
        return f"{value:f}"  # more than two decimals: shown as sent, never rounded


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _properties(props: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "display_name": p.display_name,
            "value": p.value,
            "type": p.type,
            "required": p.required,
            "modifiable": p.modifiable,
            "visible": p.visible,
        }
        for p in props
    ]


def order_to_json(order: Any, payable: bool) -> dict[str, Any]:
    """One ``kiosk order --json`` object for an ``Order``."""
    lines = []
    for line in order.lines:
        acc = line.destination_account
        lines.append(
            {
                "line_id": line.line_id,
                "reason": line.reason,
                "amount_due": _amount(line.amount_due),
                "destination_account": None
                if acc is None
                else {
                    "bank_code": acc.bank_code,
                    "bank_account": acc.bank_account,
                    "bank_fiscal_code": acc.bank_fiscal_code,
                    "beneficiary_name": acc.beneficiary_name,
                    "configuration_code": acc.configuration_code,
                },
                "properties": _properties(line.properties),
            }
        )
    return {
        "service_id": order.service_id,
        "order_key": order.order_key,
        "status": order.status,
        "reason": order.reason,
        "total_amount_due": _amount(order.total_amount_due),
        "currency": order.currency,
        "allow_partial": order.allow_partial,
        "allow_advance": order.allow_advance,
        "customer_type": order.customer_type,
        "customer_id": order.customer_id,
        "customer_name": order.customer_name,
        "issued_at": _when(order.issued_at),
        "due_date": _when(order.due_date),
        "payable": payable,
        "lines": lines,
        "properties": _properties(order.properties),
    }


def _print_text(items: list[dict[str, Any]], reasons: list[str]) -> None:
    if not items:
        print("no order found")
    for item, reason in zip(items, reasons, strict=True):
        verdict = "payable" if item["payable"] else f"not payable ({reason})"
        total = item["total_amount_due"] or "amount entered by the payer"
        print(f"{item['service_id']} {item['order_key']}: {item['status']}, {verdict}")
        print(f"  {item['reason']}")
        print(f"  due: {total} {item['currency']}  customer: {item['customer_name'] or '-'}")
        for line in item["lines"]:
            print(f"  line {line['line_id']}: {line['amount_due'] or '-'}  {line['reason']}")


def run(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError
    from kiosk.i18n import t
    from kiosk.mpay.client import MpayClient
    from kiosk.mpay.errors import (
        InvalidParameter,
        MpayConfigError,
        MpayError,
        UnknownOrder,
        UnknownService,
    )
    from kiosk.mpay.payability import assess

    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"kiosk order: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return exitcodes.USAGE
    try:
        client = MpayClient(settings)
    except MpayConfigError as exc:
        print(f"kiosk order: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    try:
        orders = client.get_order_details(args.service_id, args.order_key, args.lang)
    except (UnknownOrder, UnknownService, InvalidParameter) as exc:
        print(f"kiosk order: not found: {exc}", file=sys.stderr)
        orders = []
    except MpayError as exc:
        print(f"kiosk order: {type(exc).__name__}: {exc}", file=sys.stderr)
        return exitcodes.REMOTE
    finally:
        client.close()

    now = datetime.now(UTC)
    verdicts = [assess(order, now) for order in orders]
    items = [order_to_json(o, v.payable) for o, v in zip(orders, verdicts, strict=True)]
    reasons = [t(v.reason_key, "en") for v in verdicts]
    if args.json:
        from kiosk.commands._common import print_json

        print_json(items)
        if not items:
            print(f"kiosk order: no order {args.service_id} {args.order_key}", file=sys.stderr)
        for item, verdict, reason in zip(items, verdicts, reasons, strict=True):
            if not verdict.payable:
                print(f"kiosk order: {item['order_key']} is not payable: {reason}", file=sys.stderr)
    else:
        _print_text(items, reasons)
    return exitcodes.OK if any(v.payable for v in verdicts) else exitcodes.NOT_PAYABLE
