"""Which TikTok orders and boxes may get a label, read from the order itself: the order's market and status
(reference.md#labels-eligibility), the box's lines, a box already labelled (a label bought before: a lost
answer, a crash), the split rules per market (reference.md#split); and what TikTok's refusals of the
label calls mean.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from connector_core import ConnectorContext, Interception, OrderIntercepted
from connector_core.errors import ChannelError, LabelNotAllowed, LabelRefused
from connector_core.models import LabelParcel

from .orders import raw_orders

BUY_LABEL_MARKETS = frozenset({"US"})
# Split Orders keeps all units of a SKU together in these markets (reference.md#split); elsewhere any line goes.
ALL_UNITS_SPLIT_MARKETS = frozenset({"BR", "MX", "ID", "TH", "SG", "MY", "VN", "PH"})
LABEL_STATUSES = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
# Refusals of the label calls that mean "nothing was bought; change this": code -> what to do.
LABEL_REFUSALS: Mapping[int, str] = {
    21011037: "no TikTok Shipping service carries this box: lower the weight (split the box) or check the address",
    11021009: "no TikTok Shipping service carries this box: lower the weight (split the box) or check the address",
    11003011: "the shipping service does not fit this order: list them with `shipping-services` and pick one",
    21004008: "TikTok does not know that shipping service: list them with `shipping-services`",
    11021014: "the box is over the carrier's size limit: use smaller boxes",
    11021012: "TikTok says the buyer's address is invalid: the seller may cancel the order in Seller Center",
    10007014: "the package is in freeze status (a TikTok risk or review hold): wait for TikTok to release it, "
    "see the order in Seller Center",
    21011041: "the order was cancelled",
    21011007: "an after-sale (cancellation or refund) request is pending: answer it in Seller Center first",
    21042057: "the order is no longer awaiting shipment",
    21011053: "the pickup slot is not offered: list the handover choices and pick an available one",
    21011054: "no pickup slot is available: drop the parcel off instead",
    21011035: "TikTok will not split this order",
    21008106: "this call is not offered in the shop's market",
    21022026: "TikTok could not buy the label just now: try again later",
}

Order = Mapping[str, Any]


def refusal(exc: ChannelError, what: str) -> LabelRefused | None:
    advice = LABEL_REFUSALS.get(exc.code) if isinstance(exc.code, int) else None
    return None if advice is None else LabelRefused(f"{what}: {advice} (TikTok {exc.code})", str(exc.code))


def market(ctx: ConnectorContext, order: Order) -> str:
    region = (ctx.account.region if ctx.account else None) or (order.get("recipient_address") or {}).get(
        "region_code"
    )
    return str(region or "").upper()


def read_order(ctx: ConnectorContext, order_id: str) -> dict[str, Any]:
    found = raw_orders(ctx, [order_id])
    if not found:
        raise LabelNotAllowed(f"order {order_id}: TikTok returned no such order for this shop")
    return found[0]


def check_qualifies(order: Order, overrides: Collection[Interception] = ()) -> None:
    """TikTok sells a label only for TikTok Shipping orders awaiting shipment (reference.md#labels-eligibility)."""
    order_id = order.get("id")
    if order.get("fulfillment_type") == "FULFILLMENT_BY_TIKTOK":
        raise LabelNotAllowed(f"order {order_id} is fulfilled by TikTok: there is no seller label to buy")
    if order.get("shipping_type") != "TIKTOK":
        raise LabelNotAllowed(
            f"order {order_id} uses Seller Shipping (the shop, or this order, is not on TikTok Shipping): TikTok "
            "sells no label for it; ship with your own carrier and confirm the shipment with its tracking"
        )
    status = order.get("status")
    if status not in LABEL_STATUSES:
        raise LabelNotAllowed(
            f"order {order_id} is {status} on TikTok: labels are bought only while it awaits shipment"
        )
    if order.get("is_buyer_request_cancel") and Interception.CANCELLATION_REQUESTED not in overrides:
        raise OrderIntercepted(
            str(order_id),
            f"order {order_id}: the buyer asked to cancel it; decide the request before buying a label, or "
            f"override '{Interception.CANCELLATION_REQUESTED.value}'",
            Interception.CANCELLATION_REQUESTED,
        )


def box_lines(order: Order, parcel: LabelParcel) -> list[Mapping[str, Any]]:
    by_id = {str(li.get("id")): li for li in order.get("line_items") or []}
    unknown = [i for i in parcel.channel_line_ids if i not in by_id]
    if unknown:
        raise LabelNotAllowed(
            f"order {order.get('id')}: line item ids {unknown} are not on the order; use TikTok's item ids "
            "(`channel_line_ids` of the order's lines)"
        )
    lines = [by_id[i] for i in parcel.channel_line_ids]
    cancelled = [str(li["id"]) for li in lines if li.get("display_status") == "CANCELLED"]
    if cancelled:
        raise LabelNotAllowed(
            f"order {order.get('id')}: line items {cancelled} are cancelled; leave them out"
        )
    return lines


def _labelled(line: Mapping[str, Any]) -> bool:
    return bool(line.get("tracking_number"))


def package_lines(order: Order, package_id: str) -> set[str]:
    return {str(li["id"]) for li in order.get("line_items") or [] if str(li.get("package_id")) == package_id}


def existing_label_package(order: Order, parcel: LabelParcel) -> str | None:
    """The package already labelled for exactly this box, or None when none of its lines has a label yet."""
    lines = box_lines(order, parcel)
    labelled = [li for li in lines if _labelled(li)]
    if not labelled:
        return None
    packages = {str(li.get("package_id")) for li in lines}
    if len(labelled) == len(lines) and len(packages) == 1:
        package_id = packages.pop()
        if package_lines(order, package_id) == set(parcel.channel_line_ids):
            return package_id
    ids = sorted(str(li["id"]) for li in labelled)
    raise LabelNotAllowed(
        f"order {order.get('id')}: line items {ids} already have a label in another box; list the order's labels "
        "and label only the lines left (a bought label is voided in Seller Center, not here)"
    )


def package_of(order: Order, parcel: LabelParcel) -> str | None:
    """The package holding exactly this box's lines (no split needed), else None."""
    packages = {str(li.get("package_id") or "") for li in box_lines(order, parcel)}
    if len(packages) != 1 or "" in packages:
        return None
    package_id = packages.pop()
    return package_id if package_lines(order, package_id) == set(parcel.channel_line_ids) else None


def check_split_rules(order: Order, parcels: Sequence[LabelParcel], region: str) -> None:
    """Refuse, before any call, a box set TikTok's split rules for this market refuse (reference.md#split)."""
    if region not in ALL_UNITS_SPLIT_MARKETS or len(parcels) < 2:
        return
    sku_box: dict[str, int] = {}
    for number, parcel in enumerate(parcels, start=1):
        for line in box_lines(order, parcel):
            sku = str(line.get("sku_id"))
            if sku_box.setdefault(sku, number) != number:
                raise LabelNotAllowed(
                    f"order {order.get('id')}: in {region} TikTok keeps every unit of a SKU in one package; "
                    f"SKU {line.get('seller_sku') or sku} is in boxes {sku_box[sku]} and {number}: pack its units together"
                )
