"""Shipments: one ShopCart fulfillment per parcel, with tracking, for the line items the core recorded.

Before any write the order's fulfillments are read back: a parcel whose tracking number is already on a
fulfillment is `already_confirmed` without a call (a retry after a lost answer ships nothing twice).
"""

from __future__ import annotations

from connector_core import (
    ConnectorContext,
    ParcelResult,
    Shipment,
    ShipmentNotAllowed,
    ShipmentRejected,
    ShipmentReport,
)
from connector_core.errors import ChannelError, ChannelUnavailable, RateLimited
from connector_core.models import ShipmentLine

from .client import ShopCartClient
from .orders import raw_orders
from .statuses import SHIPPABLE


def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: list[str]) -> Shipment:
    """Each parcel's line ids: those the host named by id or SKU, else every open line not held."""
    found = raw_orders(ctx, [shipment.order_id])
    if not found:
        raise ShipmentRejected(f"order {shipment.order_id}: ShopCart has no such order")
    order = found[0]
    if order.get("cancelled_at") or order.get("financial_status") not in SHIPPABLE:
        raise ShipmentNotAllowed(
            f"order {shipment.order_id}: ShopCart does not let it be fulfilled ({order.get('financial_status')})"
        )
    open_lines = [
        line
        for line in order["line_items"]
        if line.get("fulfillment_status") != "fulfilled" and str(line["id"]) not in held_line_ids
    ]
    taken: set[str] = set()
    parcels = []
    for parcel in shipment.parcels:
        ids: list[str] = []
        for wanted in parcel.lines:
            if wanted.channel_line_ids:
                ids.extend(wanted.channel_line_ids)
                continue
            match = next(
                (
                    str(x["id"])
                    for x in open_lines
                    if x.get("sku") == wanted.sku and str(x["id"]) not in taken
                ),
                None,
            )
            if match is None:
                raise ShipmentRejected(f"order {shipment.order_id}: no open line with SKU {wanted.sku!r}")
            ids.append(match)
        if not parcel.lines:
            ids = [str(x["id"]) for x in open_lines if str(x["id"]) not in taken]
        taken.update(ids)
        parcels.append(parcel.model_copy(update={"lines": [ShipmentLine(channel_line_ids=ids)]}))
    return shipment.model_copy(update={"parcels": parcels})


def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:
    client = ShopCartClient(ctx)
    path = client.path(f"orders/{shipment.order_id}/fulfillments")
    existing = client.get(path)
    on_channel = {str(f.get("tracking_number")) for f in existing.get("fulfillments") or []}
    results: list[ParcelResult] = []
    calls = 1
    for parcel in shipment.parcels:
        line_ids = [i for line in parcel.lines for i in line.channel_line_ids]
        if parcel.tracking_number in on_channel:
            results.append(
                ParcelResult(
                    tracking_number=parcel.tracking_number,
                    carrier=parcel.carrier,
                    outcome="already_confirmed",
                    channel_line_ids=line_ids,
                )
            )
            continue
        body = {
            "fulfillment": {
                "tracking_number": parcel.tracking_number,
                "tracking_company": parcel.carrier,
                "line_items": [{"id": int(i)} for i in line_ids],
            }
        }
        calls += 1
        try:
            answer = client.call("POST", path, body=body, safe_to_repeat=False).body
        except (ChannelUnavailable, RateLimited):
            raise  # the outcome is unknown: the core keeps the intent and asks again (this read-back decides)
        except ChannelError as exc:
            if exc.http_status == 422:
                results.append(
                    ParcelResult(
                        tracking_number=parcel.tracking_number,
                        carrier=parcel.carrier,
                        outcome="rejected",
                        channel_line_ids=line_ids,
                        code=str(exc.code),
                        message=exc.channel_message,
                    )
                )
                continue
            raise
        created = answer.get("fulfillment") or {}
        results.append(
            ParcelResult(
                tracking_number=parcel.tracking_number,
                carrier=parcel.carrier,
                outcome="confirmed",
                package_id=str(created.get("id") or "") or None,
                channel_line_ids=line_ids,
            )
        )
    return ShipmentReport(order_id=shipment.order_id, parcels=results, calls=calls)
