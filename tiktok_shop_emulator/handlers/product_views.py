"""How products look on the wire: search summaries per version and the full detail
(docs/tiktok_shop/reference.md#product-search, #newer-versions).

The detail carries the fields of TikTok's Get Product model (images, category chain, brand, package weight and
dimensions, audit, attributes, size chart, video...), derived from the product's catalogue position so that
every shop shows the same, consistent facts for the same article.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tiktok_shop_emulator.state.catalog import CATALOG
from tiktok_shop_emulator.state.orderlines import money
from tiktok_shop_emulator.state.world import PRODUCT_ID_BASE, Product, Shop, Sku

CDN = "https://p16-oec-eu-common-no.tiktokcdn.com/emulator"
CATEGORY_ID_BASE = 600000
ATTRIBUTE_ID_BASE = 100100
# Per catalogue position: (category chain from the root, package weight kg, package cm (l, w, h), material).
ARTICLE_FACTS: tuple[tuple[tuple[str, ...], str, tuple[int, int, int], str], ...] = (
    (("Womenswear & Underwear", "Women's Tops", "T-shirts"), "0.25", (30, 25, 3), "Cotton"),
    (("Home Supplies", "Kitchenware", "Mugs"), "0.45", (14, 12, 12), "Ceramic"),
    (("Menswear & Underwear", "Men's Tops", "Hoodies & Sweatshirts"), "0.7", (35, 30, 6), "Cotton"),
    (("Phones & Electronics", "Phone Accessories", "Phone Cases"), "0.08", (18, 10, 2), "Silicone"),
    (("Menswear & Underwear", "Men's Underwear", "Socks"), "0.15", (20, 12, 4), "Wool"),
    (("Home Supplies", "Kitchenware", "Water Bottles"), "0.4", (28, 9, 9), "Stainless steel"),
    (("Luggage & Bags", "Women's Bags", "Tote Bags"), "0.3", (40, 35, 2), "Canvas"),
    (("Fashion Accessories", "Hats & Caps", "Baseball Caps"), "0.12", (25, 20, 12), "Cotton"),
    (("Office Supplies", "Paper Products", "Notebooks"), "0.35", (22, 16, 2), "Paper"),
    (("Home Supplies", "Home Decor", "Candles"), "0.5", (12, 10, 10), "Soy wax"),
)
SIZED = {0, 2, 4}  # clothing: these articles carry a size chart
POUNDS_PER_KG = Decimal("2.20462")
INCHES_PER_CM = Decimal("0.393701")


def position(product: Product) -> int:
    """The product's catalogue position (the same article in every shop)."""
    return (int(product.id) - PRODUCT_ID_BASE) % 100000 % len(CATALOG)


def price(shop: Shop, amount: Decimal) -> dict[str, str]:
    return {"currency": shop.currency, "tax_exclusive_price": money(amount), "sale_price": money(amount)}


def summary(
    shop: Shop, product: Product, stock: dict[str, list[dict[str, Any]]], version: str
) -> dict[str, Any]:
    """One ``products[]`` entry of product search; 202312 and 202502 add the fields #newer-versions lists."""
    entry: dict[str, Any] = {
        "id": product.id,
        "title": product.title,
        "status": product.status,
        "create_time": product.create_time,
        "update_time": product.update_time,
        "sales_regions": [shop.region],
        "skus": [
            {"id": s.id, "seller_sku": s.seller_sku, "price": price(shop, s.price), "inventory": stock[s.id]}
            for s in product.skus
        ],
    }
    if version >= "202312":
        entry.update(
            {
                "audit": _audit(product),
                "integrated_platform_statuses": [],
                "is_not_for_sale": False,
                "listing_quality_tier": "GOOD",
            }
        )
        for sku, raw in zip(product.skus, entry["skus"], strict=True):
            raw["list_price"] = {"amount": money(sku.price), "currency": shop.currency}
            raw["external_list_prices"] = []
    if version >= "202502":
        entry["product_families"] = []
    return entry


def _audit(product: Product) -> dict[str, Any]:
    status = {"ACTIVATE": "APPROVED", "SELLER_DEACTIVATED": "APPROVED", "DRAFT": "NONE"}.get(product.status)
    return {"status": status or "AUDITING", "pre_approved_reasons": []}


