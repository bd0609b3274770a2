"""Helpers of the fault matrix and the chaos run: orders of each shape, a child host that dies on cue,
and the invariants that say TikTok (read from the emulator) and the ledgers agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from reliability_support import shop_cipher

from connector_core import HttpClient, Integration, RetryPolicy, Shipment, ShipmentLine, ShipmentParcel
from connectors.tiktok_shop.plugin import SECRET_PARAMETERS
from tiktok_shop_emulator import TikTokShopEmulator

HERE = Path(__file__).resolve().parent
MARK_SHIPPED = r"^/fulfillment/\d+/orders/\d+/packages$"
SHIP_PACKAGE = r"^/fulfillment/\d+/packages/\d+/ship$"
SHIP_PATHS = f"({MARK_SHIPPED})|({SHIP_PACKAGE})"
INVENTORY_UPDATE = r"^/product/\d+/products/\d+/inventory/update$"
ORDER_SEARCH = r"^/order/\d+/orders/search$"
CARRIERS = {"US": "UPS"}  # a carrier each market's delivery options offer
DEFAULT_CARRIER = "DPD"


QUICK_DEADLINE = 5.0


def quick_http() -> dict[str, HttpClient]:
    """Retries as the product makes them, with short pauses: an outage costs a test milliseconds. The call
    deadline (5 s, far above the emulator's injected latencies) is also how long a killed holder's lease is
    left to settle before another process takes it over."""
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=0.1)
    return {
        "tiktok_shop": HttpClient(
            "TikTok Shop", policy=policy, secret_parameters=SECRET_PARAMETERS, deadline=QUICK_DEADLINE
        )
    }


def calls_to(emu: TikTokShopEmulator, pattern: str) -> int:
    return sum(n for path, n in emu.stats.by_path().items() if re.search(pattern, path))


def shippable_orders(emu: TikTokShopEmulator, region: str, *, units_of_one_sku: int = 1) -> list[str]:
    """Seller-shipped orders awaiting shipment, with at least `units_of_one_sku` units of some SKU."""
    ids = emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=shop_cipher(emu, region), shipping_type="SELLER"
    )
    return [i for i in ids if _most_units(emu.order(i)) >= units_of_one_sku]


def _most_units(order: dict[str, Any]) -> int:
    return max(Counter(li["seller_sku"] for li in order["line_items"]).values())


def repeated_sku(order: dict[str, Any]) -> str:
    return str(Counter(li["seller_sku"] for li in order["line_items"]).most_common(1)[0][0])


def shipment_shapes(
    order: dict[str, Any], tag: str, market: str
) -> dict[str, tuple[list[Shipment], Shipment]]:
    """Each shape: (confirmations made first without faults, the confirmation the fault hits)."""
    order_id = order["id"]
    sku = repeated_sku(order)
    carrier = CARRIERS.get(market, DEFAULT_CARRIER)

    def parcel(tracking: str, sku: str | None = None, quantity: int | None = None) -> ShipmentParcel:
        lines = [ShipmentLine(sku=sku, quantity=quantity)] if sku else []
        return ShipmentParcel(tracking_number=tracking, carrier=carrier, lines=lines)

    def one(*parcels: ShipmentParcel) -> Shipment:
        return Shipment(order_id=order_id, parcels=list(parcels))

    return {
        "whole": ([], one(parcel(f"{tag}W1"))),
        "partial": ([], one(parcel(f"{tag}P1", sku, 1))),
        "multi": ([], one(parcel(f"{tag}M1", sku, 1), parcel(f"{tag}M2"))),
        "rest": ([one(parcel(f"{tag}R1", sku, 1))], one(parcel(f"{tag}R2"))),
    }


def run_child(
    store: Path, integration_id: str, action: dict[str, Any], kill_at: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(HERE / "flow_child.py"),
            str(store),
            integration_id,
            json.dumps(action),
            kill_at,
        ],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=120,
        check=False,
    )


def shipment_violations(emu: TikTokShopEmulator, integration: Integration, order_id: str) -> list[str]:
    """Where TikTok's lines and the order's shipment intents disagree (empty: they agree)."""
    problems = []
    order = emu.order(order_id)
    lines = {str(li["id"]): li for li in order["line_items"]}
    intents = integration.store.list_intents(
        integration.id, account_id=integration.account_id, kind="shipment", key_prefix=f"{order_id}/"
    )
    ours = {i.payload["tracking_number"] for i in intents}
    claimed: dict[str, str] = {}
    for intent in intents:
        tracking, ids = intent.payload["tracking_number"], [str(i) for i in intent.payload["line_ids"]]
        if intent.status == "pending":
            problems.append(f"{intent.key}: still uncertain after the retry")
        elif intent.status == "done":
            wrong = [i for i in ids if lines[i].get("tracking_number") != tracking]
            if wrong:
                problems.append(f"{intent.key}: ledger says done, TikTok lines {wrong} lack {tracking}")
            for i in ids:
                if i in claimed and claimed[i] != tracking:
                    problems.append(f"line {i} is in two done parcels ({claimed[i]}, {tracking})")
                claimed[i] = tracking
    for line_id, line in lines.items():
        tracking = line.get("tracking_number")
        if tracking in ours and claimed.get(line_id) != tracking:
            problems.append(
                f"TikTok line {line_id} carries {tracking} but no done parcel of the ledger holds it"
            )
    return problems


def shipped_packages(emu: TikTokShopEmulator, order_id: str) -> int:
    return len(
        {li.get("package_id") for li in emu.order(order_id)["line_items"] if li.get("tracking_number")}
    )
