"""The flows a host runs, end to end through a connector double: connect, pull orders, push stock, confirm
shipments, webhooks. What is pinned is the core's part: validation, OAuth state, cursors, ledgers, de-dup."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from core_support import EMPTY_GROUP, FAKE_APP_SECRET, FAKE_ID, GOOD_CREDENTIALS, FakeChannel, FakeConnector

from connector_core import (
    ConnectorError,
    ConnectorHost,
    Integration,
    Integrations,
    InvalidInput,
    OAuthStateError,
    OffsetClock,
    OrderStatus,
    ReauthorizationRequired,
    Shipment,
    ShipmentReport,
    SQLiteStore,
    StockLevel,
    StockReport,
    StockResult,
    UnknownIntegration,
    WebhookRejected,
    hookimpl,
)
from connector_core.flows import INCREMENTAL_OVERLAP, parcel_fingerprint, stream_name
from connector_core.forms import SECRET_SENTINEL

# --- create and edit ------------------------------------------------------------------------------------


def test_create_names_every_bad_field_in_both_forms(integrations: Integrations) -> None:
    with pytest.raises(InvalidInput) as raised:
        integrations.create(
            FAKE_ID,
            {"app_key": "UPPER CASE", "app_secret": "short", "region": "mars", "colour": "red"},
            {"stock_sync": "yes", "import_orders_since": "yesterday"},
        )

    fields = [e.field for e in raised.value.errors]
    assert fields == [
        "app_key",
        "app_secret",
        "colour",
        "region",
        "settings.import_orders_since",
        "settings.stock_sync",
    ]
    assert "short" not in str(raised.value)
    assert integrations.list() == []


def test_create_stores_the_integration_with_defaults_applied(integrations: Integrations) -> None:
    record = integrations.create(FAKE_ID, {"app_key": "demo1", "app_secret": FAKE_APP_SECRET, "region": ""})

    assert record.name == "Fake Channel"
    assert record.credentials["region"] == "eu"  # blank dropped, default applied
    assert record.credentials.secret("app_secret") == FAKE_APP_SECRET
    assert record.settings == {"stock_sync": True}
    assert [r.id for r in integrations.list()] == [record.id]


def test_the_edit_form_shows_secrets_only_as_set(integrations: Integrations, record: Any) -> None:
    shown = integrations.redacted(record.id)

    assert shown.values["app_secret"] == SECRET_SENTINEL
    assert shown.is_set["app_secret"] is True
    assert shown.is_set["access_token"] is False


@pytest.mark.parametrize("left_as", ["", SECRET_SENTINEL])
def test_an_edit_that_leaves_the_secret_keeps_it(
    integrations: Integrations, record: Any, left_as: str
) -> None:
    updated = integrations.update(
        record.id, {"app_key": "demo2", "app_secret": left_as}, {"stock_sync": False}
    )

    assert updated.credentials["app_key"] == "demo2"
    assert updated.credentials.secret("app_secret") == FAKE_APP_SECRET
    assert updated.settings["stock_sync"] is False


def test_an_edit_with_a_new_secret_replaces_it(integrations: Integrations, record: Any) -> None:
    updated = integrations.update(record.id, {"app_secret": "a-new-secret-value"}, name="Renamed")

    assert updated.credentials.secret("app_secret") == "a-new-secret-value"
    assert updated.name == "Renamed"


def test_an_invalid_edit_is_refused_and_changes_nothing(integrations: Integrations, record: Any) -> None:
    with pytest.raises(InvalidInput, match="region"):
        integrations.update(record.id, {"region": "moon"})

    assert integrations.store.get_integration(record.id).credentials["region"] == "eu"


def test_removing_an_integration(integrations: Integrations, record: Any) -> None:
    integrations.remove(record.id)

    with pytest.raises(UnknownIntegration):
        integrations.open(record.id)


# --- connect --------------------------------------------------------------------------------------------


def test_begin_connect_returns_the_consent_url_with_a_stored_state(
    integrations: Integrations, record: Any, channel: FakeChannel
) -> None:
    url = integrations.open(record.id).begin_connect("https://host.example/callback")

    assert url.startswith("https://fake.example/authorize?app_key=demo1&state=")
    state = url.split("state=")[1]
    assert integrations.store.consume_oauth_state(state).data == {
        "redirect_uri": "https://host.example/callback"
    }


def test_complete_connect_stores_tokens_and_the_only_account(
    connected: Integration, channel: FakeChannel, store: SQLiteStore
) -> None:
    assert channel.calls["exchange_code"] == 1
    assert connected.access_token() == "access-1"
    assert connected.record.account_id == "shop-1"
    assert connected.context().account is not None
    assert connected.context().account.selector == "cipher-1"  # type: ignore[union-attr]
    status = connected.status()
    assert status.connected
    assert status.account is not None
    assert status.refresh_expires_at is not None
    assert status.reauthorization.deadline == status.refresh_expires_at


def test_a_callback_state_is_used_exactly_once(
    integrations: Integrations, record: Any, channel: FakeChannel
) -> None:
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    channel.valid_codes.add("second-code")
    integrations.complete_connect({"code": "good-code", "state": state})

    with pytest.raises(OAuthStateError, match="already used"):
        integrations.complete_connect({"code": "second-code", "state": state})

    assert channel.calls["exchange_code"] == 1


def test_a_callback_after_the_state_expired_is_refused(
    integrations: Integrations, record: Any, channel: FakeChannel, clock: OffsetClock
) -> None:
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    clock.advance(timedelta(minutes=16))

    with pytest.raises(OAuthStateError, match="expired"):
        integrations.complete_connect({"code": "good-code", "state": state})
    assert channel.calls["exchange_code"] == 0


def test_a_callback_without_state_or_code_names_what_is_missing(
    integrations: Integrations, record: Any
) -> None:
    with pytest.raises(InvalidInput) as no_state:
        integrations.complete_connect({"code": "good-code"})
    assert [e.field for e in no_state.value.errors] == ["state"]

    state = integrations.open(record.id).begin_connect().split("state=")[1]
    with pytest.raises(InvalidInput, match=r"code: is missing \(the channel said: access_denied\)"):
        integrations.complete_connect({"state": state, "error": "access_denied"})


def test_selecting_an_account_that_was_not_discovered_is_refused(connected: Integration) -> None:
    with pytest.raises(InvalidInput, match="'shop-9' is not one of \\['shop-1'\\]"):
        connected.select_account("shop-9")


def test_the_token_is_refreshed_through_the_connectors_hook(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    clock.advance(timedelta(hours=3, minutes=50))

    assert connected.check_connection().ok
    assert channel.calls["refresh_token"] == 1
    assert connected.access_token() == "access-2"


def test_a_revoked_refresh_token_marks_the_integration(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    channel.refresh_revoked = True
    clock.advance(timedelta(hours=4))

    with pytest.raises(ReauthorizationRequired, match="revoked") as raised:
        connected.access_token()

    assert raised.value.integration_id == connected.id
    assert connected.reauthorization().needs_reauthorization
    assert connected.status().reauthorization.reason == "the refresh token was revoked"


# --- pull orders ----------------------------------------------------------------------------------------


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


# --- push stock -----------------------------------------------------------------------------------------


@pytest.fixture
def stocked(connected: Integration, channel: FakeChannel) -> Integration:
    channel.stock.update({"A": 0, "B": 0, "C": 0})
    return connected


def outcomes(report: Any) -> dict[str, str]:
    return {r.sku: r.outcome for r in report.results}


def test_a_first_push_sends_every_level(stocked: Integration, channel: FakeChannel) -> None:
    report = stocked.push_stock(
        [
            StockLevel(sku="A", quantity=5),
            StockLevel(sku="B", quantity=3),
            StockLevel(sku="GHOST", quantity=1),
        ]
    )

    assert outcomes(report) == {"A": "updated", "B": "updated", "GHOST": "unknown_sku"}
    assert report.calls == 1
    assert channel.stock == {"A": 5, "B": 3, "C": 0}


def test_unchanged_levels_are_skipped_per_the_ledger(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="B", quantity=3)])
    channel.calls.clear()

    report = stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="B", quantity=4)])

    assert outcomes(report) == {"A": "unchanged", "B": "updated"}
    assert channel.calls["push_stock"] == 1
    assert channel.stock["B"] == 4


def test_nothing_changed_means_no_call_at_all(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5)])
    channel.calls.clear()

    report = stocked.push_stock([StockLevel(sku="A", quantity=5)])

    assert outcomes(report) == {"A": "unchanged"}
    assert report.calls == 0
    assert channel.calls["push_stock"] == 0


def test_a_negative_quantity_is_invalid_and_never_sent(stocked: Integration, channel: FakeChannel) -> None:
    report = stocked.push_stock([StockLevel(sku="A", quantity=-2)])

    [result] = report.results
    assert result.outcome == "invalid"
    assert (
        result.message
        == "SKU 'A': quantity -2 is outside 0..2147483647; send the available count (0 when out of stock)"
    )
    assert channel.calls["push_stock"] == 0
    assert channel.stock["A"] == 0


def test_only_updated_levels_go_into_the_ledger(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="GHOST", quantity=1)])

    ledger = stocked.store.stock_levels(stocked.id, stocked.account_id)
    assert {key for key, row in ledger.items() if row.quantity is not None} == {("A", None)}
    assert ("GHOST", None) not in ledger  # refused: nothing uncertain, nothing confirmed, no row kept

    channel.calls.clear()
    report = stocked.push_stock([StockLevel(sku="GHOST", quantity=1)])
    assert outcomes(report) == {"GHOST": "unknown_sku"}  # tried again: it was never updated
    assert channel.calls["push_stock"] == 1


def test_the_last_level_listed_for_a_sku_wins_and_force_resends(
    stocked: Integration, channel: FakeChannel
) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=1), StockLevel(sku="A", quantity=9)])
    assert channel.stock["A"] == 9

    channel.calls.clear()
    report = stocked.push_stock([StockLevel(sku="A", quantity=9)], force=True)
    assert outcomes(report) == {"A": "updated"}
    assert channel.calls["push_stock"] == 1


def test_a_level_the_connector_gave_no_result_for_is_reported_not_dropped(
    fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    class Forgetful(FakeConnector):
        @hookimpl
        def push_stock(self, levels: Any) -> StockReport:
            first = levels[0]
            return StockReport(
                results=[
                    StockResult(sku=first.sku, warehouse=first.warehouse, outcome="updated", quantity=1)
                ],
                calls=1,
            )

    integration = open_with(Forgetful(FakeChannel(), fake_schema_dir), store, clock)

    report = integration.push_stock([StockLevel(sku="A", quantity=1), StockLevel(sku="B", quantity=2)])

    assert outcomes(report) == {"A": "updated", "B": "rejected"}
    assert "returned no result for this level" in (report.results[1].message or "")
    ledger = store.stock_levels(integration.id, integration.account_id)
    assert ledger[("A", None)].quantity is not None
    assert (ledger[("B", None)].quantity, ledger[("B", None)].pending) == (None, 2)  # uncertain: sent again


# --- confirm shipment -----------------------------------------------------------------------------------


def shipment(tracking: str = "TRACK-1") -> Shipment:
    return Shipment(order_id="o1", parcels=[{"tracking_number": tracking, "carrier": "DHL"}])


def test_a_shipment_is_confirmed_once(connected: Integration, channel: FakeChannel) -> None:
    first = connected.confirm_shipment(shipment())

    assert [p.outcome for p in first.parcels] == ["confirmed"]
    assert first.calls == 1
    assert channel.calls["confirm_shipment"] == 1


def test_a_repeated_confirmation_makes_no_second_call(connected: Integration, channel: FakeChannel) -> None:
    connected.confirm_shipment(shipment())

    again = connected.confirm_shipment(shipment())

    assert [p.outcome for p in again.parcels] == ["already_confirmed"]
    assert again.parcels[0].package_id == "pkg-1"
    assert again.calls == 0
    assert channel.calls["confirm_shipment"] == 1


def test_the_repeat_matches_despite_case_and_spacing(connected: Integration, channel: FakeChannel) -> None:
    connected.confirm_shipment(shipment("track-1"))

    again = connected.confirm_shipment(
        Shipment(order_id="o1", parcels=[{"tracking_number": " TRACK-1 ", "carrier": " dhl"}])
    )

    assert [p.outcome for p in again.parcels] == ["already_confirmed"]
    assert channel.calls["confirm_shipment"] == 1


def test_a_new_parcel_on_a_confirmed_order_is_sent_alone(
    connected: Integration, channel: FakeChannel
) -> None:
    connected.confirm_shipment(shipment("TRACK-1"))

    report = connected.confirm_shipment(
        Shipment(
            order_id="o1",
            parcels=[
                {"tracking_number": "TRACK-1", "carrier": "DHL"},
                {"tracking_number": "TRACK-2", "carrier": "DHL"},
            ],
        )
    )

    assert [p.outcome for p in report.parcels] == ["already_confirmed", "confirmed"]
    assert [s["tracking"] for s in channel.shipments] == ["TRACK-1", "TRACK-2"]
    assert len(connected.context().previous_shipments("o1")) == 2


def test_a_rejected_parcel_is_not_remembered(
    integrations: Integrations, fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    channel = FakeChannel()

    class Rejecting(FakeConnector):
        @hookimpl
        def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
            self.channel.calls["confirm_shipment"] += 1
            return ShipmentReport(
                order_id=shipment.order_id,
                parcels=[
                    {
                        "tracking_number": p.tracking_number,
                        "carrier": p.carrier,
                        "outcome": "rejected",
                        "code": "E1",
                    }
                    for p in shipment.parcels
                ],
                calls=1,
            )

    integration = open_with(Rejecting(channel, fake_schema_dir), store, clock)

    integration.confirm_shipment(shipment())
    integration.confirm_shipment(shipment())

    assert channel.calls["confirm_shipment"] == 2
    intents = integration.store.list_intents(integration.id, kind="shipment", key_prefix="o1/")
    assert [i.status for i in intents] == ["refused"]


def test_a_connector_answering_for_the_wrong_number_of_parcels_is_an_error(
    fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    channel = FakeChannel()

    class Forgetful(FakeConnector):
        @hookimpl
        def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
            return ShipmentReport(order_id=shipment.order_id, parcels=[], calls=1)

    integration = open_with(Forgetful(channel, fake_schema_dir), store, clock)

    with pytest.raises(ConnectorError, match="0 parcel results for 1 parcel"):
        integration.confirm_shipment(shipment())


def test_the_fingerprint_ignores_line_order_but_not_lines() -> None:
    a = Shipment(
        order_id="o",
        parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "A"}, {"sku": "B"}]}],
    ).parcels[0]
    b = Shipment(
        order_id="o",
        parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "B"}, {"sku": "A"}]}],
    ).parcels[0]
    c = Shipment(
        order_id="o", parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "A"}]}]
    ).parcels[0]

    assert parcel_fingerprint("o", a) == parcel_fingerprint("o", b)
    assert parcel_fingerprint("o", a) != parcel_fingerprint("o", c)
    assert parcel_fingerprint("o", a) != parcel_fingerprint("other", a)


def open_with(connector: FakeConnector, store: SQLiteStore, clock: OffsetClock) -> Integration:
    host = ConnectorHost(group="none", environ={})
    host.add(FAKE_ID, connector)
    integrations = Integrations(host, store, clock=clock)
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"stock_sync": True})
    integration = integrations.open(record.id)
    integration.tokens.store_new_tokens(connector.channel.issue_tokens(clock.now()))
    return integration


# --- webhooks -------------------------------------------------------------------------------------------


def delivery(channel: FakeChannel, **event: Any) -> tuple[dict[str, str], bytes]:
    body = json.dumps(event).encode()
    return {"X-Signature": channel.sign(body)}, body


def test_a_webhook_with_a_bad_signature_is_rejected(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e1", type="ORDER", order_id="o1")

    with pytest.raises(WebhookRejected, match="signature does not verify"):
        connected.receive_webhook({"X-Signature": "0" * 64}, body)

    assert connected.receive_webhook(headers, body)[0].id == "e1"  # not remembered by the rejected attempt


def test_a_redelivered_event_is_returned_once(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e1", type="ORDER", order_id="o1")

    first = connected.receive_webhook(headers, body)
    again = connected.receive_webhook(headers, body)

    assert [e.order_id for e in first] == ["o1"]
    assert again == []


def test_a_deauthorization_event_marks_the_integration(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e2", type="DEAUTH")

    connected.receive_webhook(headers, body)

    assert connected.reauthorization().needs_reauthorization
    with pytest.raises(ReauthorizationRequired, match="withdrew the authorization"):
        connected.access_token()


def test_an_expiry_warning_moves_the_deadline(connected: Integration, channel: FakeChannel) -> None:
    deadline = datetime.combine(date(2027, 1, 31), datetime.min.time(), tzinfo=timezone.utc)
    headers, body = delivery(channel, id="e3", type="EXPIRING", reauthorize_by=deadline.isoformat())

    connected.receive_webhook(headers, body)

    state = connected.reauthorization()
    assert state.deadline == deadline
    assert not state.needs_reauthorization


def test_a_parcel_listed_twice_in_one_shipment_is_sent_once(
    connected: Integration, channel: FakeChannel
) -> None:
    parcel = {"tracking_number": "TWICE-1", "carrier": "DHL"}
    report = connected.confirm_shipment(Shipment(order_id="o1", parcels=[parcel, parcel]))

    assert [p.outcome for p in report.parcels] == ["confirmed", "confirmed"]
    assert channel.calls["confirm_shipment"] == 1
    assert len(connected.store.list_intents(connected.id, kind="shipment", key_prefix="o1/")) == 1


def test_blank_optional_settings_mean_not_set(integrations: Integrations, record: Any) -> None:
    updated = integrations.update(record.id, settings={"import_orders_since": ""})

    assert "import_orders_since" not in updated.settings


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
