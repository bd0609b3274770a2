"""TikTok Shipping labels: for orders TikTok ships (`shipping_type` TIKTOK), the seller buys the label here.

Two flows by market (reference.md#labels-us, #labels-outside-us): US shops buy a label per box with Create Packages, the box's
line ids in the call (an in-shipping split). Elsewhere the package exists from payment: several boxes are
split first (Split Orders, after Get Order Split Attributes), and each package is shipped with a handover
method (drop-off, or pickup in an offered slot). Then the shipping document is downloaded.

Every write is preceded by a read of the order: lines already labelled in a package of exactly this box
mean the label was bought before (a lost answer, a crash), so it is returned, never bought again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from connector_core import ConnectorContext, Interception, Label, Money, OrderIntercepted
from connector_core.clock import from_unix, to_unix
from connector_core.errors import (
    ChannelError,
    ConnectorError,
    LabelNotAllowed,
    LabelRefused,
    LabelVoidUnsupported,
)
from connector_core.models import HandoverChoice, LabelParcel, ShippingService

from .client import TikTokClient
from .label_documents import fetch_document
from .orders import raw_orders

BUY_LABEL_MARKETS = frozenset({"US"})
# Split Orders keeps all units of a SKU together in these markets (reference.md#split); elsewhere any line goes.
ALL_UNITS_SPLIT_MARKETS = frozenset({"BR", "MX", "ID", "TH", "SG", "MY", "VN", "PH"})
LABEL_STATUSES = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
SELLER_CENTER_VOID = (
    "TikTok has no API to void or refund a TikTok Shipping label: void or re-create it in TikTok Seller Center "
    "(Orders > Manage orders), or cancel the order there"
)
GRAMS = {"g": Decimal(1), "kg": Decimal(1000)}
POUNDS = {"lb": Decimal(1), "oz": Decimal(1) / Decimal(16)}
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
SPLIT_TOLERATES = (Interception.CANCELLATION_REQUESTED,)
"""A split buys nothing: the core checked the order before it, and the label call checks again right before
buying (with the host's overrides)."""


def _refused(exc: ChannelError, what: str) -> LabelRefused | None:
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


def _lines(order: Order, parcel: LabelParcel) -> list[Mapping[str, Any]]:
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


def _package_lines(order: Order, package_id: str) -> set[str]:
    return {str(li["id"]) for li in order.get("line_items") or [] if str(li.get("package_id")) == package_id}


def existing_label_package(order: Order, parcel: LabelParcel) -> str | None:
    """The package already labelled for exactly this box, or None when none of its lines has a label yet."""
    lines = _lines(order, parcel)
    labelled = [li for li in lines if _labelled(li)]
    if not labelled:
        return None
    packages = {str(li.get("package_id")) for li in lines}
    if len(labelled) == len(lines) and len(packages) == 1:
        package_id = packages.pop()
        if _package_lines(order, package_id) == set(parcel.channel_line_ids):
            return package_id
    ids = sorted(str(li["id"]) for li in labelled)
    raise LabelNotAllowed(
        f"order {order.get('id')}: line items {ids} already have a label in another box; list the order's labels "
        "and label only the lines left (a bought label is voided in Seller Center, not here)"
    )


# --- boxes, weights, split ----------------------------------------------------------------------------------


def wire_weight(parcel: LabelParcel) -> dict[str, str] | None:
    weight = parcel.weight
    if weight is None:
        return None
    if weight.unit in GRAMS:
        return {"value": _plain(weight.value * GRAMS[weight.unit]), "unit": "GRAM"}
    return {"value": _plain(weight.value * POUNDS[weight.unit]), "unit": "POUND"}


def wire_dimension(parcel: LabelParcel) -> dict[str, str] | None:
    size = parcel.dimensions
    if size is None:
        return None
    unit = "CM" if size.unit == "cm" else "INCH"
    return {
        "length": _plain(size.length),
        "width": _plain(size.width),
        "height": _plain(size.height),
        "unit": unit,
    }


def _plain(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.001")).normalize(), "f")
    return text


def check_split_rules(order: Order, parcels: Sequence[LabelParcel], region: str) -> None:
    """Refuse, before any call, a box set TikTok's split rules for this market refuse (reference.md#split)."""
    if region not in ALL_UNITS_SPLIT_MARKETS or len(parcels) < 2:
        return
    sku_box: dict[str, int] = {}
    for number, parcel in enumerate(parcels, start=1):
        for line in _lines(order, parcel):
            sku = str(line.get("sku_id"))
            if sku_box.setdefault(sku, number) != number:
                raise LabelNotAllowed(
                    f"order {order.get('id')}: in {region} TikTok keeps every unit of a SKU in one package; "
                    f"SKU {line.get('seller_sku') or sku} is in boxes {sku_box[sku]} and {number}: pack its units together"
                )


def split_parcels(ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:
    order = read_order(ctx, order_id)
    region = market(ctx, order)
    check_split_rules(order, parcels, region)
    if region in BUY_LABEL_MARKETS:
        # In-shipping split: no split call, each label call carries its box's lines.
        if not all(existing_label_package(order, p) for p in parcels):
            check_qualifies(order, SPLIT_TOLERATES)
        return list(parcels)
    packaged = [_package_of(order, p) for p in parcels]
    if all(packaged):
        return [p.model_copy(update={"package_id": pkg}) for p, pkg in zip(parcels, packaged, strict=True)]
    check_qualifies(order, SPLIT_TOLERATES)
    return _split(ctx, order, parcels)


def _package_of(order: Order, parcel: LabelParcel) -> str | None:
    """The package holding exactly this box's lines (no split needed), else None."""
    packages = {str(li.get("package_id") or "") for li in _lines(order, parcel)}
    if len(packages) != 1 or "" in packages:
        return None
    package_id = packages.pop()
    return package_id if _package_lines(order, package_id) == set(parcel.channel_line_ids) else None


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
        refused = _refused(exc, f"order {order_id}: splitting into {len(parcels)} boxes")
        if refused is None:
            raise
        raise LabelNotAllowed(str(refused)) from None
    by_group = {str(p.get("splittable_group_id")): str(p.get("id")) for p in data.get("packages") or []}
    if set(by_group) != {g["id"] for g in groups}:
        raise ConnectorError(f"order {order_id}: TikTok's split answer names other groups than those sent")
    return [p.model_copy(update={"package_id": by_group[str(n)]}) for n, p in enumerate(parcels, 1)]


# --- services, handover, label -----------------------------------------------------------------------------


def shipping_services(ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:
    order = read_order(ctx, parcel.order_id)
    check_qualifies(order)
    _lines(order, parcel)
    if market(ctx, order) not in BUY_LABEL_MARKETS:
        return []  # TikTok assigns the carrier when the order is placed (UK/EU and others)
    client = TikTokClient(ctx)
    path = client.path("fulfillment", f"orders/{parcel.order_id}/shipping_services/query")
    try:
        data = client.post(path, _box_body(parcel), safe_to_repeat=True)
    except ChannelError as exc:
        refused = _refused(exc, f"order {parcel.order_id}")
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


def _box_body(parcel: LabelParcel) -> dict[str, Any]:
    body: dict[str, Any] = {"order_line_item_ids": list(parcel.channel_line_ids)}
    if (weight := wire_weight(parcel)) is not None:
        body["weight"] = weight
    if (dimension := wire_dimension(parcel)) is not None:
        body["dimension"] = dimension
    return body


def handover_choices(ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:
    order = read_order(ctx, parcel.order_id)
    if market(ctx, order) in BUY_LABEL_MARKETS:
        return []  # US: the carrier collects or the seller drops off as TikTok arranged; nothing to choose here
    package_id = parcel.package_id or _package_of(order, parcel)
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
    body = {"order_id": parcel.order_id, **_box_body(parcel)}
    if service_id:
        body["shipping_service_id"] = service_id
    try:
        data = client.post(client.path("fulfillment", "packages"), body)
    except ChannelError as exc:
        refused = _refused(exc, f"order {parcel.order_id}, box {','.join(parcel.channel_line_ids)}")
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
    package_id = parcel.package_id or _package_of(order, parcel)
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
        refused = _refused(exc, f"package {package_id}")
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
