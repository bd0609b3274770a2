"""TikTok Shipping labels (reference.md#labels): eligible services, Create Packages, split, handover slots.

US shops buy a label per parcel with Create Packages (an in-shipping split: each call carries its parcel's
lines). Elsewhere the package exists from payment; several parcels come from Split Orders, and each package is
then shipped with a handover method through the ordinary Ship Package endpoint. Every change goes through
``OrderBook.change``, so a refused call leaves the order as it was.

Error codes are the reference's where it gives one; messages are the emulator's wording.
"""

from __future__ import annotations

import threading
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state.carriers import tracking_number
from tiktok_shop_emulator.state.mixing import seeded
from tiktok_shop_emulator.state.ordergen import ship_lines
from tiktok_shop_emulator.state.world import Provider, Shop
from tiktok_shop_emulator.wire.error_codes import ApiError

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

BUY_LABEL_REGIONS = frozenset({"US"})
# Split Orders keeps every unit of one SKU together in these markets (reference.md#split).
ALL_UNITS_SPLIT_REGIONS = frozenset({"BR", "MX", "ID", "TH", "SG", "MY", "VN", "PH"})
LABEL_STATUSES = ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING")
GRAMS_PER_POUND = Decimal("453.59237")
CM_PER_INCH = Decimal("2.54")
DEFAULT_GRAMS_PER_LINE = Decimal(400)
MAX_SIDE_CM = Decimal(274)
MAX_LENGTH_PLUS_GIRTH_CM = Decimal(419)
SERVICE_ID_BASE = 2882000000000000000

# (carrier, service name, max weight in grams, base price, price per kg, earliest, latest delivery days)
SERVICES: tuple[tuple[str, str, int, str, str, int, int], ...] = (
    ("USPS", "Ground Advantage", 31_751, "4.50", "2.40", 2, 5),
    ("UPS", "Ground", 68_000, "7.20", "1.90", 3, 5),
    ("UPS", "2nd Day Air", 68_000, "14.90", "3.50", 2, 2),
)


def _error(code: int, message: str) -> ApiError:
    return ApiError(code, message)


def invalid(detail: str) -> ApiError:
    return _error(21001001, f"Invalid parameters. {detail}")


class LabelState:
    """What Create Packages and Split Orders add to an order: per-package facts and frozen orders."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.frozen: set[str] = set()

    def freeze(self, order_id: str, frozen: bool = True) -> None:
        with self._lock:
            (self.frozen.add if frozen else self.frozen.discard)(order_id)


def is_open(line: dict[str, Any]) -> bool:
    """Still to ship: no label bought, no tracking, not cancelled."""
    return not line["tracking_number"] and line["display_status"] != "CANCELLED"


def _require_label_order(backend: Backend, order: dict[str, Any], shop: Shop) -> None:
    if order.get("fulfillment_type") == "FULFILLMENT_BY_TIKTOK":
        raise _error(21008025, "The seller cannot operate orders fulfilled by the platform.")
    if order["shipping_type"] != "TIKTOK":
        raise _error(
            21008017, "The order is not shipped by TikTok Shipping (shipping_type SELLER): no label here."
        )
    if order["status"] not in LABEL_STATUSES:
        raise _error(
            21042057, f"The order is not in AWAITING_SHIPMENT status. Current status: {order['status']}."
        )
    if order["id"] in backend.labels.frozen:
        raise _error(10007014, "Fulfillment not allowed: the package is frozen.")


def _line_ids(body: dict[str, Any], key: str = "order_line_item_ids") -> list[str] | None:
    ids = body.get(key)
    if ids is None:
        return None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise invalid(f"`{key}` must be a non-empty list of line item IDs.")
    if len(set(ids)) != len(ids):
        raise invalid(f"`{key}` lists a line item twice.")
    return ids


def _pick_lines(order: dict[str, Any], ids: list[str] | None) -> list[dict[str, Any]]:
    by_id = {line["id"]: line for line in order["line_items"]}
    open_lines = [line for line in order["line_items"] if is_open(line)]
    if ids is None:
        packages = {line.get("package_id") or "" for line in open_lines}
        if len(packages) > 1:
            raise _error(21011048, "Several packages can be shipped: specify order_line_item_ids.")
        if not open_lines:
            raise _error(21011006, "The order has already been shipped.")
        return open_lines
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise invalid("Line items not in the order: " + ",".join(unknown) + ".")
    lines = [by_id[i] for i in ids]
    bought = [line["id"] for line in lines if line["tracking_number"]]
    if bought:
        raise _error(21022025, "A shipping label has already been purchased for: " + ",".join(bought) + ".")
    cancelled = [line["id"] for line in lines if line["display_status"] == "CANCELLED"]
    if cancelled:
        raise _error(21011041, "Line items are cancelled: " + ",".join(cancelled) + ".")
    return lines


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0:
        raise invalid(f"`{field}` must be a positive decimal number in a string.")
    return number


def weight_grams(body: dict[str, Any], line_count: int) -> Decimal:
    """The parcel weight in grams; without ``weight`` the emulator's product data gives 400 g a unit."""
    weight = body.get("weight")
    if weight is None:
        return DEFAULT_GRAMS_PER_LINE * line_count
    if not isinstance(weight, dict):
        raise invalid("`weight` must be an object with `value` and `unit`.")
    value = _decimal(weight.get("value"), "weight.value")
    unit = weight.get("unit")
    if unit not in ("GRAM", "POUND"):
        raise invalid("`weight.unit` must be GRAM or POUND.")
    return value if unit == "GRAM" else value * GRAMS_PER_POUND


