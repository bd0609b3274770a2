"""Shipment confirmation for Seller Shipping orders: tracking and carrier to TikTok, one parcel at a time.

US, UK, ES and IE shops "mark a package as shipped" with the order's line-item ids (one call per
parcel, so multi-parcel shipments work); other markets ship an existing package by id with
`self_shipment`. Before any write the order is read back from TikTok, which makes a retried
confirmation whose first answer was lost harmless: lines already carrying this tracking number are
reported as confirmed, not shipped twice. A changed tracking number inside TikTok's 72-hour window
updates the shipping info instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from typing import Any

from connector_core import (
    ConnectorContext,
    Interception,
    OrderIntercepted,
    ParcelResult,
    Shipment,
    ShipmentLine,
    ShipmentNotAllowed,
    ShipmentParcel,
    ShipmentRejected,
    ShipmentReport,
)
from connector_core.clock import from_unix
from connector_core.errors import ChannelError, ConnectorError, ItemRejected
from connector_core.models import ParcelOutcome

from .client import TikTokClient
from .orders import raw_orders

log = logging.getLogger("connectors.tiktok_shop.fulfillment")

MARK_SHIPPED_MARKETS = frozenset({"US", "GB", "UK", "ES", "IE"})
TRACKING_UPDATE_WINDOW = timedelta(hours=72)
SHIPPABLE_STATUSES = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
CARRIERS = "carriers"

Line = Mapping[str, Any]


class ParcelRejected(Exception):
    """This parcel cannot be confirmed as asked; the message says why and what to do."""


def normalise_carrier(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


EU5_MARKETS = frozenset({"DE", "FR", "IT", "ES", "IE"})
"""EU markets whose providers depend on the route from 2026 (reference.md#eu5-providers)."""


def shipping_providers(
    ctx: ConnectorContext,
    client: TikTokClient,
    delivery_option_id: str,
    origin: str | None = None,
    destination: str | None = None,
) -> list[dict[str, str]]:
    """The carriers of a delivery option; for an EU route, of that (origin, destination) pair."""
    route: dict[str, str] = {}
    if origin and destination and (origin.upper() in EU5_MARKETS or destination.upper() in EU5_MARKETS):
        route = {"warehouse_region": origin.upper(), "buyer_region": destination.upper()}
    key = ":".join([delivery_option_id, *route.values()])
    cached = ctx.cache.get(CARRIERS, key)
    if cached is not None:
        return list(cached)
    path = client.path("logistics", f"delivery_options/{delivery_option_id}/shipping_providers")
    providers = [
        {"id": str(p["id"]), "name": str(p.get("name", ""))}
        for p in client.get(path, route or None).get("shipping_providers") or []
    ]
    ctx.cache.put(CARRIERS, {key: providers})
    return providers


def resolve_carrier(ctx: ConnectorContext, client: TikTokClient, order: Line, carrier: str) -> str:
    """The `shipping_provider_id` for a carrier name: tolerant of case, spacing and the configured aliases."""
    option = order.get("delivery_option_id")
    if not option:
        raise ParcelRejected(f"order {order.get('id')} has no delivery option, so no carrier can be matched")
    origin = ctx.account.region if ctx.account else None  # the shop's market: its warehouses are there
    destination = (order.get("recipient_address") or {}).get("region_code")
    providers = shipping_providers(ctx, client, str(option), origin, destination)
    aliases = {normalise_carrier(k): v for k, v in (ctx.settings.get("carrier_aliases") or {}).items()}
    wanted = normalise_carrier(aliases.get(normalise_carrier(carrier), carrier))
    for provider in providers:
        if normalise_carrier(provider["name"]) == wanted or provider["id"] == carrier:
            return provider["id"]
    names = ", ".join(p["name"] for p in providers) or "none"
    raise ParcelRejected(
        f"carrier {carrier!r} is not offered for this order's delivery option; valid carriers: {names} "
        "(or map yours in the 'carrier_aliases' setting)"
    )


def _shipped(line: Line) -> bool:
    return bool(line.get("tracking_number")) or line.get("package_status") not in (None, "", "TO_FULFILL")


def _cancelled(line: Line) -> bool:
    return line.get("display_status") == "CANCELLED"


def select_lines(order: Line, parcel: ShipmentParcel, taken: set[str]) -> list[Line]:
    """The order's line items this parcel covers, unshipped ones first; raises when they cannot be found.
    A cancelled unit is never chosen, and naming one is refused."""
    all_lines = order.get("line_items") or []
    cancelled = {str(li.get("id")) for li in all_lines if _cancelled(li)}
    named = {i for wanted in parcel.lines for i in wanted.channel_line_ids}
    if named & cancelled:
        raise ParcelRejected(f"line items {sorted(named & cancelled)} were cancelled: leave them out")
    lines = [li for li in all_lines if str(li.get("id")) not in taken and not _cancelled(li)]
    # A parcel described by SKU (or by nothing) only takes units not shipped yet: a shipped unit is
    # another parcel's, re-tracked only by an explicit correction (the core sends its recorded ids).
    unshipped = [li for li in lines if not _shipped(li)]
    if not parcel.lines:
        if not unshipped:
            raise ParcelRejected("the order has no line left to ship")
        return unshipped
    chosen = []
    for wanted in parcel.lines:
        if wanted.channel_line_ids:
            ids = set(wanted.channel_line_ids)
            if ids & taken:
                raise ParcelRejected(
                    f"line items {sorted(ids & taken)} belong to another parcel of this order "
                    "(confirmed in this shipment, or an earlier confirmation whose outcome is not known yet: "
                    "confirm that one again first)"
                )
            picked = [li for li in lines if str(li.get("id")) in ids]
            if len(picked) != len(ids):
                raise ParcelRejected(
                    f"line item ids {sorted(ids - {str(li.get('id')) for li in picked})} are not on the order"
                )
        else:
            matching = [li for li in unshipped if li.get("seller_sku") == wanted.sku and li not in chosen]
            picked = matching[: wanted.quantity or len(matching)]
            if not picked or (wanted.quantity and len(picked) < wanted.quantity):
                raise ParcelRejected(
                    f"SKU {wanted.sku!r}: asked to ship {wanted.quantity or 'all'}, the order has {len(matching)} unit(s) left"
                )
        chosen.extend(picked)
    return chosen


def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str]) -> Shipment:
    """Each parcel resolved to the exact line item ids it covers, reading the order once; nothing sent.

    Parcels are resolved in order, each taking lines the ones before it did not (two "SKU x 1" parcels of
    an order with two units get one unit each), and never a line an uncertain earlier parcel holds.
    """
    order = _read_order(ctx, shipment.order_id)
    _check_order_can_ship(order, shipment.overrides)
    taken = {str(i) for i in held_line_ids}
    planned = []
    for parcel in shipment.parcels:
        try:
            ids = [str(li["id"]) for li in select_lines(order, parcel, taken)]
        except ParcelRejected as exc:
            raise ShipmentRejected(
                f"order {shipment.order_id}, parcel {parcel.tracking_number}: {exc}"
            ) from None
        taken.update(ids)
        planned.append(parcel.model_copy(update={"lines": [ShipmentLine(channel_line_ids=ids)]}))
    return shipment.model_copy(update={"parcels": planned})


