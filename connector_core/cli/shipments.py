"""`confirm-shipment ID --order O --tracking T --carrier C [--lines SKU:QTY,...] [--replaces OLD]`."""

from __future__ import annotations

import argparse
import re
from typing import Any

from ..errors import FieldError, InvalidInput
from ..models import Shipment, ShipmentLine, ShipmentParcel
from .output import print_json
from .parsing import add_command, non_blank
from .session import open_integrations, store_options

PROG = "channel-connectors"
MAX_LINE_QUANTITY = 1_000_000


def parse_lines(spec: str | None) -> list[ShipmentLine]:
    """`SKU:QTY,SKU` (QTY optional, at least 1) into shipment lines; every bad part is named."""
    if spec is None:
        return []
    if not spec.strip():
        raise InvalidInput("--lines", [FieldError("--lines", "is empty: give SKU:QTY,SKU2 or leave it out")])
    lines: list[ShipmentLine] = []
    errors: list[FieldError] = []
    for part in spec.split(","):
        sku, colon, quantity = part.strip().partition(":")
        sku, quantity = sku.strip(), quantity.strip()
        if not sku:
            errors.append(FieldError("--lines", f"{part.strip()!r} has no SKU (write SKU:QTY)"))
        elif colon and not re.fullmatch(r"[0-9]+", quantity, re.ASCII):
            errors.append(FieldError("--lines", f"SKU {sku}: quantity {quantity!r} is not a whole number"))
        elif colon and not 1 <= int(quantity) <= MAX_LINE_QUANTITY:
            errors.append(
                FieldError("--lines", f"SKU {sku}: quantity {quantity} must be from 1 to {MAX_LINE_QUANTITY}")
            )
        else:
            lines.append(ShipmentLine(sku=sku, quantity=int(quantity) if colon else None))
    if errors:
        raise InvalidInput("--lines", errors)
    return lines


def cmd_confirm_shipment(args: argparse.Namespace) -> int:
    # Arguments first: a bad one is reported before the store is opened.
    parcel_lines = parse_lines(args.lines)
    if args.replaces is not None and parcel_lines:
        raise InvalidInput(
            "--replaces",
            [
                FieldError(
                    "--replaces", "re-tracks exactly the units of the parcel it names: leave out --lines"
                )
            ],
        )
    integration = open_integrations(args).open(args.integration)
    asked = ShipmentParcel(
        tracking_number=args.tracking, carrier=args.carrier, lines=parcel_lines, replaces=args.replaces
    )
    shipment = Shipment(order_id=args.order, parcels=[asked])
    report = integration.confirm_shipment(shipment)
    ok = all(p.outcome != "rejected" for p in report.parcels)
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "order_id": report.order_id,
                "parcels": [p.model_dump(mode="json") for p in report.parcels],
                "calls": report.calls,
                "ok": ok,
            }
        )
        return 0 if ok else 1
    for parcel in report.parcels:
        extra = f" package {parcel.package_id}" if parcel.package_id else ""
        note = f": {parcel.message}" if parcel.message else ""
        print(
            f"order {report.order_id} parcel {parcel.tracking_number} ({parcel.carrier}): "
            f"{parcel.outcome}{extra}{note}"
        )
    return 0 if ok else 1


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "confirm-shipment",
        "confirm a shipment with tracking (a repeat makes no call)",
        description="Tell the channel an order (or some of its lines) shipped, with tracking. Confirming the "
        "same parcel again makes no call: the first answer is reported. A new parcel only takes units not "
        "shipped yet; to change a confirmed parcel's tracking, name it with --replaces.",
        examples=[
            f'{PROG} confirm-shipment ID --order 5770001 --tracking RM123GB --carrier "Royal Mail"',
            f"{PROG} confirm-shipment ID --order 5770001 --tracking T2 --carrier DPD --lines SKU-A:2,SKU-B",
            f"{PROG} confirm-shipment ID --order 5770001 --tracking T2 --carrier DPD --replaces T2TYPO",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--order", required=True, type=non_blank, help="the channel's order id")
    p.add_argument("--tracking", required=True, type=non_blank, help="the parcel's tracking number")
    p.add_argument("--carrier", required=True, type=non_blank, help='the carrier\'s name (e.g. "Royal Mail")')
    p.add_argument(
        "--lines", help="SKU:QTY,SKU2 (QTY optional, at least 1; default: every line not shipped yet)"
    )
    p.add_argument(
        "--replaces",
        type=non_blank,
        metavar="OLD_TRACKING",
        help="correct a parcel confirmed before: its units (exactly those) get --tracking and --carrier",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_confirm_shipment)
