"""Write the store the last release (commit b9a19ba, the platform model) leaves on disk.

Run ONCE with the code of that release, never a newer one (the venv's editable install points elsewhere,
so put the old tree first; release_samples.py, next to this file, does the running and writing):

    PYTHONPATH=/path/to/b9a19ba-tree python tests/samples/stores/make_release_b9a19ba.py [postgresql://...]

It writes `release_b9a19ba.sqlite3`, given a PostgreSQL URL `release_b9a19ba.postgres.sql` (a pg_dump of
one schema, its name replaced by __SCHEMA__), and `release_b9a19ba.facts.json`. Against the emulator
(seed 7), one shared app holds two connections:
- `seller`: tagged, authorized for every seeded shop, no shop picked; orders pulled for every shop (and
  some handed over, so the deliveries table has rows), the US shop's settings changed to stop stock sync,
  stock pushed to the GB shop, one shipment confirmed;
- `second`: authorized, nothing pulled.
Secrets are sealed with the test-only release_samples.FIXTURE_KEY; nothing here prints one.
"""

from __future__ import annotations

from release_samples import write_release_store

from connector_core import ConnectorHost, Integrations, Shipment, ShipmentParcel, StockLevel
from connector_core.store import open_store
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator

TAGS = {"customer": "c-42", "plan": "gold"}


def populate(url: str, emu: TikTokShopEmulator) -> dict[str, object]:
    """Fill the store at `url`; returns the facts a migration test checks (ids, counts, no secrets)."""
    store = open_store(url)
    integrations = Integrations(ConnectorHost().load(), store)
    app = integrations.create_app("tiktok_shop", emulator_form(emu), name="Shared app")
    settings = {"import_unpaid_orders": True, "import_orders_since": "2026-01-01", "stock_sync": True}
    seller = integrations.create_connection(app.id, settings, tags=TAGS)
    integration = integrations.open(seller.id)
    integration.finish_connect({"code": emu.authorize()})
    shop_of = {s["cipher"]: str(s["id"]) for s in emu.shops}
    gb_cipher = next(s["cipher"] for s in emu.shops if s["region"] == "GB")
    gb = shop_of[gb_cipher]
    pulled = [o for page in integration.pull_orders() for o in page.orders]
    delivered = {}
    for shop in shop_of.values():
        mine = sorted((o for o in pulled if o.account_id == shop), key=lambda o: o.id)[:2]
        store.record_delivered(
            seller.id, shop, versions={o.id: o.updated_at.isoformat() for o in mine}, problems={}
        )
        delivered[shop] = [o.id for o in mine]
    quiet = sorted(s for s in shop_of.values() if s != gb)
    for shop in quiet:
        integration.set_shop_settings(shop, {"stock_sync": False})
    skus = emu.seller_skus(gb_cipher)[:3]
    integration.push_stock([StockLevel(sku=sku, quantity=5 + i) for i, sku in enumerate(skus)])
    order = next(
        emu.order(o)
        for o in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb_cipher, shipping_type="SELLER")
    )
    from connectors.tiktok_shop.client import TikTokClient
    from connectors.tiktok_shop.fulfillment import shipping_providers

    ctx = integration.shop(gb).context()
    carrier = shipping_providers(ctx, TikTokClient(ctx), order["delivery_option_id"])[0]["name"]
    integration.confirm_shipment(
        Shipment(order_id=order["id"], parcels=[ShipmentParcel(tracking_number="B9-TRK-1", carrier=carrier)])
    )
    second = integrations.create_connection(app.id, settings)
    integrations.open(second.id).finish_connect({"code": emu.authorize()})
    facts = {
        "app": app.id,
        "seller": seller.id,
        "second": second.id,
        "tags": TAGS,
        "shops": sorted(shop_of.values()),
        "stock_shop": gb,
        "quiet_shops": quiet,
        "orders_pulled": len(pulled),
        "stock_skus": skus,
        "stock_levels": sorted(sku for sku, _ in store.stock_levels(seller.id, gb)),
        "shipped_order": order["id"],
        "delivered": delivered,
    }
    store.close()
    return facts


def main() -> None:
    write_release_store("b9a19ba", populate)


if __name__ == "__main__":
    main()
