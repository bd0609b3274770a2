"""The static part of the seeded world: shops, warehouses, delivery options, carriers, products and SKUs.

Three shops: US (two sales warehouses), GB (one sales warehouse plus a return warehouse, as in the sample) and
DE (one warehouse; a market outside the "mark package as shipped" list, so it ships by package ID).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tiktok_shop_emulator.state.catalog import CATALOG, INACTIVE_STATUS, MARKETS, Market
from tiktok_shop_emulator.state.mixing import seeded

MARK_SHIPPED_REGIONS = frozenset({"US", "GB", "ES", "IE"})

SHOP_ID_BASE = 7494049642642441000
PRODUCT_ID_BASE = 1729582718312380000
SKU_ID_BASE = 1729592969712207000
WAREHOUSE_ID_BASE = 7068517275539719000
OPTION_ID_BASE = 7091146663229654000
PROVIDER_ID_BASE = 6617675021119438000


@dataclass(frozen=True)
class Provider:
    """A shipping provider (carrier) as /shipping_providers lists it."""

    id: str
    name: str


@dataclass(frozen=True)
class DeliveryOption:
    """A delivery option of one warehouse; ``platform`` options are TikTok shipping, the other is the seller's."""

    id: str
    name: str
    description: str
    type: str
    providers: tuple[Provider, ...]
    shipping_type: str


@dataclass(frozen=True)
class Warehouse:
    """A warehouse; only SALES_WAREHOUSE ones hold stock and have delivery options."""

    id: str
    name: str
    is_default: bool
    type: str
    address: dict[str, str]
    options: tuple[DeliveryOption, ...]


@dataclass(frozen=True)
class Sku:
    """One SKU of a product."""

    id: str
    product_id: str
    seller_sku: str
    name: str
    price: Decimal


@dataclass(frozen=True)
class Product:
    """A product with its SKUs."""

    id: str
    title: str
    status: str
    create_time: int
    update_time: int
    skus: tuple[Sku, ...]


@dataclass(frozen=True)
class Shop:
    """An authorized shop with everything that hangs off it."""

    index: int
    id: str
    name: str
    region: str
    cipher: str
    code: str
    currency: str
    warehouses: tuple[Warehouse, ...]
    products: tuple[Product, ...]

    @property
    def sales_warehouses(self) -> tuple[Warehouse, ...]:
        return tuple(w for w in self.warehouses if w.type == "SALES_WAREHOUSE")

    @property
    def marks_packages_shipped(self) -> bool:
        """US/GB/ES/IE shops confirm seller shipments with POST /orders/{id}/packages (reference.md#mark-shipped)."""
        return self.region in MARK_SHIPPED_REGIONS

    def summary(self) -> dict[str, object]:
        """What ``emu.shops`` returns for this shop."""
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "cipher": self.cipher,
            "code": self.code,
            "seller_type": "LOCAL",
            "currency": self.currency,
            "warehouse_ids": [w.id for w in self.sales_warehouses],
            "multi_warehouse": len(self.sales_warehouses) > 1,
            "ships_with": "mark_package_shipped" if self.marks_packages_shipped else "ship_package",
        }


CIPHER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _providers(market_index: int, names: tuple[str, ...], offset: int) -> tuple[Provider, ...]:
    return tuple(
        Provider(str(PROVIDER_ID_BASE + market_index * 100 + offset + i), name)
        for i, name in enumerate(names)
    )


def _options(
    shop_index: int, warehouse_index: int, market: Market, market_index: int
) -> tuple[DeliveryOption, ...]:
    base = OPTION_ID_BASE + shop_index * 100 + warehouse_index * 10
    seller = _providers(market_index, market.seller_carriers, 0)
    platform = _providers(market_index, market.platform_carriers, 50)
    return (
        DeliveryOption(
            str(base + 1), "Shipped by seller", "Seller arranges shipment", "SEND_BY_SELLER", seller, "SELLER"
        ),
        DeliveryOption(
            str(base + 2),
            "Standard shipping",
            "Delivered by TikTok Shop logistics in 3-5 days",
            "STANDARD",
            platform,
            "TIKTOK",
        ),
        DeliveryOption(
            str(base + 3),
            "Express shipping",
            "Delivered by TikTok Shop logistics in 1-2 days",
            "EXPRESS",
            platform,
            "TIKTOK",
        ),
    )


def _warehouses(shop_index: int, market: Market, market_index: int) -> tuple[Warehouse, ...]:
    result: list[Warehouse] = []
    for w in range(market.sales_warehouses):
        name = "Main warehouse" if w == 0 else f"Overflow warehouse {w}"
        result.append(
            Warehouse(
                str(WAREHOUSE_ID_BASE + shop_index * 10 + w),
                name,
                w == 0,
                "SALES_WAREHOUSE",
                dict(market.address),
                _options(shop_index, w, market, market_index),
            )
        )
    if market.return_warehouse:
        result.append(
            Warehouse(
                str(WAREHOUSE_ID_BASE + shop_index * 10 + 9),
                "Main warehouse",
                False,
                "RETURN_WAREHOUSE",
                {"region_code": market.region, "full_address": market.address["full_address"]},
                (),
            )
        )
    return tuple(result)


