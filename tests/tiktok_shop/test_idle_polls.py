"""An idle poll (an incremental pull that finds nothing) writes neither its watermark nor a run record, and
loses nothing by it: the next pull starts from the same watermark. A failure is still followed by a
recorded success, and an idle shop's watermark moves once it is an hour old (flows/orders.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connector_core.errors import ChannelUnavailable
from connector_core.flows.status import connection_state
from connector_core.http import RetryPolicy


def cursor_and_runs(world: Any) -> tuple[str | None, int]:
    integration = world.integration
    store, stream = integration.store, f"orders@{integration.account_id}"
    return store.get_cursor(integration.id, stream), len(store.last_runs(integration.id))


def later(world: Any, by: timedelta) -> None:
    """Time passes for us and for the channel alike (it refuses requests stamped in its future)."""
    world.clock.advance(by)
    world.emu.clock.advance(by)


def pull(world: Any) -> list[Any]:
    return [o for page in world.integration.pull_orders() for o in page.orders]


def test_an_idle_poll_writes_nothing_and_the_next_pull_still_finds_what_changed(make_world: Any) -> None:
    world = make_world(orders=300)
    first = pull(world)
    before = cursor_and_runs(world)
    later(world, timedelta(seconds=30))

    assert pull(world) == []
    assert cursor_and_runs(world) == before  # the same watermark, no run record

    changed = next(o for o in first if o.channel_status != "CANCELLED")
    world.emu.set_order_status(changed.id, "CANCELLED")
    later(world, timedelta(seconds=2))
    assert [o.id for o in pull(world)] == [changed.id]  # found from the watermark the idle poll left
    watermark, runs = cursor_and_runs(world)
    assert watermark != before[0] and runs == before[1] + 1


def test_a_success_after_a_failed_poll_is_recorded_so_the_status_recovers(make_world: Any) -> None:
    world = make_world(orders=300)
    world.integration.http.policy = RetryPolicy(attempts=1)  # the outage shows at once
    pull(world)
    world.emu.faults.error_rate(1.0, ("500",))
    with pytest.raises(ChannelUnavailable):
        pull(world)
    assert connection_state(world.integration.status())[0] == "failing"

    world.emu.faults.error_rate(None)
    assert pull(world) == []

    assert connection_state(world.integration.status())[0] == "connected"
    assert world.integration.store.last_runs(world.integration.id, limit=1)[0].ok


def test_an_idle_shops_watermark_moves_and_is_recorded_once_an_hour_old(make_world: Any) -> None:
    world = make_world(orders=300)
    pull(world)
    watermark, runs = cursor_and_runs(world)
    later(world, timedelta(minutes=59))
    pull(world)
    assert cursor_and_runs(world) == (watermark, runs)

    later(world, timedelta(minutes=2))
    pull(world)

    moved, recorded = cursor_and_runs(world)
    assert moved != watermark and recorded == runs + 1
