"""Lazy, deterministic orders: order ``i`` is rebuilt from (seed, i) alone, so 100,000 orders cost nothing up front.

``sketch(i)`` gives the fields searches filter and sort on in about a microsecond; ``build(i)`` gives the whole
202309 order object (the sample keys, in the sample order). ``update_time`` grows with ``i``, spread evenly over
the history period that ends at the clock start, which lets time windows map to index ranges.
"""

from __future__ import annotations

import bisect
import random
from typing import Any, NamedTuple

from tiktok_shop_emulator.state import ordermodel, people
from tiktok_shop_emulator.state.carriers import tracking_number
from tiktok_shop_emulator.state.mixing import mix64
from tiktok_shop_emulator.state.orderlines import lines, payment
from tiktok_shop_emulator.state.world import DeliveryOption, Shop, Sku, World

STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)
SHIPPED_STATUSES = ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")
PACKAGE_STATUS_FOR = {
    "AWAITING_COLLECTION": "PROCESSING",
    "IN_TRANSIT": "FULFILLING",
    "DELIVERED": "COMPLETED",
    "COMPLETED": "COMPLETED",
    "PARTIALLY_SHIPPING": "PROCESSING",
}
LINE_STATUS_FOR = {
    "UNPAID": "UNPAID",
    "ON_HOLD": "AWAITING_SHIPMENT",
    "AWAITING_SHIPMENT": "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING": "AWAITING_SHIPMENT",
    "CANCELLED": "CANCELLED",
}

# Status weights (out of 1000) by recency: newest tenth of orders, the next 30 %, the older rest.
_WEIGHTS = (
    (80, 60, 330, 40, 170, 120, 50, 0, 150),
    (5, 0, 60, 20, 80, 250, 300, 180, 105),
    (0, 0, 5, 0, 10, 25, 160, 700, 100),
)
_CUMULATIVE = tuple(tuple(sum(w[: k + 1]) for k in range(len(w))) for w in _WEIGHTS)
HOUR, DAY = 3600, 86400
# Age of an order (update_time - create_time) by status: (minimum, span).
_AGE = {
    "UNPAID": (60, HOUR),
    "ON_HOLD": (120, HOUR),
    "AWAITING_SHIPMENT": (HOUR, 3 * DAY),
    "PARTIALLY_SHIPPING": (DAY, 3 * DAY),
    "AWAITING_COLLECTION": (DAY, 3 * DAY),
    "IN_TRANSIT": (2 * DAY, 4 * DAY),
    "DELIVERED": (4 * DAY, 6 * DAY),
    "COMPLETED": (10 * DAY, 15 * DAY),
    "CANCELLED": (30 * 60, 3 * DAY),
}

ORDER_ID_BASE = 576461413038000000
PACKAGE_ID_BASE = 1153132168000000000
PACKAGE_SLOTS = 32  # per order: slots 0-3 for generated packages, the rest for packages created by calls
GENERATED_SLOTS = 4
USER_ID_BASE = 7021436810468230000
CANCEL_REASONS = {
    "BUYER": ("No longer needed", "Changed my mind", "Found a better price"),
    "SELLER": ("Out of stock",),
    "SYSTEM": ("Payment timeout",),
}
FORCED_ROUNDS = 2  # the newest 2 x 9 x shops orders cover every status in both shipping types in every shop


class Sketch(NamedTuple):
    """The searchable fields of one order (``number`` is its index in the world)."""

    number: int
    shop: int
    status: str
    shipping_type: str
    create_time: int
    update_time: int
    warehouse: int
    user_id: str


def order_id(index: int) -> str:
    return str(ORDER_ID_BASE + index)


def package_id(index: int, slot: int) -> str:
    return str(PACKAGE_ID_BASE + index * PACKAGE_SLOTS + slot)