def check_dimension(body: dict[str, Any]) -> None:
    dimension = body.get("dimension")
    if dimension is None:
        return
    if not isinstance(dimension, dict):
        raise invalid("`dimension` must be an object with `length`, `width`, `height` and `unit`.")
    sides = sorted(_decimal(dimension.get(k), f"dimension.{k}") for k in ("length", "width", "height"))
    unit = dimension.get("unit")
    if unit not in ("CM", "INCH"):
        raise invalid("`dimension.unit` must be CM or INCH.")
    cm = [side * (CM_PER_INCH if unit == "INCH" else 1) for side in sides]
    if cm[2] > MAX_SIDE_CM or cm[2] + 2 * (cm[0] + cm[1]) > MAX_LENGTH_PLUS_GIRTH_CM:
        raise _error(11021014, "Product oversize: the parcel exceeds the carrier's size limit.")


def _providers(backend: Backend, order: dict[str, Any]) -> dict[str, Provider]:
    _, option = backend.world.options[order["delivery_option_id"]]
    return {provider.name: provider for provider in option.providers}


def services(backend: Backend, order: dict[str, Any], grams: Decimal) -> list[dict[str, Any]]:
    """The services that carry ``grams`` for this order's delivery option, cheapest first, the first default."""
    providers = _providers(backend, order)
    found: list[dict[str, Any]] = []
    for number, (carrier, name, max_grams, base, per_kg, earliest, latest) in enumerate(SERVICES):
        provider = providers.get(carrier)
        if provider is None or grams > max_grams:
            continue
        price = (Decimal(base) + Decimal(per_kg) * grams / 1000).quantize(Decimal("0.01"))
        found.append(
            {
                "id": str(SERVICE_ID_BASE + number),
                "name": f"{carrier} {name}",
                "price": str(price),
                "currency": order["payment"]["currency"],
                "earliest_delivery_days": earliest,
                "latest_delivery_days": latest,
                "shipping_provider_id": provider.id,
                "shipping_provider_name": provider.name,
            }
        )
    found.sort(key=lambda s: Decimal(s["price"]))
    for position, service in enumerate(found):
        service["is_default"] = position == 0
    return found


