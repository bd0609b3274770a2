"""Several boxes for one TikTok order: outside the US the package exists from payment, so the order is
split first (Get Order Split Attributes, then Split Orders; reference.md#split), one package per box. In
the US the label call itself carries each box's lines (an in-shipping split), so nothing is called here.
"""

from __future__ import annotations

from collections.abc import Sequence

from connector_core import ConnectorContext, Interception
from connector_core.errors import ChannelError, ConnectorError, LabelNotAllowed
from connector_core.models import LabelParcel

from .client import TikTokClient
from .label_rules import (
    BUY_LABEL_MARKETS,
    Order,
    check_qualifies,
    check_split_rules,
    existing_label_package,
    market,
    package_of,
    read_order,
    refusal,
)

SPLIT_TOLERATES = (Interception.CANCELLATION_REQUESTED,)
"""A split buys nothing: the core checked the order before it, and the label call checks again right before
buying (with the host's overrides)."""


def split_parcels(ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:
    order = read_order(ctx, order_id)
    region = market(ctx, order)
    check_split_rules(order, parcels, region)
    if region in BUY_LABEL_MARKETS:
        # In-shipping split: no split call, each label call carries its box's lines.
        if not all(existing_label_package(order, p) for p in parcels):
            check_qualifies(order, SPLIT_TOLERATES)
        return list(parcels)
    packaged = [package_of(order, p) for p in parcels]
    if all(packaged):
        return [p.model_copy(update={"package_id": pkg}) for p, pkg in zip(parcels, packaged, strict=True)]
    check_qualifies(order, SPLIT_TOLERATES)
    return _split(ctx, order, parcels)


def _split(ctx: ConnectorContext, order: Order, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:
    client = TikTokClient(ctx)
    order_id = str(order["id"])
    attributes = client.get(client.path("fulfillment", "orders/split_attributes"), {"order_ids": [order_id]})
    for entry in attributes.get("split_attributes") or []:
        if str(entry.get("order_id")) == order_id and not entry.get("can_split"):
            reason = entry.get("reason") or "no reason given"
            raise LabelNotAllowed(
                f"order {order_id}: TikTok will not split it ({reason}); label it as one box, or split it in Seller Center"
            )
    groups = [
        {"id": str(n), "order_line_item_ids": list(p.channel_line_ids)} for n, p in enumerate(parcels, 1)
    ]
    try:
        data = client.post(
            client.path("fulfillment", f"orders/{order_id}/split"), {"splittable_groups": groups}
        )
    except ChannelError as exc:
        refused = refusal(exc, f"order {order_id}: splitting into {len(parcels)} boxes")
        if refused is None:
            raise
        raise LabelNotAllowed(str(refused)) from None
    by_group = {str(p.get("splittable_group_id")): str(p.get("id")) for p in data.get("packages") or []}
    if set(by_group) != {g["id"] for g in groups}:
        raise ConnectorError(f"order {order_id}: TikTok's split answer names other groups than those sent")
    return [p.model_copy(update={"package_id": by_group[str(n)]}) for n, p in enumerate(parcels, 1)]
