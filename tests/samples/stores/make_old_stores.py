"""Write the "old stores": what the release before the App/Connection/Shop model left on disk.

Run ONCE with the code of that release (commit 1a471b7), never with a newer one: the point of the files is
that they were written by old code, so the migration tests open exactly what a host upgrading has. Put
the old tree first (release_samples.py, next to this file, does the running and writing):

    PYTHONPATH=/path/to/1a471b7-tree python tests/samples/stores/make_old_stores.py [postgresql://...]

It writes `release_1a471b7.sqlite3` and, given a PostgreSQL URL, `release_1a471b7.postgres.sql` (a pg_dump
of one schema, its name replaced by __SCHEMA__). Both hold, against the emulator (seed 7; order times
follow the real clock, which the signing checks):
- `connected`: authorized for both seeded shops, GB selected; orders pulled, stock pushed, one shipment
  confirmed, a connect link made;
- `two_shops_none_selected`: authorized for both shops, no shop selected, nothing pulled;
- `never_connected`: credentials only.
Secrets are sealed with release_samples.FIXTURE_KEY (a test-only key, committed on purpose), and nothing
here prints one.
"""

from __future__ import annotations

from release_samples import write_release_store

from connector_core import ConnectorHost, Integrations, Shipment, ShipmentParcel, StockLevel
from connector_core.store import open_store
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator


def populate(url: str, emu: TikTokShopEmulator) -> dict[str, object]:
    """Fill the store at `url`; returns the facts a migration test checks (ids, counts, no secrets)."""
    store = open_store(url)
    integrations = Integrations(ConnectorHost().load(), store)
    since = {"import_unpaid_orders": True, "import_orders_since": "2026-01-01", "stock_sync": True}
    connected = integrations.create("tiktok_shop", emulator_form(emu), since, name="connected")
    integration = integrations.open(connected.id)
    integration.finish_connect({"code": emu.authorize()})
    gb_cipher = next(s["cipher"] for s in emu.shops if s["region"] == "GB")
    gb = next(a for a in store.list_accounts(connected.id) if a.selector == gb_cipher)
    integration.select_account(gb.id)
    pulled = [o for page in integration.pull_orders() for o in page.orders]
    skus = emu.seller_skus(gb_cipher)[:3]
    integration.push_stock([StockLevel(sku=sku, quantity=5 + i) for i, sku in enumerate(skus)])
    order = next(
        emu.order(o)
        for o in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb_cipher, shipping_type="SELLER")
    )
    from connectors.tiktok_shop.client import TikTokClient
    from connectors.tiktok_shop.fulfillment import shipping_providers

    ctx = integration.context()
    carrier = shipping_providers(ctx, TikTokClient(ctx), order["delivery_option_id"])[0]["name"]
    integration.confirm_shipment(
        Shipment(order_id=order["id"], parcels=[ShipmentParcel(tracking_number="OLD-TRK-1", carrier=carrier)])
    )
    store.create_connect_link(connected.id, "connect", __import__("datetime").timedelta(days=30))

    two = integrations.create("tiktok_shop", emulator_form(emu), since, name="two_shops_none_selected")
    integrations.open(two.id).finish_connect({"code": emu.authorize()})
    never = integrations.create("tiktok_shop", emulator_form(emu), {}, name="never_connected")
    facts = {
        "connected": connected.id,
        "two_shops_none_selected": two.id,
        "never_connected": never.id,
        "selected_shop": gb.id,
        "shops": sorted(a.id for a in store.list_accounts(connected.id)),
        "orders_pulled": len(pulled),
        "stock_skus": skus,
        "shipped_order": order["id"],
        "cursor_streams": ["orders@" + gb.id],
    }
    store.close()
    return facts


def main() -> None:
    write_release_store("1a471b7", populate)


if __name__ == "__main__":
    main()