def _read_order(ctx: ConnectorContext, order_id: str) -> Line:
    found = raw_orders(ctx, [order_id])
    if not found:
        raise ConnectorError(f"order {order_id}: TikTok returned no such order for this shop")
    return found[0]


def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:
    # The 'push_shipments' switch is the core's rule (connector_core.rules): switched off, this is never called.
    client = TikTokClient(ctx)
    order = _read_order(ctx, shipment.order_id)
    if not _all_confirmed_already(order, shipment):
        # The latest read, right before the write: a cancellation requested since the plan stops it here.
        _check_order_can_ship(order, shipment.overrides)
    taken: set[str] = set()
    results: list[ParcelResult] = []
    calls = 0
    for parcel in shipment.parcels:
        result, made_call = _confirm_parcel(ctx, client, order, parcel, taken)
        calls += made_call
        taken.update(result.channel_line_ids)
        results.append(result)
    return ShipmentReport(order_id=shipment.order_id, parcels=results, calls=calls)


def _all_confirmed_already(order: Line, shipment: Shipment) -> bool:
    """Every parcel's tracking is on the order already (a retry after a lost answer): nothing to check."""
    have = {li.get("tracking_number") for li in order.get("line_items") or [] if li.get("tracking_number")}
    return all(p.tracking_number in have for p in shipment.parcels)


def _check_order_can_ship(order: Line, overrides: Collection[Interception] = ()) -> None:
    """Refuse an order TikTok ships itself, one not in a shippable status, or one with an open
    cancellation request (reference.md#cancellation-fields: in the US shipping would silently reject it)."""
    order_id = str(order.get("id"))
    kind = order.get("fulfillment_type")
    if kind and kind != "FULFILLMENT_BY_SELLER":
        raise OrderIntercepted(
            order_id,
            f"order {order_id} is fulfilled by TikTok's warehouse or a partner ({kind}): there is nothing to ship",
            None,
        )
    if order.get("shipping_type") == "TIKTOK":
        raise ShipmentNotAllowed(
            f"order {order_id} uses TikTok Shipping: buy its label from TikTok instead (Integration.create_labels, "
            f"or `channel-connectors label <integration> --order {order_id}`); TikTok then has the tracking"
        )
    status = order.get("status")
    if status in {"UNPAID", "ON_HOLD", "CANCELLED"}:
        raise ShipmentNotAllowed(f"order {order_id} is {status} on TikTok and cannot be shipped")
    if order.get("is_buyer_request_cancel") and Interception.CANCELLATION_REQUESTED not in overrides:
        raise OrderIntercepted(
            order_id,
            f"order {order_id}: the buyer asked to cancel it; decide the request before shipping, or override "
            f"'{Interception.CANCELLATION_REQUESTED.value}'",
            Interception.CANCELLATION_REQUESTED,
        )


