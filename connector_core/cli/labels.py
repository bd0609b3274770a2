"""`channel-connectors label` and `shipping-services`: buy, reprint and list channel-sold shipping labels.

`label ID --order ORDER [--box LINE,LINE --box ...] [--weight 0.5kg] [--size 20x15x5cm] [--service S]
[--output label.pdf]` buys one label per box (every line of the order in one box without `--box`), writes
each document (one box: the file named; several: label-1.pdf, label-2.pdf, ...) and prints package,
tracking and carrier per box. Repeating it buys nothing: the ledger answers. `label ID --reprint PACKAGE
--output F` fetches a label again; `label ID --void PACKAGE` says where to void it when the channel cannot.
Every bad input is one line naming the flag.
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import FieldError, InvalidInput
from ..integration import Integration
from ..models import Dimensions, Label, LabelParcel, Weight
from .parsing import add_command
from .session import open_integrations, store_options

WEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(g|kg|lb|oz)\s*$", re.IGNORECASE)
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)\s*(cm|in)\s*$", re.IGNORECASE)
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "zpl": ".zpl"}


def _bad(flag: str, message: str) -> InvalidInput:
    return InvalidInput("arguments", [FieldError(flag, message)])


def parse_weight(text: str | None) -> Weight | None:
    if text is None:
        return None
    found = WEIGHT.match(text)
    if found is None or Decimal(found.group(1)) <= 0:
        raise _bad("--weight", f"{text!r} is not a weight above zero like 0.5kg, 500g, 1.2lb or 8oz")
    return Weight(value=Decimal(found.group(1)), unit=found.group(2).lower())  # type: ignore[arg-type]


def parse_size(text: str | None) -> Dimensions | None:
    if text is None:
        return None
    found = SIZE.match(text)
    if found is None or any(Decimal(found.group(i)) <= 0 for i in (1, 2, 3)):
        raise _bad("--size", f"{text!r} is not a size like 20x15x5cm or 8x6x2in (length x width x height)")
    length, width, height = (Decimal(found.group(i)) for i in (1, 2, 3))
    unit = found.group(4).lower()
    return Dimensions(length=length, width=width, height=height, unit=unit)  # type: ignore[arg-type]


def parse_boxes(specs: list[str] | None) -> list[list[str]]:
    boxes = []
    for number, spec in enumerate(specs or [], start=1):
        ids = [part.strip() for part in spec.split(",") if part.strip()]
        if not ids:
            raise _bad(
                "--box", f"box {number} ({spec!r}) lists no item id; give TikTok item ids like 123,456"
            )
        boxes.append(ids)
    return boxes


def _parcels(integration: Integration, args: argparse.Namespace) -> list[LabelParcel]:
    weight, size = parse_weight(args.weight), parse_size(args.size)
    boxes = parse_boxes(args.box)
    if not boxes:
        page = integration.get_orders([args.order])
        if not page.orders:
            reason = page.problems[0].message if page.problems else "the channel returned no such order"
            raise _bad("--order", reason)
        boxes = [[line_id for line in page.orders[0].lines for line_id in line.channel_line_ids]]
    return [
        LabelParcel(order_id=args.order, channel_line_ids=ids, weight=weight, dimensions=size)
        for ids in boxes
    ]


def output_paths(output: str, count: int) -> list[Path]:
    """One box: `output` itself; several: label-1.pdf, label-2.pdf ... next to it."""
    path = Path(output)
    if not path.parent.is_dir():
        raise _bad("--output", f"folder {str(path.parent)!r} does not exist; create it or write elsewhere")
    if path.is_dir():
        raise _bad("--output", f"{output!r} is a folder; give a file name like label.pdf")
    if count == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{n}{path.suffix or '.pdf'}") for n in range(1, count + 1)]


def _write(label: Label, path: Path) -> Path:
    if label.document_format != "pdf" and path.suffix.lower() == ".pdf":
        path = path.with_suffix(EXTENSIONS[label.document_format])
    path.write_bytes(label.document)
    return path


def cmd_label(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    if args.void:
        integration.void_label(args.void)
        print(f"package {args.void}: label voided")
        return 0
    if args.reprint:
        if args.order or args.box:
            raise _bad("--reprint", "takes a package id alone (no --order or --box)")
        target = output_paths(args.output, 1)[0]
        label = integration.reprint(args.reprint)
        written = _write(label, target)
        note = f" ({label.warnings[0]})" if label.warnings else ""
        print(f"package {label.package_id}: tracking {label.tracking_number or '-'} -> {written}{note}")
        return 0
    if not args.order:
        raise _bad("--order", "is required (or --reprint PACKAGE, or --void PACKAGE)")
    parcels = _parcels(integration, args)
    paths = output_paths(args.output, len(parcels))
    report = integration.create_labels(args.order, parcels, service_id=args.service)
    for number, (result, path) in enumerate(zip(report.results, paths, strict=True), start=1):
        if result.label is None:
            print(f"box {number} ({','.join(result.channel_line_ids)}): refused: {result.message}")
            continue
        label = result.label
        written = _write(label, path)
        print(
            f"box {number}: package {label.package_id}, tracking {label.tracking_number or '-'}, "
            f"carrier {label.carrier or '-'} ({result.outcome.replace('_', ' ')}) -> {written}"
        )
    created = sum(r.outcome == "created" for r in report.results)
    print(
        f"{created} label(s) bought, {len(report.results) - created} not bought now (already bought or refused)"
    )
    return 0 if all(r.outcome != "refused" for r in report.results) else 1


def cmd_shipping_services(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    parcels = _parcels(integration, args)
    for number, parcel in enumerate(parcels, start=1):
        services = integration.shipping_services(parcel)
        print(f"box {number} ({','.join(parcel.channel_line_ids)}):")
        if not services:
            print("  the channel assigns the carrier for this order: nothing to choose")
        for service in services:
            price = f"{service.price.amount} {service.price.currency}" if service.price else "-"
            days = (
                f"{service.delivery_days_min}-{service.delivery_days_max} days"
                if service.delivery_days_min is not None
                else "-"
            )
            default = "  (default)" if service.is_default else ""
            print(f"  {service.id}  {service.name}  {service.carrier or '-'}  {price}  {days}{default}")
    return 0


def _box_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--box",
        action="append",
        metavar="ITEM_ID,ITEM_ID",
        help="the channel's item ids in one box (repeat per box; default: every line in one box)",
    )
    parser.add_argument("--weight", help="weight of each box, like 0.5kg, 500g, 1.2lb or 8oz")
    parser.add_argument("--size", help="size of each box, like 20x15x5cm or 8x6x2in")


def register(sub: Any) -> None:
    """Add `label` and `shipping-services` to the CLI."""
    label = add_command(
        sub,
        "label",
        "buy shipping labels from the channel, reprint them, or void them",
        description="Buy one label per box for an order (every line in one box without --box) and write "
        "each document; repeating it buys nothing (the ledger answers). --reprint fetches a label again, "
        "--void says where to void it when the channel cannot.",
        examples=[
            "channel-connectors label ID --order 5770001 --weight 0.5kg --size 20x15x5cm",
            "channel-connectors label ID --order 5770001 --box 111,112 --box 113 --output parcel.pdf",
            "channel-connectors label ID --reprint PACKAGE --output again.pdf",
        ],
        parents=[store_options()],
    )
    label.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    label.add_argument("--order", help="the channel's order id")
    _box_arguments(label)
    label.add_argument(
        "--service", help="a shipping service id from `shipping-services` (default: the channel's)"
    )
    label.add_argument(
        "--output", default="label.pdf", help="file to write (several boxes: label-1.pdf, ...)"
    )
    label.add_argument("--reprint", metavar="PACKAGE", help="fetch the label of this package again")
    label.add_argument(
        "--void", metavar="PACKAGE", help="void the label of this package (where the channel can)"
    )
    label.set_defaults(handler=cmd_label)

    services = add_command(
        sub,
        "shipping-services",
        "list the shipping services the channel offers a box",
        examples=["channel-connectors shipping-services ID --order 5770001 --weight 0.5kg --size 20x15x5cm"],
        parents=[store_options()],
    )
    services.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    services.add_argument("--order", required=True, help="the channel's order id")
    _box_arguments(services)
    services.set_defaults(handler=cmd_shipping_services)
