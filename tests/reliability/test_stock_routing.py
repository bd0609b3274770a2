"""Stock pushed without naming a shop goes to the shops that list the SKU, through the store's SKU -> shop
index, instead of to every syncing shop of the connection. The index holds what the channel told us: a
shop's order lines, a level a shop applied (it lists the SKU), a SKU a shop answered it does not list. A
shop the index knows nothing about is still sent the level (not sending it could oversell there); a shop
that said within the hour it does not list the SKU is skipped; a SKU every syncing shop said it does not
list is not sent and is reported in one line naming it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from matrix_support import quick_http
from reliability_support import credentials, first_order_day, shop_cipher

from connector_core import ConnectorHost, Integrations, SQLiteStore, StockLevel
from connector_core.flows import Integration
from connector_core.flows.stock_routing import UNLISTED_FOR
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def connected_seller(emu: TikTokShopEmulator, tmp_path: Path) -> Integration:
    clock = emu.clock  # one clock: an hour on for the store is an hour on for the channel's signatures
    store = SQLiteStore(tmp_path / "store.sqlite3", clock=clock)
    integrations = Integrations(ConnectorHost().load(), store, clock=clock, http_clients=quick_http())
    app = integrations.create_app("tiktok_shop", credentials(emu), name="Our app")
    settings = {"import_unpaid_orders": True, "import_orders_since": first_order_day(emu), "stock_sync": True}
    record = integrations.create_connection(app.id, settings)
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    return integrations.open(record.id)


def pushed_to(integration: Integration, since: int) -> list[str]:
    """The shops a stock push ran for (each shop's push records a run), oldest first, after `since` runs."""
    runs = integration.store.last_runs(integration.id, flow="push_stock", limit=100)
    return [r.account_id for r in reversed(runs)][since:]


def test_a_sku_goes_only_to_the_shops_that_list_it_once_the_others_said_they_do_not(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        integration = connected_seller(emu, tmp_path)
        gb = shop_cipher(emu, "GB")
        shop_of = {s["cipher"]: str(s["id"]) for s in emu.shops}
        only_gb = emu.seller_skus(gb)[0]
        for cipher in shop_of:
            if cipher != gb:
                emu.delist(cipher, only_gb)  # the other shops took the product down
        assert len(shop_of) > 1

        first = integration.push_stock([StockLevel(sku=only_gb, quantity=5)])
        assert [r.outcome for r in first.results] == ["updated"]
        assert sorted(pushed_to(integration, 0)) == sorted(shop_of.values()), "nothing known yet: every shop"

        second = integration.push_stock([StockLevel(sku=only_gb, quantity=4)])

        assert [r.outcome for r in second.results] == ["updated"]
        assert pushed_to(integration, len(shop_of)) == [shop_of[gb]], "only the shop that lists it"
        gb_ids = {s["seller_sku"]: s["id"] for p in emu.products(gb) for s in p["skus"]}
        assert sum(emu.inventory(gb_ids[only_gb]).values()) == 4

        # An hour on, a shop that said no is asked again (the seller may have listed it since).
        emu.clock.advance(UNLISTED_FOR + timedelta(minutes=1))
        integration.push_stock([StockLevel(sku=only_gb, quantity=3)])
        assert len(pushed_to(integration, len(shop_of) + 1)) == len(shop_of)


def test_a_sku_no_shop_lists_is_reported_in_one_line_and_not_sent_again(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        integration = connected_seller(emu, tmp_path)
        shops = len(emu.shops)

        first = integration.push_stock([StockLevel(sku="NOBODY-SELLS-THIS", quantity=1)])
        assert [r.outcome for r in first.results] == ["unknown_sku"]

        again = integration.push_stock([StockLevel(sku="NOBODY-SELLS-THIS", quantity=1)])

        [result] = again.results
        assert result.outcome == "unknown_sku" and result.sku == "NOBODY-SELLS-THIS"
        assert result.message is not None and "\n" not in result.message
        assert "'NOBODY-SELLS-THIS'" in result.message and "not sent" in result.message
        assert pushed_to(integration, shops) == [], "no shop is pushed to"


def test_an_order_line_tells_which_shop_lists_a_sku(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=40, seed=5)) as emu:
        integration = connected_seller(emu, tmp_path)
        pulled = [o for page in integration.pull_orders() for o in page.orders]
        sold = {(o.account_id, line.sku) for o in pulled for line in o.lines if line.sku}
        assert sold

        index = integration.store.shops_for_skus(integration.id, sorted({sku for _, sku in sold}))

        for shop, sku in sold:
            assert any(s.shop_id == shop and s.listed for s in index[sku]), (shop, sku)
