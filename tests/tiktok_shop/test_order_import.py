"""Order import against the emulator: pagination, exactly-once, masking, backoff, detail batches."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

from connector_core import OrderStatus

DAY = timedelta(days=1)


def test_a_2500_order_import_crosses_25_pages_with_every_order_once(make_world):
    world = make_world(orders=7600)
    expected = world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])
    assert len(expected) >= 2500
    world.emu.stats.reset()
    orders = world.everything()
    ids = [o.id for o in orders]
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == set(expected)
    searches = world.emu.stats.calls("/order/202309/orders/search")
    assert searches == math.ceil(len(expected) / 100) >= 25


def test_pages_come_oldest_update_first_and_all_nine_statuses_map(make_world):
    world = make_world(orders=3000)
    orders = world.everything()
    times = [o.updated_at for o in orders]
    assert times == sorted(times)
    channel_statuses = Counter(o.channel_status for o in orders)
    assert len(channel_statuses) == 9
    assert {o.status for o in orders} == set(OrderStatus)


def test_unpaid_orders_are_left_out_unless_asked_for(make_world):
    world = make_world(orders=1500, settings={"import_unpaid_orders": False})
    assert all(o.channel_status != "UNPAID" for o in world.everything())


def test_tiktok_shipping_orders_have_masked_addresses_flagged(make_world):
    world = make_world(orders=1500)
    orders = world.everything()
    masked = [o for o in orders if o.ship_to.is_masked]
    assert masked and all(o.shipping_by == "channel" for o in masked)
    assert all(any("Seller Shipping" in w for w in o.warnings) for o in masked)
    assert all(not o.ship_to.is_masked for o in orders if o.shipping_by == "seller")


def test_multi_unit_lines_are_grouped_into_quantities(make_world):
    world = make_world(orders=800)
    lines = [line for o in world.everything() for line in o.lines]
    assert any(line.quantity > 1 for line in lines)
    assert all(len(line.channel_line_ids) == line.quantity for line in lines)


def test_incremental_run_resumes_at_the_watermark(make_world):
    world = make_world(orders=600)
    first = [o for page in world.integration.pull_orders() for o in page.orders]
    changed = next(o for o in first if o.channel_status != "CANCELLED")
    world.emu.set_order_status(changed.id, "CANCELLED")
    world.clock.advance(timedelta(seconds=2))  # the window's upper bound is exclusive, to the second
    world.emu.stats.reset()
    second = [o for page in world.integration.pull_orders() for o in page.orders]
    assert world.emu.stats.calls("/order/202309/orders/search") == 1
    assert [(o.id, o.status) for o in second] == [(changed.id, OrderStatus.CANCELLED)]


def test_a_429_burst_is_absorbed_without_a_failed_page(make_world):
    world = make_world(orders=1200)
    expected = set(world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"]))
    world.emu.faults.rate_limit(2)
    orders = world.everything()
    assert {o.id for o in orders} == expected
    assert world.integration.http.stats.by_status.get(429, 0) > 0


def test_get_orders_uses_the_detail_endpoint_in_batches_of_50(make_world):
    world = make_world(orders=2000)
    ids = world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])[:120]
    world.emu.stats.reset()
    page = world.integration.get_orders([*ids, "999999999999"])
    assert {o.id for o in page.orders} == set(ids)
    assert [p.order_id for p in page.problems] == ["999999999999"]
    assert world.emu.stats.calls("/order/202309/orders") - world.emu.stats.calls("/order/202309/orders/") == 3