def _variants(base: tuple[tuple[str, str], ...], count: int | None) -> tuple[tuple[str, str], ...]:
    """The catalogue's variants, or exactly ``count`` of them (numbered ones beyond the catalogue's own)."""
    if count is None:
        return base
    return tuple(base[k] if k < len(base) else (f"Variant {k + 1}", f"V{k + 1}") for k in range(count))


def _products(
    shop_index: int, market: Market, count: int, start: int, seed: int, skus_per_product: int | None = None
) -> tuple[Product, ...]:
    rng = seeded(seed, 0x50524F44, shop_index)
    products: list[Product] = []
    for p in range(count):
        title, prefix, variants, base_price = CATALOG[p % len(CATALOG)]
        variants = _variants(variants, skus_per_product)
        if p >= len(CATALOG):
            title, prefix = f"{title} #{p // len(CATALOG) + 1}", f"{prefix}{p // len(CATALOG) + 1}"
        product_id = str(PRODUCT_ID_BASE + shop_index * 100000 + p)
        price = (Decimal(base_price) * market.price_factor).quantize(Decimal("0.01"))
        skus = tuple(
            Sku(
                str(SKU_ID_BASE + shop_index * 1000000 + p * 100 + s),
                product_id,
                f"{prefix}-{suffix}",
                name,
                price,
            )
            for s, (name, suffix) in enumerate(variants)
        )
        created = start - rng.randint(200, 400) * 86400
        products.append(
            Product(
                product_id,
                title,
                INACTIVE_STATUS.get(p, "ACTIVATE"),
                created,
                created + rng.randint(1, 150) * 86400,
                skus,
            )
        )
    return tuple(products)


def _cipher(seed: int, shop_index: int, region: str) -> str:
    rng = seeded(seed, 0x43495048, shop_index)
    prefix = "TTP_" if region == "US" else "ROW_"
    return prefix + "".join(rng.choice(CIPHER_ALPHABET) for _ in range(38))


@dataclass(frozen=True)
class ShopSpec:
    """Where one shop of a seller comes from: its number among every shop of the emulator (IDs derive from
    it), its market (index into ``MARKETS``), and its cipher and name when a seller layout fixes them."""

    number: int
    market: int
    cipher: str | None = None
    name: str | None = None


FIRST_SELLER = tuple(ShopSpec(index, index) for index in range(len(MARKETS)))


def build_shops(
    seed: int,
    products_per_shop: int,
    start: int,
    skus_per_product: int | None = None,
    layout: tuple[ShopSpec, ...] = FIRST_SELLER,
) -> tuple[Shop, ...]:
    """The shops of one seller, fully determined by the seed (the first seller's three by default)."""
    shops: list[Shop] = []
    for index, spec in enumerate(layout):
        market, number = MARKETS[spec.market], spec.number
        shops.append(
            Shop(
                index=index,
                id=str(SHOP_ID_BASE + number + 1),
                name=spec.name or market.name,
                region=market.region,
                cipher=spec.cipher or _cipher(seed, number, market.region),
                code=f"{market.region}LCEMU{number + 1:03d}",
                currency=market.currency,
                warehouses=_warehouses(number, market, spec.market),
                products=_products(number, market, products_per_shop, start, seed, skus_per_product),
            )
        )
    return tuple(shops)


class World:
    """Lookup tables over the static world."""

    def __init__(
        self,
        seed: int,
        products_per_shop: int,
        start: int,
        skus_per_product: int | None = None,
        layout: tuple[ShopSpec, ...] = FIRST_SELLER,
    ) -> None:
        self.shops = build_shops(seed, products_per_shop, start, skus_per_product, layout)
        self.by_cipher = {shop.cipher: shop for shop in self.shops}
        self.options: dict[str, tuple[Shop, DeliveryOption]] = {}
        self.warehouses: dict[str, tuple[Shop, Warehouse]] = {}
        self.products: dict[str, tuple[Shop, Product]] = {}
        self.skus: dict[str, tuple[Shop, Product, Sku]] = {}
        self.sellable: dict[int, tuple[Sku, ...]] = {}
        for shop in self.shops:
            self._index_shop(shop)
            self.sellable[shop.index] = tuple(
                s for p in shop.products if p.status == "ACTIVATE" for s in p.skus
            )

    def _index_shop(self, shop: Shop) -> None:
        for warehouse in shop.warehouses:
            self.warehouses[warehouse.id] = (shop, warehouse)
            for option in warehouse.options:
                self.options[option.id] = (shop, option)
        for product in shop.products:
            self.products[product.id] = (shop, product)
            for sku in product.skus:
                self.skus[sku.id] = (shop, product, sku)
