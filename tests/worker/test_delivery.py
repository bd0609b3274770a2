"""The hand-over of orders to the host: each order version once, whatever reads it and however often."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from host_plugin import REFUSE_ENV, HostRefused, order_versions, received
from worker_support import connect

import connector_core.host_plugins as host_plugins
from connector_core import ConnectorHost, Integration, Integrations
from connector_core.host_plugins import HOST_PLUGINS_GROUP
from connector_core.store import open_store
from connector_core.worker import NoOrderReceiver, WorkerSettings, build_runtime, deliver
from tiktok_shop_emulator import TikTokShopEmulator


def opened(emu: TikTokShopEmulator, location: str) -> Integration:
    """A connected integration opened the way a worker opens it: with the host's plugin loaded."""
    runtime = build_runtime(WorkerSettings(host_plugins=("host_plugin",), rates={}), open_store(location))
    return connect(emu, location, runtime.integrations)


def import_once(integration: Integration) -> int:
    return sum(deliver(integration, page) for page in integration.pull_orders())


def shop_orders(emu: TikTokShopEmulator) -> set[str]:
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    return set(emu.order_ids(shop_cipher=cipher))


def test_overlapping_imports_hand_each_order_version_over_once(
    emu: TikTokShopEmulator, store_location: str, orders_dir: Path
) -> None:
    integration = opened(emu, store_location)

    first = import_once(integration)
    second = import_once(integration)  # the incremental window overlaps the first one's end

    versions = order_versions(orders_dir)
    assert first == len(shop_orders(emu)) > 0
    assert second == 0
    assert {order_id for order_id, _ in versions} == shop_orders(emu)
    assert len(versions) == len(set(versions))


def test_a_changed_order_is_handed_over_again_once_as_its_new_version(
    emu: TikTokShopEmulator, store_location: str, orders_dir: Path
) -> None:
    integration = opened(emu, store_location)
    import_once(integration)
    changed = sorted(shop_orders(emu))[0]
    emu.set_order_status(changed, "CANCELLED")

    reread = integration.get_orders([changed])  # what a webhook about the change makes a worker read
    assert deliver(integration, reread) == 1
    assert deliver(integration, integration.get_orders([changed])) == 0  # the webhook delivered twice
    assert import_once(integration) == 0
    versions = [v for v in order_versions(orders_dir) if v[0] == changed]
    assert len(versions) == 2 and versions[0][1] < versions[1][1]


def test_an_older_version_arriving_after_a_newer_one_is_not_handed_over(
    emu: TikTokShopEmulator, store_location: str, orders_dir: Path
) -> None:
    integration = opened(emu, store_location)
    order_id = sorted(shop_orders(emu))[0]
    stale = integration.get_orders([order_id])
    emu.set_order_status(order_id, "CANCELLED")
    fresh = integration.get_orders([order_id])

    assert deliver(integration, fresh) == 1
    assert deliver(integration, stale) == 0  # e.g. a slow webhook re-read finishing after the import
    assert deliver(integration, fresh) == 0  # a duplicate task
    assert [v[1] for v in order_versions(orders_dir)] == [fresh.orders[0].updated_at.isoformat()]


def test_a_page_the_host_refuses_is_not_recorded_and_comes_again(
    emu: TikTokShopEmulator, store_location: str, orders_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    integration = opened(emu, store_location)
    order_id = sorted(shop_orders(emu))[0]
    page = integration.get_orders([order_id])
    monkeypatch.setenv(REFUSE_ENV, order_id)

    with pytest.raises(HostRefused):
        deliver(integration, page)
    monkeypatch.delenv(REFUSE_ENV)

    assert received(orders_dir) == []
    assert deliver(integration, page) == 1


def test_the_same_versions_carry_the_same_delivery_id(
    emu: TikTokShopEmulator, store_location: str, orders_dir: Path
) -> None:
    first, second = opened(emu, store_location), opened(emu, store_location)
    order_id = sorted(shop_orders(emu))[0]
    deliver(first, first.get_orders([order_id]))
    deliver(second, second.get_orders([order_id]))

    ids = [page["delivery_id"] for page in received(orders_dir)]
    assert len(ids) == 2 and ids[0] != ids[1]  # two integrations: two deliveries, told apart


def test_without_a_receiver_the_import_is_refused_before_any_cursor_moves(
    emu: TikTokShopEmulator, store_location: str
) -> None:
    integrations = Integrations(ConnectorHost().load(), open_store(store_location))
    integration = connect(emu, store_location, integrations)
    page = integration.get_orders([sorted(shop_orders(emu))[0]])

    with pytest.raises(NoOrderReceiver, match="CHANNEL_CONNECTORS_HOST_PLUGINS"):
        deliver(integration, page)
    assert integration.status().order_cursor is None


def test_a_worker_finds_the_hosts_receiver_by_entry_point(
    emu: TikTokShopEmulator, store_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = EntryPoint("orders", "host_plugin", HOST_PLUGINS_GROUP)
    monkeypatch.setattr(
        host_plugins, "entry_points", lambda *, group: [plugin] if group == plugin.group else []
    )

    runtime = build_runtime(WorkerSettings(rates={}), open_store(store_location))  # no override set
    integration = connect(emu, store_location, runtime.integrations)

    assert integration.connector.implements("order_pages_ready")
