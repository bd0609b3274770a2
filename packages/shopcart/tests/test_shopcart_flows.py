"""The demo's flows, run for ShopCart through the core's `Integrations` API against ShopCart's emulator:
connect (consent page, redirect, code exchange), pull orders over pages, push stock twice (the second
push makes no call), confirm a shipment (a repeat makes no call). Nothing here is ShopCart code: the
same calls drive TikTok Shop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from shopcart_harness import START_TIME, ShopCartEmulator, config, form, require_installed

from connector_core import (
    ConnectorHost,
    InconsistentAnswer,
    Integrations,
    OrderStatus,
    Shipment,
    ShipmentParcel,
    StockLevel,
)
from connector_core.store import SQLiteStore
from connector_core.testing.fixed_clock import FixedClock

require_installed()

REDIRECT = "http://127.0.0.1:8765/shopcart/auth/callback"


@pytest.fixture
def emulator() -> Iterator[ShopCartEmulator]:
    with ShopCartEmulator(config()) as emu:
        yield emu


@pytest.fixture
def integrations(tmp_path: Path) -> Integrations:
    host = ConnectorHost(environ={"CHANNEL_CONNECTORS_LOAD": "shopcart", "CHANNEL_CONNECTORS_STRICT": "1"})
    clock = FixedClock(datetime.fromtimestamp(START_TIME, timezone.utc))
    return Integrations(host.load(), SQLiteStore(tmp_path / "store.sqlite3"), clock=clock)


def test_the_demo_flows_run_for_shopcart(emulator: ShopCartEmulator, integrations: Integrations) -> None:
    record = integrations.create("shopcart", form(emulator), {"stock_sync": True})
    integration = integrations.open(record.id)

    # Connect: the seller opens the consent page, which redirects to the host's callback with code and state.
    consent = requests.get(integration.begin_connect(REDIRECT), allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == REDIRECT
    integration = integrations.complete_connect(dict(parse_qsl(callback.query)))
    assert integration.check_connection().ok
    assert integration.record.account_id == "61001"

    # Orders: two pages through the Link-header cursor, every status mapped by the connector itself.
    pages = list(integration.pull_orders())
    assert len(pages) == 2 and pages[0].resume and not pages[-1].resume
    orders = [o for page in pages for o in page.orders]
    assert len(orders) == 80 and not [p for page in pages for p in page.problems]
    assert OrderStatus.ON_HOLD not in {o.status for o in orders}, "every emulator status is mapped"
    assert {o.channel_status for o in orders} >= {"paid/unfulfilled", "pending/unfulfilled", "cancelled"}

    # Stock: absolute levels per location; the same levels again are not sent.
    levels = [
        StockLevel(sku="MUG-WHITE", quantity=5, warehouse="71001"),
        StockLevel(sku="CAP-RED", quantity=0, warehouse="71002"),
    ]
    first = integration.push_stock(levels)
    assert [r.outcome for r in first.results] == ["updated", "updated"] and first.calls == 2
    assert emulator.world.levels[(emulator.world.inventory_items["MUG-WHITE"], 71001)] == 5
    again = integration.push_stock(levels)
    assert {r.outcome for r in again.results} == {"unchanged"} and again.calls == 0

    # Shipment: one fulfillment with tracking; a repeat makes no call and ships nothing twice.
    order_id = emulator.world.order_ids("paid", None)[0]
    shipment = Shipment(
        order_id=str(order_id), parcels=[ShipmentParcel(tracking_number="SC1NL", carrier="PostNL")]
    )
    report = integration.confirm_shipment(shipment)
    assert [p.outcome for p in report.parcels] == ["confirmed"]
    assert emulator.world.orders[order_id]["fulfillment_status"] == "fulfilled"
    repeat = integration.confirm_shipment(shipment)
    assert [p.outcome for p in repeat.parcels] == ["already_confirmed"] and repeat.calls == 0
    assert len(emulator.world.orders[order_id]["fulfillments"]) == 1


def test_a_lost_fulfillment_answer_is_read_back_not_sent_twice(
    emulator: ShopCartEmulator, integrations: Integrations
) -> None:
    """The connector's part of exactly once: a parcel the channel already holds is reported, not re-sent."""
    record = integrations.create("shopcart", form(emulator))
    integration = integrations.open(record.id)
    tokens = emulator.world.issue_tokens()
    consent = requests.get(integration.begin_connect(REDIRECT), allow_redirects=False, timeout=5)
    integration = integrations.complete_connect(dict(parse_qsl(urlsplit(consent.headers["Location"]).query)))
    assert tokens  # a second token set for the seller does not disturb the integration's own
    order_id = emulator.world.order_ids("paid", None)[1]
    line = emulator.world.orders[order_id]["line_items"][0]["id"]
    emulator.world.fulfil(order_id, "SC2NL", "PostNL", [line])  # applied on the channel; the answer was lost
    shipment = Shipment(
        order_id=str(order_id), parcels=[ShipmentParcel(tracking_number="SC2NL", carrier="PostNL")]
    )
    report = integration.confirm_shipment(shipment)
    assert [p.outcome for p in report.parcels] == ["already_confirmed"]
    assert len(emulator.world.orders[order_id]["fulfillments"]) == 1


def test_the_emulator_refuses_a_bad_bearer_token_and_filters_beside_a_cursor(
    emulator: ShopCartEmulator,
) -> None:
    url = emulator.base_url + "/admin/api/2026-01/orders.json"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer scat_nope"}, timeout=5).status_code == 401
    token = emulator.world.issue_tokens()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    first = requests.get(url, params={"limit": 10}, headers=bearer, timeout=5)
    assert first.status_code == 200 and 'rel="next"' in first.headers["Link"]
    cursor = first.links["next"]["url"]
    assert requests.get(cursor + "&status=any", headers=bearer, timeout=5).status_code == 400


def test_a_cursor_that_does_not_advance_fails_the_import_in_words(
    emulator: ShopCartEmulator, integrations: Integrations
) -> None:
    """The core's page check, fed by ShopCart's Link header: a page linking to itself is not believed."""
    emulator.world.stuck_cursor = True
    record = integrations.create("shopcart", form(emulator))
    integration = integrations.open(record.id)
    consent = requests.get(integration.begin_connect(REDIRECT), allow_redirects=False, timeout=5)
    integration = integrations.complete_connect(dict(parse_qsl(urlsplit(consent.headers["Location"]).query)))
    with pytest.raises(InconsistentAnswer, match="repeated page_info"):
        list(integration.pull_orders())