def _confirm_parcel(
    ctx: ConnectorContext, client: TikTokClient, order: Line, parcel: ShipmentParcel, taken: set[str]
) -> tuple[ParcelResult, int]:
    def result(outcome: ParcelOutcome, **details: Any) -> ParcelResult:
        return ParcelResult(
            tracking_number=parcel.tracking_number, carrier=parcel.carrier, outcome=outcome, **details
        )

    try:
        lines = select_lines(order, parcel, taken)
        line_ids = [str(li["id"]) for li in lines]
        if all(li.get("tracking_number") == parcel.tracking_number for li in lines):
            return result(
                "already_confirmed",
                channel_line_ids=line_ids,
                package_id=_single_package(lines),
                message="TikTok already has this tracking number on these lines",
            ), 0
        provider_id = resolve_carrier(ctx, client, order, parcel.carrier)
        if all(not _shipped(li) for li in lines):
            package_id, warnings = _ship(ctx, client, order, lines, parcel.tracking_number, provider_id)
            return result(
                "confirmed",
                package_id=package_id,
                channel_line_ids=line_ids,
                warnings=warnings,
            ), 1
        if all(li.get("tracking_number") for li in lines):
            package_id = _update_tracking(ctx, client, order, lines, parcel.tracking_number, provider_id)
            return result("tracking_updated", package_id=package_id, channel_line_ids=line_ids), 1
        raise ParcelRejected("the parcel mixes shipped and unshipped lines: confirm them as separate parcels")
    except ParcelRejected as exc:
        return result("rejected", message=f"order {order.get('id')}: {exc}"), 0
    except ChannelError as exc:
        if not is_refusal(exc):
            raise  # an outage or an auth problem: the outcome is unknown, the read-back makes a retry safe
        return result("rejected", code=str(exc.code), message=exc.channel_message), 1


def is_refusal(exc: ChannelError) -> bool:
    """TikTok answered and said no to this parcel (not: could not be reached, rate limited, token or scope)."""
    return type(exc) in (ChannelError, ItemRejected)


def _single_package(lines: Sequence[Line]) -> str | None:
    packages = {str(li.get("package_id")) for li in lines if li.get("package_id")}
    return packages.pop() if len(packages) == 1 else None


def _market(ctx: ConnectorContext, order: Line) -> str:
    region = (ctx.account.region if ctx.account else None) or (order.get("recipient_address") or {}).get(
        "region_code"
    )
    return str(region or "").upper()


def _ship(
    ctx: ConnectorContext,
    client: TikTokClient,
    order: Line,
    lines: Sequence[Line],
    tracking: str,
    provider_id: str,
) -> tuple[str | None, list[str]]:
    order_id = str(order["id"])
    if _market(ctx, order) in MARK_SHIPPED_MARKETS:
        path = client.path("fulfillment", f"orders/{order_id}/packages")
        body = {
            "order_line_item_ids": [str(li["id"]) for li in lines],
            "tracking_number": tracking,
            "shipping_provider_id": provider_id,
        }
        data = client.post(path, body)
        warning = (data.get("warning") or {}).get("message")
        return (str(data["package_id"]) if data.get("package_id") else None), ([warning] if warning else [])
    package_id = _single_package(lines)
    if package_id is None:
        raise ParcelRejected(
            "these lines are not one TikTok package: split the order in Seller Center (or confirm whole packages)"
        )
    _require_whole_package(order, lines, package_id, "confirm")
    path = client.path("fulfillment", f"packages/{package_id}/ship")
    client.post(path, {"self_shipment": {"tracking_number": tracking, "shipping_provider_id": provider_id}})
    return package_id, []


def _require_whole_package(order: Line, lines: Sequence[Line], package_id: str, action: str) -> None:
    """A package call acts on every line in the package: refuse it for a parcel holding only some of them."""
    in_package = {
        str(li["id"]) for li in order.get("line_items") or [] if str(li.get("package_id")) == package_id
    }
    if in_package != {str(li["id"]) for li in lines}:
        raise ParcelRejected(
            f"package {package_id} holds other lines too: {action} the whole package in one parcel"
        )


def _update_tracking(
    ctx: ConnectorContext,
    client: TikTokClient,
    order: Line,
    lines: Sequence[Line],
    tracking: str,
    provider_id: str,
) -> str | None:
    shipped_at = max((int(li.get("rts_time") or order.get("rts_time") or 0) for li in lines), default=0)
    if shipped_at and ctx.clock.now() - from_unix(shipped_at) > TRACKING_UPDATE_WINDOW:
        raise ParcelRejected(
            f"shipped on {from_unix(shipped_at):%Y-%m-%d %H:%M} UTC: TikTok accepts tracking changes only within "
            "72 hours of shipping; change it in Seller Center"
        )
    package_id = _single_package(lines)
    if package_id is not None:
        _require_whole_package(order, lines, package_id, "change the tracking of")
    body = {"tracking_number": tracking, "shipping_provider_id": provider_id}
    if package_id is not None:
        client.post(client.path("fulfillment", f"packages/{package_id}/shipping_info/update"), body)
    else:
        client.post(client.path("fulfillment", f"orders/{order['id']}/shipping_info/update"), body)
    return package_id