class OrderSpace:
    """All orders of the world, none of them stored."""

    def __init__(self, world: World, seed: int, count: int, start: int, history: int, base: int = 0) -> None:
        # Orders of seller s are indices [base, base + count): IDs stay unique across sellers, and ``base``
        # is a multiple of every shop count (1 to 3) so ``index % n_shops`` still names the shop.
        self.world = world
        self.base = base
        self.count = count
        self.start = start
        self.history = history
        self.first_time = start - history
        self.n_shops = len(world.shops)
        self._seed_hash = mix64(seed ^ 0x4F524445)
        self._forced = FORCED_ROUNDS * len(STATUSES) * self.n_shops
        self._warehouses = tuple(len(shop.sales_warehouses) for shop in world.shops)

    # --- identity -------------------------------------------------------------------------------------------

    def index_of(self, order_id_text: str) -> int | None:
        """The index behind an order ID, or None when it is not one of ours."""
        if not order_id_text.isdigit():
            return None
        index = int(order_id_text) - ORDER_ID_BASE
        return index if self.base <= index < self.base + self.count else None

    def index_of_package(self, package_id_text: str) -> int | None:
        """The order index a package ID belongs to (packages never move between orders)."""
        if not package_id_text.isdigit():
            return None
        index = (int(package_id_text) - PACKAGE_ID_BASE) // PACKAGE_SLOTS
        return index if self.base <= index < self.base + self.count else None

    def update_time_of(self, index: int) -> int:
        """Generated update_time: non-decreasing in the index."""
        return self.first_time + ((index - self.base) * self.history) // max(self.count, 1)

    # --- sketch -----------------------------------------------------------------------------------------------

    def _status(self, index: int, h: int) -> tuple[str, str]:
        newest_rank = self.base + self.count - 1 - index
        if newest_rank < self._forced:
            status = STATUSES[(newest_rank // self.n_shops) % len(STATUSES)]
            shipping = ("SELLER", "TIKTOK")[(newest_rank // (len(STATUSES) * self.n_shops)) % 2]
            return status, shipping
        bucket = 0 if newest_rank < self.count // 10 else 1 if newest_rank < 4 * self.count // 10 else 2
        status = STATUSES[bisect.bisect_right(_CUMULATIVE[bucket], (h & 0x3FF) % 1000)]
        shipping = "TIKTOK" if (h >> 10) % 5 < 2 else "SELLER"
        return status, shipping

    def sketch(self, index: int) -> Sketch:
        """Searchable fields of generated order ``index`` (ignores later changes)."""
        h = mix64(self._seed_hash ^ index)
        shop = index % self.n_shops
        status, shipping = self._status(index, h)
        update_time = self.update_time_of(index)
        low, span = _AGE[status]
        create_time = update_time - low - (h >> 16) % span
        warehouse = (h >> 40) % self._warehouses[shop]
        return Sketch(
            index,
            shop,
            status,
            shipping,
            create_time,
            update_time,
            warehouse,
            str(USER_ID_BASE + (h >> 44) % 50000),
        )

    # --- full order -------------------------------------------------------------------------------------------

    def build(self, index: int) -> dict[str, Any]:
        """The complete order object for generated order ``index``."""
        sk = self.sketch(index)
        shop = self.world.shops[sk.shop]
        rng = random.Random(mix64(self._seed_hash ^ index ^ 0x5EED))
        warehouse = shop.sales_warehouses[sk.warehouse]
        option = _pick_option(warehouse.options, sk.shipping_type, rng)
        skus = _pick_skus(self.world.sellable[shop.index], sk.status, rng)
        paid = None if sk.status == "UNPAID" else sk.create_time + rng.randint(20, 600)
        cancel = _cancellation(sk, rng) if sk.status == "CANCELLED" else None
        if cancel and cancel[0] == "SYSTEM":
            paid = None
        order_lines = lines(index, shop, skus, LINE_STATUS_FOR.get(sk.status, sk.status), rng)
        base = self.base
        relations = ordermodel.relations(
            index - base,
            self.n_shops,
            shop.region,
            mix64(self._seed_hash ^ ~index),
            lambda i: order_id(base + i),
        )
        order = _order_head(sk, shop, option, warehouse.id, paid, relations, rng)
        order["payment"] = payment(shop, order_lines, rng)
        order["recipient_address"] = people.address(rng, shop.region, masked=sk.shipping_type == "TIKTOK")
        order["line_items"] = order_lines
        _apply_fulfilment(order, index, shop, option, sk, paid, rng)
        ordermodel.generated_milestones(order)
        if cancel:
            _apply_cancel(order, cancel, sk.update_time)
        return order


def _pick_option(
    options: tuple[DeliveryOption, ...], shipping_type: str, rng: random.Random
) -> DeliveryOption:
    matching = [o for o in options if o.shipping_type == shipping_type]
    return matching[0] if shipping_type == "SELLER" or rng.random() < 0.7 else matching[-1]


def _pick_skus(sellable: tuple[Sku, ...], status: str, rng: random.Random) -> list[tuple[Sku, int]]:
    distinct = 2 if status == "PARTIALLY_SHIPPING" else 1
    roll = rng.random()
    distinct = max(distinct, 3 if roll < 0.15 else 2 if roll < 0.45 else 1)
    chosen = rng.sample(sellable, min(distinct, len(sellable)))
    return [(sku, 1 if (q := rng.random()) < 0.65 else 2 if q < 0.88 else 3) for sku in chosen]


def _cancellation(sk: Sketch, rng: random.Random) -> tuple[str, str]:
    initiator = ("BUYER", "BUYER", "SELLER", "SYSTEM")[rng.randrange(4)]
    return initiator, rng.choice(CANCEL_REASONS[initiator])


def _order_head(
    sk: Sketch,
    shop: Shop,
    option: DeliveryOption,
    warehouse_id: str,
    paid: int | None,
    relations: dict[str, Any],
    rng: random.Random,
) -> dict[str, Any]:
    order: dict[str, Any] = {"id": order_id(sk.number), "status": sk.status, "create_time": sk.create_time}
    if paid is not None:
        order["paid_time"] = paid
    order.update(
        {
            "update_time": sk.update_time,
            "user_id": sk.user_id,
            "buyer_email": people.buyer_email(rng, shop.region),
            "buyer_message": "Please gift wrap" if rng.random() < 0.05 else "",
            "seller_note": "",
            "commerce_platform": "TIKTOK_SHOP",
            "order_type": "",
            "is_cod": False,
            "is_sample_order": False,
            "is_on_hold_order": sk.status == "ON_HOLD" or rng.random() < 0.3,
            "is_buyer_request_cancel": False,
            "has_updated_recipient_address": False,
            "shipping_type": sk.shipping_type,
            "fulfillment_type": "FULFILLMENT_BY_SELLER",
            "delivery_option_id": option.id,
            "delivery_option_name": option.name,
            "delivery_type": "HOME_DELIVERY",
            "warehouse_id": warehouse_id,
            "shipping_provider": "",
            "shipping_provider_id": "",
            "tracking_number": "",
            "split_or_combine_tag": "",
            "payment_method_name": rng.choice(("Card", "Card", "PayPal", "Apple Pay")),
            "cancel_reason": "",
            "cancellation_initiator": "",
            "packages": [],
        }
    )
    order.update(ordermodel.deadlines(paid or sk.create_time))
    order.update(relations)
    return order


def ship_lines(
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    pkg: str,
    provider_id: str,
    provider_name: str,
    tracking: str,
    when: int,
    package_status: str,
    display_status: str,
) -> None:
    """Put ``lines`` in shipped package ``pkg`` and make it the order's latest shipment."""
    for line in lines:
        line.update(
            {
                "rts_time": when,
                "shipping_provider_id": provider_id,
                "shipping_provider_name": provider_name,
                "tracking_number": tracking,
                "package_id": pkg,
                "package_status": package_status,
                "display_status": display_status,
            }
        )
    order.update(
        {
            "shipping_provider": provider_name,
            "shipping_provider_id": provider_id,
            "tracking_number": tracking,
            "rts_time": when,
        }
    )
    if {"id": pkg} not in order["packages"]:
        order["packages"].append({"id": pkg})


def _apply_fulfilment(
    order: dict[str, Any],
    index: int,
    shop: Shop,
    option: DeliveryOption,
    sk: Sketch,
    paid: int | None,
    rng: random.Random,
) -> None:
    lines = order["line_items"]
    # reference.md#masking: no package ids before US/GB seller shipment; #labels-outside-us: UK/EU TikTok Shipping has one.
    pending_packages = not shop.marks_packages_shipped or (
        sk.shipping_type == "TIKTOK" and shop.region != "US"
    )
    if sk.status == "AWAITING_SHIPMENT" and pending_packages:
        _pending_package(order, lines, package_id(index, 0))
    if sk.status not in SHIPPED_STATUSES and sk.status != "PARTIALLY_SHIPPING":
        return
    assert paid is not None
    provider = rng.choice(option.providers)
    when = paid + int((sk.update_time - paid) * rng.uniform(0.2, 0.6))
    if sk.status == "PARTIALLY_SHIPPING":
        first_sku = lines[0]["sku_id"]
        shipped = [line for line in lines if line["sku_id"] == first_sku]
        rest = [line for line in lines if line["sku_id"] != first_sku]
        ship_lines(
            order,
            shipped,
            package_id(index, 0),
            provider.id,
            provider.name,
            tracking_number(provider.name, rng),
            when,
            "PROCESSING",
            "AWAITING_COLLECTION",
        )
        if pending_packages:
            _pending_package(order, rest, package_id(index, 1))
        return
    ship_lines(
        order,
        lines,
        package_id(index, 0),
        provider.id,
        provider.name,
        tracking_number(provider.name, rng),
        when,
        PACKAGE_STATUS_FOR[sk.status],
        sk.status,
    )


def _pending_package(order: dict[str, Any], lines: list[dict[str, Any]], pkg: str) -> None:
    for line in lines:
        line.update({"package_id": pkg, "package_status": "TO_FULFILL"})
    order["packages"].append({"id": pkg})


def _apply_cancel(order: dict[str, Any], cancel: tuple[str, str], when: int) -> None:
    initiator, reason = cancel
    order.update({"cancel_reason": reason, "cancellation_initiator": initiator, "cancel_time": when})
    if initiator == "BUYER":
        order["request_cancel_time"] = when - 100
    for line in order["line_items"]:
        line.update({"display_status": "CANCELLED", "cancel_reason": reason, "cancel_user": initiator})
