"""Every shop of a seller's authorization is served, with no shop picked: each shop imports from its own
cursor, a shipment goes to its order's shop, stock goes to the shops that sync it (per-shop settings), a
shop that leaves stops cleanly, and one app's secret rotation reaches every connection at once."""

from __future__ import annotations

from pathlib import Path

from matrix_support import quick_http
from reliability_support import credentials, first_order_day, shop_cipher

from connector_core import (
    ConnectorHost,
    Integrations,
    Shipment,
    ShipmentParcel,
    SQLiteStore,
    StockLevel,
)
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def connected_seller(emu: TikTokShopEmulator, tmp_path: Path, **settings: object):  # type: ignore[no-untyped-def]
    integrations = Integrations(
        ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"), http_clients=quick_http()
    )
    app = integrations.create_app("tiktok_shop", credentials(emu), name="Our app")
    record = integrations.create_connection(
        app.id,
        {"import_unpaid_orders": True, "import_orders_since": first_order_day(emu), **settings},
        tags={"customer": "c-42"},
    )
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    return integrations, integration


def test_a_connection_serves_every_shop_each_from_its_own_cursor(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=300, seed=5)) as emu:
        integrations, integration = connected_seller(emu, tmp_path)
        shops = integration.shops()
        assert len(shops) == len(emu.shops) > 1 and integration.record.account_id is None

        pulled = [o for page in integration.pull_orders() for o in page.orders]

        assert {o.id for o in pulled} == set(emu.order_ids())
        for shop in emu.shops:
            mine = {o.id for o in pulled if o.account_id == str(shop["id"])}
            assert mine == set(emu.order_ids(shop_cipher=shop["cipher"]))
            assert integration.store.get_cursor(integration.id, f"orders@{shop['id']}")
        assert integrations.find({"customer": "c-42"})[0].id == integration.id
        status = integration.status()
        assert status.last_order_sync is not None
        assert [s.id for s in status.shops] == sorted(str(s["id"]) for s in emu.shops)
        # Nothing new: a second pull of every shop starts from each shop's own watermark.
        assert sum(len(p.orders) for p in integration.pull_orders()) < len(pulled)


def test_a_shipment_goes_to_the_shop_of_its_order_without_naming_it(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=300, seed=5)) as emu:
        _, integration = connected_seller(emu, tmp_path)
        us = shop_cipher(emu, "US")
        order = emu.order(
            emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=us, shipping_type="SELLER")[0]
        )
        list(integration.pull_orders())
        view = integration.shop(next(str(s["id"]) for s in emu.shops if s["cipher"] == us))
        from connectors.tiktok_shop.client import TikTokClient
        from connectors.tiktok_shop.fulfillment import shipping_providers

        ctx = view.context()
        carrier = shipping_providers(ctx, TikTokClient(ctx), order["delivery_option_id"])[0]["name"]

        report = integration.confirm_shipment(
            Shipment(order_id=order["id"], parcels=[ShipmentParcel(tracking_number="MS-1", carrier=carrier)])
        )

        assert [p.outcome for p in report.parcels] == ["confirmed"]
        assert emu.order(order["id"])["status"] == "AWAITING_COLLECTION"
        assert integration.store.list_intents(integration.id, account_id=view.account_id, kind="shipment")


def test_stock_goes_to_the_shops_whose_settings_sync_it(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=20, seed=5)) as emu:
        _, integration = connected_seller(emu, tmp_path, stock_sync=True)
        gb, us = shop_cipher(emu, "GB"), shop_cipher(emu, "US")
        shop_id = {s["cipher"]: str(s["id"]) for s in emu.shops}
        for shop in emu.shops:
            if shop["cipher"] != gb:
                integration.set_shop_settings(str(shop["id"]), {"stock_sync": False})
        shared = sorted(set(emu.seller_skus(gb)) & set(emu.seller_skus(us)))[:2]
        us_ids = {s["seller_sku"]: s["id"] for p in emu.products(us) for s in p["skus"]}
        us_before = {sku: sum(emu.inventory(us_ids[sku]).values()) for sku in shared}

        report = integration.push_stock([StockLevel(sku=sku, quantity=3) for sku in shared])

        assert {r.outcome for r in report.results} == {"updated"}
        assert {sku: sum(emu.inventory(us_ids[sku]).values()) for sku in shared} == us_before
        assert integration.store.stock_levels(integration.id, shop_id[gb])
        assert integration.store.stock_levels(integration.id, shop_id[us]) == {}


def test_a_shop_that_leaves_stops_and_the_others_go_on(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=60, seed=5)) as emu:
        _, integration = connected_seller(emu, tmp_path)
        leaving = integration.shops()[0].id
        from connector_core.models import WebhookEvent, WebhookKind
        from connector_core.work.outbox import record_webhook_events

        event = WebhookEvent(
            id="deauth-1", kind=WebhookKind.DEAUTHORIZED, channel_type="6", account_id=leaving
        )
        record_webhook_events(integration, [event])  # what the receiver does once the delivery verified

        shops = {s.id: s for s in integration.shops()}
        assert shops[leaving].status == "left" and shops[leaving].next_pull_at is None
        assert not integration.reauthorization().needs_reauthorization, "the other shops are still served"
        due = {d.shop_id for d in integration.store.due_shops(integration.clock.now(), 100)}
        assert leaving not in due and due == set(shops) - {leaving}
        pulled = {o.account_id for page in integration.pull_orders() for o in page.orders}
        assert leaving not in pulled


def test_rotating_the_app_secret_is_one_update_every_connection_uses(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        integrations, first = connected_seller(emu, tmp_path)
        second = integrations.open(integrations.create_connection(first.record.app_id or "").id)

        integrations.update_app(first.record.app_id or "", {"app_secret": "rotated-secret-0001"})

        for connection in (first, second):
            reopened = integrations.open(connection.id)
            assert reopened.record.credentials.secret("app_secret") == "rotated-secret-0001"
        assert integrations.open(first.id).record.credentials.text("app_key") == emu.credentials["app_key"]


def test_switching_the_shop_through_the_form_imports_the_new_shop_from_its_own_cursor(tmp_path: Path) -> None:
    """Issue 22: `integrations update --file` with another shop's cipher imported 0 of its orders."""
    with TikTokShopEmulator(EmulatorConfig(orders=300, seed=3)) as emu:
        integrations = Integrations(
            ConnectorHost().load(), SQLiteStore(tmp_path / "s.sqlite3"), http_clients=quick_http()
        )
        gb, us = shop_cipher(emu, "GB"), shop_cipher(emu, "US")
        settings = {"import_unpaid_orders": True, "import_orders_since": first_order_day(emu)}
        record = integrations.create("tiktok_shop", {**credentials(emu), "shop_cipher": gb}, settings)
        integration = integrations.open(record.id)
        integration.finish_connect({"code": emu.authorize()})
        assert {o.id for p in integration.pull_orders() for o in p.orders} == set(
            emu.order_ids(shop_cipher=gb)
        )

        integrations.update(record.id, {"shop_cipher": us})

        switched = integrations.open(record.id)
        assert {o.id for p in switched.pull_orders() for o in p.orders} == set(emu.order_ids(shop_cipher=us))
