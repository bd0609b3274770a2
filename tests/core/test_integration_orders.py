"""Pulling orders through a connector double: pages as canonical models, the cursor the host moves, resumed
windows, the incremental overlap, first-import start dates, backfills, bad orders reported, and how often
the status hook runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from core_support import (
    EMPTY_GROUP,
    FAKE_ID,
    GOOD_CREDENTIALS,
    FakeChannel,
    FakeConnector,
)

from connector_core import (
    ConnectorHost,
    Integration,
    Integrations,
    OffsetClock,
    OrderStatus,
    hookimpl,
)
from connector_core.flows import INCREMENTAL_OVERLAP, stream_name


@pytest.fixture
def five_orders(channel: FakeChannel, clock: OffsetClock) -> list[str]:
    start = clock.now() - timedelta(days=2)
    ids = [f"o{i}" for i in range(1, 6)]
    for minutes, order_id in enumerate(ids):
        channel.add_order(order_id, "READY", start + timedelta(minutes=minutes))
    return ids


def saved_cursor(integration: Integration) -> dict[str, Any]:
    raw = integration.store.get_cursor(integration.id, stream_name(integration.session, None, None, None))
    return {} if raw is None else json.loads(raw)


def test_orders_stream_page_by_page_as_canonical_models(
    connected: Integration, five_orders: list[str]
) -> None:
    pages = list(connected.pull_orders())

    assert [[o.id for o in p.orders] for p in pages] == [["o1", "o2"], ["o3", "o4"], ["o5"]]
    assert all(o.status is OrderStatus.AWAITING_SHIPMENT for p in pages for o in p.orders)
    assert pages[0].orders[0].channel_status == "READY"


def test_the_cursor_moves_only_when_the_host_asks_for_the_next_page(
    connected: Integration, five_orders: list[str]
) -> None:
    pages = connected.pull_orders()

    next(pages)
    assert saved_cursor(connected) == {}  # the host has the page but has not said it is done with it

    next(pages)
    assert saved_cursor(connected)["resume"] == "2"


def test_an_interrupted_window_resumes_from_the_saved_page(
    connected: Integration, five_orders: list[str], channel: FakeChannel
) -> None:
    first_run = connected.pull_orders()
    next(first_run)
    next(first_run)  # page 1 is done: its cursor is saved
    first_run.close()  # the process dies while handling page 2
    window = channel.fetch_windows[-1]

    resumed = [o.id for page in connected.pull_orders() for o in page.orders]

    assert resumed == ["o3", "o4", "o5"]
    assert channel.fetch_resumes[-1] == "2"
    assert channel.fetch_windows[-1] == window  # the same window, not a new one


def test_an_import_its_caller_pauses_keeps_its_place_and_reads_no_page_twice(
    connected: Integration, five_orders: list[str], channel: FakeChannel
) -> None:
    # A worker's slice of a long import: it handles a page, then says it has had enough for now.
    first = [[o.id for o in page.orders] for page in connected.pull_orders(more=lambda: False)]

    assert first == [["o1", "o2"]]
    assert saved_cursor(connected)["resume"] == "2"  # its place: the window is not finished
    window = channel.fetch_windows[-1]

    second = [[o.id for o in page.orders] for page in connected.pull_orders(more=lambda: False)]
    rest = [[o.id for o in page.orders] for page in connected.pull_orders()]

    assert second == [["o3", "o4"]] and rest == [["o5"]]
    assert channel.fetch_resumes[-2:] == ["2", "4"]  # each slice started after the last one's page
    assert channel.fetch_windows[-1] == window
    assert saved_cursor(connected) == {"watermark": window.until.isoformat()}


def test_the_next_incremental_run_starts_at_the_watermark_minus_the_overlap(
    connected: Integration, five_orders: list[str], channel: FakeChannel, clock: OffsetClock
) -> None:
    list(connected.pull_orders())
    first_window = channel.fetch_windows[-1]
    assert saved_cursor(connected) == {"watermark": first_window.until.isoformat()}

    clock.advance(timedelta(hours=1))
    list(connected.pull_orders())

    second_window = channel.fetch_windows[-1]
    assert second_window.since == first_window.until - INCREMENTAL_OVERLAP
    assert channel.fetch_resumes[-1] is None
    assert timedelta(minutes=5) == INCREMENTAL_OVERLAP


def test_the_first_import_starts_thirty_days_back(connected: Integration, channel: FakeChannel) -> None:
    list(connected.pull_orders())

    window = channel.fetch_windows[-1]
    assert abs(window.until - window.since - timedelta(days=30)) < timedelta(seconds=1)


def test_the_first_import_starts_at_the_configured_date(
    integrations: Integrations, channel: FakeChannel
) -> None:
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"import_orders_since": "2025-02-03"})
    integration = integrations.open(record.id)
    integration.tokens.store_new_tokens(channel.issue_tokens(datetime.now(timezone.utc)))

    list(integration.pull_orders())

    assert channel.fetch_windows[-1].since == datetime(2025, 2, 3, tzinfo=timezone.utc)


def test_a_backfill_has_its_own_cursor(
    connected: Integration, five_orders: list[str], channel: FakeChannel
) -> None:
    since = datetime.now(timezone.utc) - timedelta(days=3)
    until = datetime.now(timezone.utc) - timedelta(days=1)

    orders = [o.id for page in connected.pull_orders(since, until) for o in page.orders]

    assert orders == five_orders
    assert channel.fetch_windows[-1].since == since
    assert saved_cursor(connected) == {}  # the incremental stream was not touched


def test_a_malformed_order_is_reported_and_its_page_goes_on(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    when = clock.now() - timedelta(hours=1)
    channel.add_order("good-1", "READY", when)
    channel.add_order("bad-1", "READY", when + timedelta(seconds=1), quantity=0)

    [page] = list(connected.pull_orders())

    assert [o.id for o in page.orders] == ["good-1"]
    assert [p.order_id for p in page.problems] == ["bad-1"]


def test_get_orders_reports_unknown_ids(connected: Integration, five_orders: list[str]) -> None:
    page = connected.get_orders(["o2", "nope"])

    assert [o.id for o in page.orders] == ["o2"]
    assert [p.order_id for p in page.problems] == ["nope"]


class StatusOnlyHook:
    """A host plugin whose status mapping looks at the status alone."""

    calls = 0

    @hookimpl(tryfirst=True)
    def map_order_status(self, channel_status: str) -> OrderStatus | None:
        self.calls += 1
        return None


class OrderReadingHook(StatusOnlyHook):
    """A host plugin whose status mapping also reads the order, so no answer can be reused."""

    @hookimpl(tryfirst=True)
    def map_order_status(self, channel_status: str, channel_order: Any) -> OrderStatus | None:  # type: ignore[override]
        self.calls += 1
        return None


@pytest.mark.parametrize(("reads_order", "expected_calls"), [(False, 1), (True, 5)])
def test_the_status_hook_runs_once_per_status_unless_an_implementation_reads_the_order(
    fake_connector: FakeConnector, store: Any, clock: OffsetClock, channel: FakeChannel, reads_order: bool,
    expected_calls: int,
) -> None:  # fmt: skip
    counter = OrderReadingHook() if reads_order else StatusOnlyHook()
    host = ConnectorHost(plugins=[counter], group=EMPTY_GROUP, environ={})
    host.add(FAKE_ID, fake_connector)
    integrations = Integrations(host, store, clock=clock)
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"stock_sync": True})
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    integration = integrations.complete_connect({"code": "good-code", "state": state})
    for number in range(5):
        channel.add_order(f"s{number}", "READY", clock.now() - timedelta(minutes=10 - number))

    orders = [o for page in integration.pull_orders() for o in page.orders]

    assert len(orders) == 5
    assert counter.calls == expected_calls