def _weight_echo(body: dict[str, Any], grams: Decimal) -> dict[str, str]:
    weight = body.get("weight")
    return dict(weight) if isinstance(weight, dict) else {"value": str(grams.normalize()), "unit": "GRAM"}


def eligible_services(backend: Backend, shop: Shop, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/shipping_services/query (US)."""
    if shop.region not in BUY_LABEL_REGIONS:
        raise _error(21008106, "This interface cannot be used in this region.")
    order = backend.book.order(backend.book.find(shop, order_id))
    _require_label_order(backend, order, shop)
    lines = _pick_lines(order, _line_ids(body))
    grams = weight_grams(body, len(lines))
    check_dimension(body)
    found = services(backend, order, grams)
    if not found:
        raise _error(21011037, "No shipping service is available: change the weight or check the address.")
    data: dict[str, Any] = {
        "order_id": order_id,
        "order_line_id": [line["id"] for line in lines],
        "weight": _weight_echo(body, grams),
        "shipping_services": found,
    }
    if isinstance(body.get("dimension"), dict):
        data["dimension"] = body["dimension"]
    return data


def create_packages(backend: Backend, shop: Shop, body: dict[str, Any]) -> dict[str, Any]:
    """POST /fulfillment/202309/packages (US): buys the label and ships these lines as one new package."""
    if shop.region not in BUY_LABEL_REGIONS:
        raise _error(21008106, "This interface cannot be used in this region.")
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        raise invalid("`order_id` is required.")
    index = backend.book.find(shop, order_id)
    with backend.book.change(index) as order:
        # Lines first: a retry after a lost answer hears "label already purchased", whatever the status now.
        lines = _pick_lines(order, _line_ids(body))
        _require_label_order(backend, order, shop)
        grams = weight_grams(body, len(lines))
        check_dimension(body)
        offered = services(backend, order, grams)
        wanted = body.get("shipping_service_id")
        if wanted is None:
            chosen = offered[0] if offered else None
        else:
            chosen = next((s for s in offered if s["id"] == wanted), None)
            if chosen is None and any(str(SERVICE_ID_BASE + n) == wanted for n in range(len(SERVICES))):
                raise _error(21011037, "The shipping service is not available for this weight or address.")
            if chosen is None:
                raise _error(21004008, f"Shipping service {wanted} not found.")
        if chosen is None:
            raise _error(
                21011037, "No shipping service is available: change the weight or check the address."
            )
        now = backend.clock.unix()
        pkg = backend.book.new_package_id(index, {"create_time": now, "handover_method": "DROP_OFF"})
        rng = seeded(backend.config.seed, index, len(order["packages"]), 0x4C4142)
        tracking = tracking_number(chosen["shipping_provider_name"], rng)
        ship_lines(
            order,
            lines,
            pkg,
            chosen["shipping_provider_id"],
            chosen["shipping_provider_name"],
            tracking,
            now,
            "PROCESSING",
            "AWAITING_COLLECTION",
        )
        open_lines = [line for line in order["line_items"] if is_open(line)]
        order["status"] = "PARTIALLY_SHIPPING" if open_lines else "AWAITING_COLLECTION"
        info = {k: v for k, v in chosen.items() if k != "is_default"}
        backend.book.set_package_meta(pkg, weight=_weight_echo(body, grams), service=info)
        several = len(order["packages"]) > 1
    if several:
        publish_package_update(backend, shop, "SPLIT", [pkg], order_id)
    data: dict[str, Any] = {
        "order_id": order_id,
        "order_line_item_ids": [line["id"] for line in lines],
        "package_id": pkg,
        "create_time": now,
        "weight": _weight_echo(body, grams),
        "shipping_service_info": info,
    }
    if isinstance(body.get("dimension"), dict):
        data["dimension"] = body["dimension"]
    return data


def publish_package_update(
    backend: Backend, shop: Shop, sc_type: str, packages: list[str], order_id: str
) -> None:
    backend.webhooks.publish(
        shop.id,
        "PACKAGE_UPDATE",
        {
            "sc_type": sc_type,
            "role_type": "SELLER",
            "package_list": [{"package_id": p, "order_id_list": [order_id]} for p in packages],
            "update_time": backend.clock.unix(),
        },
    )


def split_attributes(backend: Backend, shop: Shop, order_ids: list[str]) -> dict[str, Any]:
    """GET /fulfillment/202309/orders/split_attributes?order_ids=a,b."""
    found = []
    for order_id in order_ids:
        order = backend.book.order(backend.book.find(shop, order_id))
        reason = _split_refusal(backend, shop, order)
        entry: dict[str, Any] = {"order_id": order_id, "can_split": reason is None, "must_split": False}
        if reason is not None:
            entry["reason"] = reason
        found.append(entry)
    return {"split_attributes": found}


def _split_refusal(backend: Backend, shop: Shop, order: dict[str, Any]) -> str | None:
    if shop.region in BUY_LABEL_REGIONS:
        return "Orders in this market are split while shipping: create one package per parcel"
    if order["status"] == "CANCELLED":
        return "Order has been canceled"
    if order["status"] not in LABEL_STATUSES:
        return f"Order status {order['status']} does not allow splitting"
    if order["id"] in backend.labels.frozen:
        return "Package is frozen"
    unshipped = [line for line in order["line_items"] if is_open(line)]
    if len(unshipped) < 2:
        return "Order has only one item left to ship"
    return None


def split_order(backend: Backend, shop: Shop, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/split: each group becomes a new package; others stay put."""
    groups = body.get("splittable_groups")
    if not isinstance(groups, list) or not groups:
        raise _error(21011005, "Invalid parameter: `splittable_groups` is required.")
    index = backend.book.find(shop, order_id)
    created: list[dict[str, str]] = []
    with backend.book.change(index) as order:
        refusal = _split_refusal(backend, shop, order)
        if refusal is not None:
            raise _error(21011035, f"Split not allowed: {refusal}.")
        by_id = {line["id"]: line for line in order["line_items"]}
        seen: set[str] = set()
        parsed: list[tuple[str, list[dict[str, Any]]]] = []
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("id"), str) or not group["id"]:
                raise _error(21011005, "Invalid parameter: every group needs a string `id`.")
            ids = group.get("order_line_item_ids")
            if not isinstance(ids, list) or not ids or any(i not in by_id or i in seen for i in ids):
                raise _error(
                    21011005, f"Invalid parameter: group {group['id']} has unknown or repeated lines."
                )
            seen.update(ids)
            lines = [by_id[i] for i in ids]
            if not all(is_open(line) for line in lines):
                raise _error(21011035, f"Split not allowed: group {group['id']} holds shipped lines.")
            parsed.append((group["id"], lines))
        if shop.region in ALL_UNITS_SPLIT_REGIONS:
            _check_all_units(parsed)
        for group_id, lines in parsed:
            pkg = backend.book.new_package_id(index, {"create_time": backend.clock.unix()})
            for line in lines:
                line["package_id"] = pkg
            created.append({"id": pkg, "splittable_group_id": group_id})
        in_use = {line.get("package_id") for line in order["line_items"]}
        order["packages"] = [p for p in order["packages"] if p["id"] in in_use] + [
            {"id": c["id"]} for c in created if {"id": c["id"]} not in order["packages"]
        ]
        order["split_or_combine_tag"] = "SPLIT"
    publish_package_update(backend, shop, "SPLIT", [c["id"] for c in created], order_id)
    return {"packages": created}


def _check_all_units(groups: list[tuple[str, list[dict[str, Any]]]]) -> None:
    home: dict[str, str] = {}
    for group_id, lines in groups:
        for line in lines:
            if home.setdefault(line["sku_id"], group_id) != group_id:
                raise _error(
                    21011035,
                    f"Split not allowed: every unit of SKU {line['sku_id']} must stay in one package in this market.",
                )
