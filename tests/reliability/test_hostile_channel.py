"""The TikTok connector, through `Integrations`, against a deliberately broken TikTok on loopback.

For each broken shape: a clear error naming what happened (or a reported problem), bounded in time by the
configured limits and in memory (tracemalloc), and nothing lost: the watermark does not move past orders
that were not delivered, and a run against a healthy channel afterwards delivers every order.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile_channel import ACCESS_TOKEN, MB, HostileChannel, raw_order

from connector_core import (
    CallDeadlineExceeded,
    ChannelError,
    ChannelUnavailable,
    ConnectorHost,
    HttpClient,
    InconsistentAnswer,
    Integration,
    Integrations,
    OrderStatus,
    RateLimited,
    ResponseTooLarge,
    RetryPolicy,
    SQLiteStore,
)
from connector_core.cli import main
from connectors.tiktok_shop.client import TikTokClient

ORDERS = 250
ALL_IDS = {str(raw_order(n)["id"]) for n in range(ORDERS)}
DEADLINE = 2.0
SIZE_CAP = 2 * MB
RATE_LIMIT_WAIT = 150.0
HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Connected:
    channel: HostileChannel
    integration: Integration
    sleeps: list[float]
    home: Path

    def pull(self) -> list[Any]:
        """Every order one incremental import delivers (raises what the import raises)."""
        return [order for page in self.integration.pull_orders() for order in page.orders]

    def pull_collecting(self, delivered: list[Any]) -> None:
        for page in self.integration.pull_orders():
            delivered.extend(page.orders)

    def watermark(self) -> str | None:
        cursor = self.integration.status().order_cursor
        return json.loads(cursor).get("watermark") if cursor else None


@pytest.fixture
def connect(tmp_path: Path) -> Iterator[Any]:
    opened: list[HostileChannel] = []

    def make(shape: str, **options: Any) -> Connected:
        channel = HostileChannel("healthy", orders=ORDERS, **options).__enter__()
        opened.append(channel)
        host = ConnectorHost().load()
        manifest = host.get("tiktok_shop").manifest
        sleeps: list[float] = []
        http = HttpClient(
            manifest.name,
            timeout=(2.0, 5.0),
            policy=RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=60.0),
            secret_parameters=manifest.secret_parameters,
            sleep=sleeps.append,
            deadline=DEADLINE,
            max_response_bytes=SIZE_CAP,
            max_rate_limit_wait=RATE_LIMIT_WAIT,
        )
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        integrations = Integrations(
            host, SQLiteStore(home / "store.sqlite3"), http_clients={"tiktok_shop": http}
        )
        record = integrations.create(
            "tiktok_shop",
            channel.credentials(),
            {"import_unpaid_orders": True, "import_orders_since": "2025-01-01"},
        )
        integration = integrations.open(record.id)
        channel.shape = shape if shape.startswith("token_") else "healthy"
        if shape != "token_truncated":  # that one's test connects by itself
            integration.finish_connect({"code": "hostile-auth-code"})
        channel.shape = shape
        return Connected(channel, integration, sleeps, home)

    yield make
    for channel in opened:
        channel.__exit__(None, None, None)


def assert_nothing_lost(connected: Connected, delivered_before: list[Any] = ()) -> None:  # type: ignore[assignment]
    """The failed run left the window open; a healthy channel then delivers every order."""
    assert connected.watermark() is None
    connected.channel.shape = "healthy"
    delivered = {o.id for o in delivered_before} | {o.id for o in connected.pull()}
    assert delivered == ALL_IDS
    assert connected.watermark() is not None


def test_a_healthy_channel_delivers_every_order_once(connect):
    connected = connect("healthy")

    orders = connected.pull()

    assert sorted(o.id for o in orders) == sorted(ALL_IDS)
    assert connected.watermark() is not None


def test_a_trickling_body_ends_at_the_deadline(connect):
    connected = connect("trickle", trickle_interval=0.25)

    with pytest.raises(
        CallDeadlineExceeded,
        match=r"orders/search\?.*sign=\*\*\*: no complete answer within the call's 2s deadline",
    ):
        connected.pull()

    assert_nothing_lost(connected)


def test_a_huge_body_is_cut_at_the_cap_and_never_held(connect):
    connected = connect("huge", huge_bytes=400 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge, match="2,097,152-byte cap"):
            connected.pull()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 16 * MB
    assert_nothing_lost(connected)


def test_endless_429_waits_at_most_the_bound_then_says_when_to_retry(connect):
    connected = connect("endless_429")

    with pytest.raises(RateLimited) as raised:
        connected.pull()

    assert sum(connected.sleeps) <= RATE_LIMIT_WAIT
    assert "retry after" in str(raised.value) and "UTC" in str(raised.value)
    assert_nothing_lost(connected)


def test_an_echoing_gateway_puts_no_secret_into_the_error_or_the_cli_output(connect, capsys):
    connected = connect("echo")

    with pytest.raises(ChannelError) as raised:
        connected.pull()
    code = main(["pull-orders", "--home", str(connected.home), connected.integration.id])
    printed = capsys.readouterr()

    for text in (str(raised.value), printed.out + printed.err):
        assert "bad request" in text  # the channel's message is still there...
        assert ACCESS_TOKEN not in text and "hostile-app-secret" not in text  # ...without its secrets
        assert not HEX64.search(text)  # no request signature
        assert "sign=***" in text
    assert code == 1 and "Traceback" not in printed.err
    assert_nothing_lost(connected)


def test_a_token_answer_ending_in_a_newline_is_stored_clean_and_works(connect):
    connected = connect("token_newline")

    stored = connected.integration.tokens.tokens()
    assert stored is not None and stored.access_token.get_secret_value() == ACCESS_TOKEN
    connected.channel.shape = "healthy"
    assert {o.id for o in connected.pull()} == ALL_IDS


def test_a_truncated_token_answer_is_a_clear_error_that_may_have_spent_the_code(connect):
    connected = connect("token_truncated")

    with pytest.raises(
        InconsistentAnswer, match=r"/api/v2/token/get answered HTTP 200 with a body that is not valid"
    ) as raised:
        connected.integration.finish_connect({"code": "hostile-auth-code"})

    assert "may or may not have been applied" in str(raised.value)  # an auth code is spent once: not re-sent
    assert not connected.integration.status().connected
    assert sum(1 for _, path in connected.channel.seen if path.startswith("/api/v2/token/")) == 1


def test_an_html_error_page_is_a_clear_error_naming_the_endpoint_and_status(connect):
    connected = connect("html")

    with pytest.raises(ChannelUnavailable, match=r"orders/search answered HTTP 502 with an HTML page"):
        connected.pull()

    assert_nothing_lost(connected)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("truncated", r"orders/search answered HTTP 200 with a body that is not valid JSON"),
        ("code0_nodata", r"answered code 0 \(success\) without data.orders"),
        ("too_many", r"100 distinct orders so far but total_count never said more than 50"),
    ],
)
def test_a_first_page_that_cannot_be_believed_is_asked_again_then_reported(connect, shape, message):
    connected = connect(shape)

    with pytest.raises(InconsistentAnswer, match=message):
        connected.pull()

    assert connected.channel.searches() == 4  # the first answer and three more tries, no more
    assert_nothing_lost(connected)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("middle_no_token", r"a page without next_page_token after 200 of total_count 250 orders"),
        ("repeating_token", r"repeated next_page_token 'again'"),
    ],
)
def test_a_later_page_that_cannot_be_believed_ends_the_run_unfinished(connect, shape, message):
    connected = connect(shape)
    delivered: list[Any] = []

    with pytest.raises(InconsistentAnswer, match=message):
        connected.pull_collecting(delivered)

    assert connected.channel.searches() <= 1 + 4  # bounded: no endless loop on a stuck token
    assert len(delivered) == 100  # the first page was believed and delivered
    with pytest.raises(
        InconsistentAnswer
    ):  # the next run resumes after page 1, and still does not believe it
        connected.pull_collecting(delivered)
    assert_nothing_lost(connected, delivered)


def test_a_resumed_run_whose_saved_count_no_longer_adds_up_starts_the_window_over(connect):
    connected = connect("middle_no_token")
    delivered: list[Any] = []
    with pytest.raises(InconsistentAnswer):
        connected.pull_collecting(delivered)  # the cursor now holds "100 seen, next page p100"
    connected.channel.shape = "healthy"
    connected.channel.departed = 30  # 30 orders of page 1 were updated since: they left the window

    connected.pull_collecting(delivered)  # 100 + 150 > 220: not believed, so the window starts over

    assert {o.id for o in delivered} == ALL_IDS
    assert connected.watermark() is not None


def test_ids_sent_as_numbers_become_text(connect):
    connected = connect("numeric_ids")

    orders = connected.pull()

    assert {o.id for o in orders} == ALL_IDS
    assert all(
        isinstance(line_id, str) for o in orders for line in o.lines for line_id in line.channel_line_ids
    )


def test_an_unknown_status_is_on_hold_with_the_raw_status_kept(connect):
    connected = connect("unknown_status")

    orders = {o.id: o for o in connected.pull()}

    odd = orders[str(raw_order(0)["id"])]
    assert odd.status is OrderStatus.ON_HOLD and odd.channel_status == "TELEPORTED"
    assert any("TELEPORTED" in w for w in odd.warnings)
    assert len(orders) == ORDERS


def test_the_same_order_twice_in_one_run_is_delivered_once_and_the_order_it_hid_fails_the_run(connect):
    connected = connect("duplicate_order")  # page 2 repeats order 0 in place of order 100
    delivered: list[Any] = []

    with pytest.raises(InconsistentAnswer, match="249 of total_count 250"):
        connected.pull_collecting(delivered)

    ids = [o.id for o in delivered]
    assert len(ids) == len(set(ids)) == 199, "the first two pages, order 0 once; the watermark stays"
    assert connected.watermark() is None


def test_an_unreadable_answer_to_an_unsafe_call_is_not_asked_again_and_says_it_may_have_applied(connect):
    connected = connect("truncated")
    client = TikTokClient(connected.integration.context())

    with pytest.raises(InconsistentAnswer, match="may or may not have been applied"):
        client.post(client.path("order", "orders/search"), {"any": "change"})  # as if it changed something

    assert connected.channel.searches() == 1
