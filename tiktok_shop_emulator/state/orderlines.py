"""The money side of a generated order: its line items (one per unit) and its ``payment``
(docs/tiktok_shop/reference.md#order-fields).

Market fees that none of the emulated markets (US, GB, DE) charge are still sent, as ``"0"``, the way the
official model lists them, so a client that reads them finds them.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from tiktok_shop_emulator.state.world import Shop, Sku

LINE_ID_BASE = 5770865121237000000
SKU_IMAGE = "https://p16-oec-eu-common-no.tiktokcdn.com/emulator/{}.jpeg"
SHIPPING_FEE = {"USD": Decimal("5.99"), "GBP": Decimal("3.99"), "EUR": Decimal("4.49")}
US_TAX_RATE = Decimal("0.0725")
CENT = Decimal("0.01")
# Fees of other markets (US retail delivery fee in CO/MN, TH small-order fee, ID service and insurance fees).
ORDER_MARKET_FEES = (
    "retail_delivery_fee",
    "small_order_fee",
    "buyer_service_fee",
    "handling_fee",
    "item_insurance_fee",
    "shipping_insurance_fee",
)
LINE_MARKET_FEES = ("retail_delivery_fee", "small_order_fee", "buyer_service_fee")


def money(value: Decimal) -> str:
    """Money as TikTok writes it: ``"0"`` for zero, else two decimals."""
    return "0" if value == 0 else str(value.quantize(CENT))


def line_id(index: int, k: int) -> str:
    return str(LINE_ID_BASE + index * 16 + k)


def lines(
    index: int, shop: Shop, skus: list[tuple[Sku, int]], display_status: str, rng: random.Random
) -> list[dict[str, Any]]:
    """The order's line items, one per unit (202309), with the sample's keys and the model's others."""
    result: list[dict[str, Any]] = []
    product_names = {p.id: p.title for p in shop.products}
    for sku, quantity in skus:
        for _ in range(quantity):
            line = {
                "id": line_id(index, len(result)),
                "sku_id": sku.id,
                "product_id": sku.product_id,
                "seller_sku": sku.seller_sku,
                "product_name": product_names[sku.product_id],
                "sku_name": sku.name,
                "sku_image": SKU_IMAGE.format(sku.id),
                "sku_type": "NORMAL",
                "currency": shop.currency,
                "original_price": money(sku.price),
                "sale_price": money(sku.price),
                "seller_discount": "0",
                "platform_discount": "0",
                "display_status": display_status,
                "is_gift": False,
                "is_dangerous_good": False,
                "needs_prescription": False,
                "item_tax": _item_tax(shop, sku),
                "combined_listing_skus": [],
                "rts_time": 0,
                "handling_duration_days": "",
                "cancel_reason": "",
                "cancel_user": "",
                "shipping_provider_id": "",
                "shipping_provider_name": "",
                "tracking_number": "",
            }
            line.update(dict.fromkeys(LINE_MARKET_FEES, "0"))
            result.append(line)
    return result


def _item_tax(shop: Shop, sku: Sku) -> list[dict[str, str]]:
    if shop.region != "US":
        return []
    return [
        {"tax_type": "SALES_TAX", "tax_amount": money(sku.price * US_TAX_RATE), "tax_rate": str(US_TAX_RATE)}
    ]


def payment(shop: Shop, order_lines: list[dict[str, Any]], rng: random.Random) -> dict[str, str]:
    """``payment`` with the identities of #order-fields: sub_total, shipping_fee and total_amount add up."""
    original = sum((Decimal(line["original_price"]) for line in order_lines), Decimal(0))
    seller_discount = (original * Decimal("0.10")).quantize(CENT) if rng.random() < 0.1 else Decimal(0)
    sub_total = original - seller_discount
    shipping_original = SHIPPING_FEE[shop.currency]
    shipping_discount = shipping_original if sub_total >= 50 else Decimal(0)
    shipping_fee = shipping_original - shipping_discount
    product_tax = sum(
        (Decimal(t["tax_amount"]) for line in order_lines for t in line["item_tax"]), Decimal(0)
    )
    result = {
        "currency": shop.currency,
        "original_total_product_price": money(original),
        "seller_discount": money(seller_discount),
        "platform_discount": "0",
        "sub_total": money(sub_total),
        "original_shipping_fee": money(shipping_original),
        "shipping_fee_seller_discount": "0",
        "shipping_fee_platform_discount": money(shipping_discount),
        "shipping_fee_cofunded_discount": "0",
        "shipping_fee": money(shipping_fee),
        "tax": money(product_tax),
        "product_tax": money(product_tax),
        "shipping_fee_tax": "0",
        "total_amount": money(sub_total + shipping_fee + product_tax),
    }
    result.update(dict.fromkeys(ORDER_MARKET_FEES, "0"))
    return result
