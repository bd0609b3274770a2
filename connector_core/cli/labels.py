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
from .label_list import cmd_list
from .output import print_json
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


def _write(label: Label, path: Path, overwrite: bool = False) -> tuple[Path, str | None]:
    """Write the label; a file already there holding something else (another order's label) is never
    replaced without --overwrite: the label goes beside it, named after its package, and the note says so."""
    if label.document_format != "pdf" and path.suffix.lower() == ".pdf":
        path = path.with_suffix(EXTENSIONS[label.document_format])
    note = None
    if not overwrite and path.exists() and path.read_bytes() != label.document:
        taken = path
        path = path.with_name(f"{path.stem}-{label.package_id}{path.suffix}")
        note = f"{taken} holds another document: kept it, wrote {path.name} (--overwrite replaces)"
    path.write_bytes(label.document)
    return path, note


def _default_output(args: argparse.Namespace) -> str:
    """label-ORDER.pdf (or label-PACKAGE.pdf for a reprint): two orders never share a file by default."""
    if args.output:
        return str(args.output)
    key = args.reprint or args.order or "label"
    return f"label-{''.join(ch if ch.isalnum() or ch in '-_' else '_' for ch in key)}.pdf"


def cmd_label(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    if args.list:
        if args.order or args.box or args.days < 1:
            raise _bad("--list", "takes an integration alone, and --days of 1 or more")
        return cmd_list(integration, args)
    if args.void:
        integration.void_label(args.void)
        if args.json:
            print_json({"integration": integration.id, "package_id": args.void, "voided": True})
        else:
            print(f"package {args.void}: label voided")
        return 0
    if args.reprint:
        if args.order or args.box:
            raise _bad("--reprint", "takes a package id alone (no --order or --box)")
        target = output_paths(_default_output(args), 1)[0]
        label = integration.reprint(args.reprint)
        written, kept = _write(label, target, args.overwrite)
        notes = [*label.warnings, *([kept] if kept else [])]
        if args.json:
            print_json(
                {
                    "integration": integration.id,
                    "package_id": label.package_id,
                    "tracking_number": label.tracking_number,
                    "file": str(written),
                    "notes": notes,
                }
            )
        else:
            note = f" ({'; '.join(notes)})" if notes else ""
            print(f"package {label.package_id}: tracking {label.tracking_number or '-'} -> {written}{note}")
        return 0
    if not args.order:
        raise _bad("--order", "is required (or --reprint PACKAGE, or --void PACKAGE)")
    parcels = _parcels(integration, args)
    paths = output_paths(_default_output(args), len(parcels))
    report = integration.create_labels(args.order, parcels, service_id=args.service)
    boxes: list[dict[str, Any]] = []
    for number, (result, path) in enumerate(zip(report.results, paths, strict=True), start=1):
        box: dict[str, Any] = {
            "box": number,
            "channel_line_ids": list(result.channel_line_ids),
            "outcome": result.outcome,
            "message": result.message,
        }
        boxes.append(box)
        if result.label is None:
            if not args.json:
                print(f"box {number} ({','.join(result.channel_line_ids)}): refused: {result.message}")
            continue
        label = result.label
        written, kept = _write(label, path, args.overwrite)
        box.update(
            package_id=label.package_id,
            tracking_number=label.tracking_number,
            carrier=label.carrier,
            file=str(written),
            notes=[kept] if kept else [],
        )
        if not args.json:
            print(
                f"box {number}: package {label.package_id}, tracking {label.tracking_number or '-'}, "
                f"carrier {label.carrier or '-'} ({result.outcome.replace('_', ' ')}) -> {written}"
                + (f" ({kept})" if kept else "")
            )
    created = sum(r.outcome == "created" for r in report.results)
    ok = all(r.outcome != "refused" for r in report.results)
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "order_id": args.order,
                "boxes": boxes,
                "bought": created,
                "ok": ok,
            }
        )
    else:
        print(
            f"{created} label(s) bought, {len(report.results) - created} not bought now "
            "(already bought or refused)"
        )
    return 0 if ok else 1


def cmd_shipping_services(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    parcels = _parcels(integration, args)
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "order_id": args.order,
                "boxes": [
                    {
                        "box": number,
                        "channel_line_ids": list(parcel.channel_line_ids),
                        "services": [
                            s.model_dump(mode="json") for s in integration.shipping_services(parcel)
                        ],
                    }
                    for number, parcel in enumerate(parcels, start=1)
                ],
            }
        )
        return 0
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
            "channel-connectors label ID --list            # which orders can take a label, with item ids",
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
        "--output",
        help="file to write (default label-ORDER.pdf; several boxes: label-ORDER-1.pdf, ...); a file already "
        "there holding another label is kept and the new one written beside it",
    )
    label.add_argument(
        "--overwrite", action="store_true", help="replace an existing --output file holding something else"
    )
    label.add_argument("--json", action="store_true", help="print the outcome as JSON (shape: docs/cli.md)")
    label.add_argument("--reprint", metavar="PACKAGE", help="fetch the label of this package again")
    label.add_argument(
        "--void", metavar="PACKAGE", help="void the label of this package (where the channel can)"
    )
    label.add_argument(
        "--list", action="store_true", help="list the orders that can take a channel label now, with item ids"
    )
    label.add_argument("--days", type=int, default=14, help="with --list: how many days back (default 14)")
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
    services.add_argument(
        "--json", action="store_true", help="print the services as JSON (shape: docs/cli.md)"
    )
    services.set_defaults(handler=cmd_shipping_services)