def _image(name: str, width: int, height: int) -> dict[str, Any]:
    uri = f"tos-maliva-i-o3syd03w52-us/{name}"
    return {
        "uri": uri,
        "urls": [f"{CDN}/{name}~tplv-o3syd03w52-origin-jpeg.jpeg"],
        "thumb_urls": [f"{CDN}/{name}~tplv-o3syd03w52-resize-jpeg:300:300.jpeg"],
        "width": width,
        "height": height,
    }


def _categories(chain: tuple[str, ...], article: int) -> list[dict[str, Any]]:
    ids = [str(CATEGORY_ID_BASE + article * 10 + level) for level in range(len(chain))]
    return [
        {"id": ids[level], "parent_id": ids[level - 1] if level else "0", "local_name": name,
         "is_leaf": level == len(chain) - 1}
        for level, name in enumerate(chain)
    ]  # fmt: skip


def _package(shop: Shop, kilograms: str, centimetres: tuple[int, int, int]) -> dict[str, Any]:
    # US listings are kept in pounds and inches, the others in kilograms and centimetres.
    if shop.region == "US":
        weight = {
            "value": str((Decimal(kilograms) * POUNDS_PER_KG).quantize(Decimal("0.01"))),
            "unit": "POUND",
        }
        sides = [str((Decimal(c) * INCHES_PER_CM).quantize(Decimal("0.1"))) for c in centimetres]
        unit = "INCH"
    else:
        weight, sides, unit = (
            {"value": kilograms, "unit": "KILOGRAM"},
            [str(c) for c in centimetres],
            "CENTIMETER",
        )
    length, width, height = sides
    return {
        "package_weight": weight,
        "package_dimensions": {"length": length, "width": width, "height": height, "unit": unit},
    }


def _sku_detail(shop: Shop, sku: Sku, stock: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": sku.id,
        "seller_sku": sku.seller_sku,
        "price": price(shop, sku.price),
        "inventory": stock,
        "sales_attributes": [
            {"id": "100000", "name": "Variant", "value_id": sku.id[-6:], "value_name": sku.name}
        ],
        "identifier_code": {"code": "", "type": "NONE"},
        "external_sku_id": "",
        "combined_skus": [],
        "list_price": {"amount": money(sku.price), "currency": shop.currency},
        "external_list_prices": [],
    }


def detail(shop: Shop, product: Product, stock: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """GET /product/202309/products/{id}: every field of the official model that applies to the article."""
    article = position(product)
    chain, kilograms, centimetres, material = ARTICLE_FACTS[article]
    stem = f"{product.id}"
    return {
        "id": product.id,
        "title": product.title,
        "description": f"<p>{product.title}</p>",
        "status": product.status,
        "create_time": product.create_time,
        "update_time": product.update_time,
        "is_cod_allowed": False,
        "category_chains": _categories(chain, article),
        "brand": {"id": "7082427311584347905", "name": "Emulator Basics"},
        "main_images": [_image(f"{stem}-{k}", 800, 800) for k in range(3)],
        "video": {
            "id": f"v0{stem}",
            "cover_url": f"{CDN}/{stem}-cover.jpeg",
            "format": "MP4",
            "url": f"{CDN}/{stem}.mp4",
            "width": 720,
            "height": 1280,
            "size": 2_400_000,
        },
        **_package(shop, kilograms, centimetres),
        "product_attributes": [
            {
                "id": str(ATTRIBUTE_ID_BASE),
                "name": "Material",
                "values": [{"id": str(ATTRIBUTE_ID_BASE + 10 + article), "name": material}],
            },
        ],
        "size_chart": (
            {"image": _image(f"{stem}-size-chart", 600, 800), "template": {"id": ""}}
            if article in SIZED
            else {}
        ),
        "audit": _audit(product),
        "audit_failed_reasons": [],
        "certifications": [],
        "delivery_options": [
            {"id": o.id, "name": o.name, "is_available": True} for o in shop.sales_warehouses[0].options
        ],
        "external_product_id": "",
        "is_not_for_sale": False,
        "is_pre_owned": False,
        "listing_quality_tier": "GOOD",
        "integrated_platform_statuses": [],
        "manufacturer_ids": [],
        "responsible_person_ids": [],
        "minimum_order_quantity": 1,
        "shipping_insurance_requirement": "NOT_SUPPORTED",
        "skus": [_sku_detail(shop, s, stock[s.id]) for s in product.skus],
    }
