"""TikTok Shipping labels: for orders TikTok ships (`shipping_type` TIKTOK), the seller buys the label here.

Two flows by market (reference.md#labels-us, #labels-outside-us): US shops buy a label per box with Create Packages, the box's
line ids in the call (an in-shipping split). Elsewhere the package exists from payment: several boxes are
split first (Split Orders, after Get Order Split Attributes), and each package is shipped with a handover
method (drop-off, or pickup in an offered slot). Then the shipping document is downloaded.

The rules (which orders and boxes, what refusals mean) are in label_rules.py, the box on the wire in
label_boxes.py, the split in label_split.py; this module buys, ships and fetches.

Every write is preceded by a read of the order: lines already labelled in a package of exactly this box
mean the label was bought before (a lost answer, a crash), so it is returned, never bought again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from connector_core import ConnectorContext, Interception, Label, Money
from connector_core.clock import from_unix, to_unix
from connector_core.errors import ChannelError, LabelNotAllowed, LabelRefused, LabelVoidUnsupported
from connector_core.models import HandoverChoice, LabelParcel, ShippingService

from .client import TikTokClient
from .label_boxes import box_body
from .label_documents import fetch_document
from .label_rules import (
    BUY_LABEL_MARKETS,
    Order,
    box_lines,
    check_qualifies,
    existing_label_package,
    market,
    package_of,
    read_order,
    refusal,
)
from .label_rules import check_split_rules as check_split_rules
from .label_split import split_parcels as split_parcels

SELLER_CENTER_VOID = (
    "TikTok has no API to void or refund a TikTok Shipping label: void or re-create it in TikTok Seller Center "
    "(Orders > Manage orders), or cancel the order there"
)


def shipping_services(ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:
    order = read_order(ctx, parcel.order_id)
    check_qualifies(order)
    box_lines(order, parcel)
    if market(ctx, order) not in BUY_LABEL_MARKETS:
        return []  # TikTok assigns the carrier when the order is placed (UK/EU and others)
    client = TikTokClient(ctx)
    path = client.path("fulfillment", f"orders/{parcel.order_id}/shipping_services/query")
    try:
        data = client.post(path, box_body(parcel), safe_to_repeat=True)
    except ChannelError as exc:
        refused = refusal(exc, f"order {parcel.order_id}")
        if refused is None:
            raise
        raise refused from None
    return [_service(s) for s in data.get("shipping_services") or []]


def _service(raw: Mapping[str, Any]) -> ShippingService:
    price = None
    if raw.get("price") not in (None, "") and len(str(raw.get("currency") or "")) == 3:
        price = Money(amount=Decimal(str(raw["price"])), currency=str(raw["currency"]))
    return ShippingService(
        id=str(raw.get("id")),
        name=str(raw.get("name") or ""),
        carrier=str(raw.get("shipping_provider_name") or "") or None,
        price=price,
        delivery_days_min=raw.get("earliest_delivery_days"),
        delivery_days_max=raw.get("latest_delivery_days"),
        is_default=bool(raw.get("is_default")),
    )


def handover_choices(ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:
    order = read_order(ctx, parcel.order_id)
    if market(ctx, order) in BUY_LABEL_MARKETS:
        return []  # US: the carrier collects or the seller drops off as TikTok arranged; nothing to choose here
    package_id = parcel.package_id or package_of(order, parcel)
    if package_id is None:
        raise LabelNotAllowed(
            f"order {parcel.order_id}: these lines are not one package yet; create the labels (which splits the order) "
            "or list the choices for the whole package"
        )
    client = TikTokClient(ctx)
    data = client.get(client.path("fulfillment", f"packages/{package_id}/handover_time_slots"))
    choices: list[HandoverChoice] = []
    if data.get("can_drop_off"):
        url = str(data.get("drop_off_point_url") or "") or None
        choices.append(HandoverChoice(method="drop_off", drop_off_points_url=url))
    if data.get("can_pickup"):
        for slot in data.get("pickup_slots") or []:
            choices.append(
                HandoverChoice(
                    method="pickup",
                    slot_start=from_unix(int(slot["start_time"])),
                    slot_end=from_unix(int(slot["end_time"])),
                    available=bool(slot.get("avaliable", slot.get("available", False))),  # TikTok's spelling
                )
            )
    return choices


def create_label(
    ctx: ConnectorContext,
    parcel: LabelParcel,
    service_id: str | None,
    handover: HandoverChoice | None,
    overrides: Collection[Interception] = (),
) -> Label:
    order = read_order(ctx, parcel.order_id)
    client = TikTokClient(ctx)
    done = existing_label_package(order, parcel)
    if done is not None:
        return fetch_document(ctx, client, done, order).model_copy(update={"order_id": parcel.order_id})
    check_qualifies(
        order, overrides
    )  # the latest read, right before buying: a request since the plan stops it
    chosen: HandoverChoice | None = None
    if market(ctx, order) in BUY_LABEL_MARKETS:
        package_id, service = _buy(client, parcel, service_id)
    else:
        (package_id, chosen), service = _ship(ctx, client, order, parcel, handover), None
    after = read_order(ctx, parcel.order_id)
    label = fetch_document(ctx, client, package_id, after)
    return label.model_copy(update={"order_id": parcel.order_id, "service": service, "handover": chosen})


def _buy(client: TikTokClient, parcel: LabelParcel, service_id: str | None) -> tuple[str, str | None]:
    body = {"order_id": parcel.order_id, **box_body(parcel)}
    if service_id:
        body["shipping_service_id"] = service_id
    try:
        data = client.post(client.path("fulfillment", "packages"), body)
    except ChannelError as exc:
        refused = refusal(exc, f"order {parcel.order_id}, box {','.join(parcel.channel_line_ids)}")
        if refused is None:
            raise  # unknown outcome: the core keeps the intent pending and a retry reads the order back
        raise refused from None
    info = data.get("shipping_service_info") or {}
    return str(data["package_id"]), (str(info.get("name")) if info.get("name") else None)


def _ship(
    ctx: ConnectorContext,
    client: TikTokClient,
    order: Order,
    parcel: LabelParcel,
    handover: HandoverChoice | None,
) -> tuple[str, HandoverChoice]:
    package_id = parcel.package_id or package_of(order, parcel)
    if package_id is None:
        raise LabelNotAllowed(
            f"order {parcel.order_id}: lines {parcel.channel_line_ids} are not one TikTok package; "
            "give every box of the order in one call so the order can be split"
        )
    choice = handover or _default_handover(ctx, parcel.model_copy(update={"package_id": package_id}))
    body: dict[str, Any] = {"handover_method": "PICKUP" if choice.method == "pickup" else "DROP_OFF"}
    if choice.method == "pickup":
        if choice.slot_start is None or choice.slot_end is None:
            raise LabelNotAllowed(
                f"order {parcel.order_id}: a pickup needs a time slot; list the handover choices"
            )
        body["pickup_slot"] = {"start_time": to_unix(choice.slot_start), "end_time": to_unix(choice.slot_end)}
    try:
        client.post(client.path("fulfillment", f"packages/{package_id}/ship"), body)
    except ChannelError as exc:
        refused = refusal(exc, f"package {package_id}")
        if refused is None:
            raise
        raise refused from None
    return package_id, choice


def _default_handover(ctx: ConnectorContext, parcel: LabelParcel) -> HandoverChoice:
    """Drop-off when TikTok offers it (no slot to miss), else the first available pickup slot."""
    choices = handover_choices(ctx, parcel)
    for choice in choices:
        if choice.method == "drop_off":
            return choice
    for choice in choices:
        if choice.available:
            return choice
    raise LabelRefused(
        f"order {parcel.order_id}: TikTok offers no drop-off and no free pickup slot; try again later"
    )


def fetch_label(ctx: ConnectorContext, package_id: str) -> Label:
    client = TikTokClient(ctx)
    detail = client.get(client.path("fulfillment", f"packages/{package_id}"))
    order_ids = [str(o.get("id")) for o in detail.get("orders") or [] if o.get("id")]
    order = read_order(ctx, order_ids[0]) if order_ids else None
    return fetch_document(ctx, client, package_id, order)


def void_label(ctx: ConnectorContext, package_id: str) -> bool:
    raise LabelVoidUnsupported(f"package {package_id}: {SELLER_CENTER_VOID}")
