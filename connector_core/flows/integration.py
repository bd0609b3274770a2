"""`Integration`: one opened integration, a thin facade whose every flow lives in its own module."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import SecretStr

from ..aftersales import Reason, ReturnAction, ReturnPage
from ..auth import DEFAULT_MARGIN, TokenManager
from ..clock import Clock
from ..context import ConnectorContext, IntegrationCache
from ..host import Connector
from ..http import HttpClient
from ..models import (
    Account,
    ConnectionCheck,
    HandoverChoice,
    Interception,
    Label,
    LabelParcel,
    LabelReport,
    Money,
    OrderPage,
    ReauthorizationState,
    Shipment,
    ShipmentReport,
    ShippingService,
    StockLevel,
    StockReport,
    TokenSet,
    WebhookEvent,
)
from ..store import IntegrationRecord, Store
from ..store.platform_records import ShopRecord
from . import (
    cancellations,
    connect,
    labels,
    orders,
    returns,
    shipments,
    shops,
    stock,
    stock_routing,
    subscriptions,
    webhooks,
)
from .session import Session
from .status import IntegrationStatus, status


class Integration:
    """One integration, opened: the flows, each one call."""

    def __init__(
        self,
        record: IntegrationRecord,
        connector: Connector,
        store: Store,
        http: HttpClient,
        clock: Clock,
        token_margin: timedelta = DEFAULT_MARGIN,
        *,
        webhook_max_age: timedelta = webhooks.DEFAULT_WEBHOOK_MAX_AGE,
        shop: str | None = None,
    ) -> None:
        self._opened = (record, connector, store, http, clock, token_margin)
        # A refresh changes the channel (it may rotate the refresh token): a dead refresher's lease is taken
        # over only once its call can no longer land.
        self.tokens = TokenManager(
            store,
            record.id,
            self._refresh,
            margin=token_margin,
            clock=clock,
            settle=timedelta(seconds=http.deadline),
        )
        self.session = Session(record, connector, store, http, clock, self.tokens, shop=shop)
        self.webhook_max_age = webhook_max_age

    def _refresh(self, refresh_token: SecretStr) -> TokenSet:
        return self.session.refresh(refresh_token)

    # --- what the integration is ----------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def record(self) -> IntegrationRecord:
        return self.session.record

    @property
    def connector(self) -> Connector:
        return self.session.connector

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def http(self) -> HttpClient:
        return self.session.http

    @property
    def clock(self) -> Clock:
        return self.session.clock

    @property
    def cache(self) -> IntegrationCache:
        return self.session.cache

    @property
    def account_id(self) -> str:
        """The shop served now ("" for a channel without accounts)."""
        return self.session.account_id

    def context(self) -> ConnectorContext:
        return self.session.context()

    # --- shops: every authorized shop is served ------------------------------------------------------

    def shops(self) -> list[ShopRecord]:
        """Every shop the authorization covers (and those that left it), with status, settings, schedule."""
        return self.store.list_shops(self.id)

    def shop(self, shop_id: str) -> Integration:
        """This connection serving one shop: its cursor, ledgers, leases and settings overrides."""
        if shop_id == self.session.shop:
            return self
        active = shops.active_shop_ids(self.session)
        if shop_id not in active:
            raise shops.unknown_shop(shop_id, active)
        return self._view(shop_id)

    def serving(self, shop_id: str, shops: list[ShopRecord]) -> Integration:
        """This connection serving `shop_id`, given its shops as the caller has just read them (a worker's
        pull): the same as `shop(shop_id)`, and the view's flow reads the shops no more."""
        if not any(s.id == shop_id and s.active for s in shops):
            return self.shop(shop_id)  # says why it is not served
        return self._view(shop_id, shops)

    def _view(self, shop_id: str, shops: list[ShopRecord] | None = None) -> Integration:
        """This connection serving `shop_id`, which the caller has just read among the active shops."""
        _, connector, store, http, clock, margin = self._opened
        view = Integration(
            self.session.record,
            connector,
            store,
            http,
            clock,
            margin,
            webhook_max_age=self.webhook_max_age,
            shop=shop_id,
        )
        view.session.shops_read = shops
        return view

    def set_shop_settings(self, shop_id: str, settings: Mapping[str, Any]) -> ShopRecord:
        """Override the connection's settings for one shop (e.g. {"stock_sync": False} for DE)."""
        return self.store.set_shop_settings(self.id, shop_id, settings)

    def served(self) -> list[Integration]:
        """The shops a call without a shop is for: the one this object serves (named, or selected by an
        older release), else every active shop; a connection with at most one shop is served as it is."""
        if self.session.account_id:
            return [self]
        found = self.store.list_shops(self.id)
        active = [shop.id for shop in found if shop.active]
        # Views even for a single shop: its state is keyed by its real id, never by "no shop".
        return [self._view(s, found) for s in active] if active else [self]

    def orders_by_shop(self, events: Sequence[WebhookEvent]) -> list[tuple[Integration, list[str]]]:
        """The orders `events` name, grouped by the served shop each event names (one naming no shop goes
        to the first served shop); events of shops not served are dropped."""
        views = {view.account_id: view for view in self.served()}
        grouped: dict[str, set[str]] = {}
        for event in events:
            if not event.order_id:
                continue
            shop = event.account_id if event.account_id in views else None
            if shop is None and not event.account_id:
                shop = next(iter(views))
            if shop is not None:
                grouped.setdefault(shop, set()).add(event.order_id)
        return [(views[shop], sorted(ids)) for shop, ids in grouped.items()]

    def _for_order(self, order_id: str, shop: str | None) -> Integration:
        if shop is not None:
            return self.shop(shop)
        served = self.served()
        if len(served) == 1:
            return served[0]
        remembered = shops.remembered_shop(self.session, order_id)
        if remembered is not None and remembered in {v.account_id for v in served}:
            return self.shop(remembered)
        for view in served:  # never imported here: ask each shop (a read), at most once per shop
            if view.get_orders([order_id]).orders:
                return view
        raise shops.unknown_order(order_id, [v.account_id for v in served])

    # --- connect --------------------------------------------------------------------------------------

    def begin_connect(self, redirect_uri: str | None = None, *, data: Mapping[str, Any] | None = None) -> str:
        return connect.begin_connect(self.session, redirect_uri, data=data)

    def finish_connect(self, callback_params: Mapping[str, str]) -> list[Account]:
        return connect.finish_connect(self.session, callback_params)

    def discover_accounts(self) -> list[Account]:
        return connect.discover_accounts(self.session)

    def select_account(self, account_id: str) -> None:
        connect.select_account(self.session, account_id)

    def check_connection(self) -> ConnectionCheck:
        return connect.check_connection(self.session)

    def access_token(self) -> str:
        return self.tokens.access_token()

    def reauthorization(self) -> ReauthorizationState:
        return self.tokens.reauthorization()

    # --- orders, stock, shipments, webhooks -----------------------------------------------------------

    def pull_orders(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        stream: str | None = None,
        shop: str | None = None,
        more: Callable[[], bool] | None = None,
    ) -> Iterator[OrderPage]:
        """Pages of orders of `shop`, or of every served shop in turn (each from its own cursor); `more`
        pauses a long import between pages (see `flows.orders.pull_orders`)."""
        if shop is not None:
            return orders.pull_orders(self.shop(shop).session, since, until, stream=stream, more=more)
        served = self.served()
        if len(served) == 1:
            return orders.pull_orders(served[0].session, since, until, stream=stream, more=more)
        return (
            page
            for view in served
            for page in orders.pull_orders(view.session, since, until, stream=stream, more=more)
        )

    def get_orders(self, order_ids: Sequence[str]) -> OrderPage:
        return orders.get_orders(self.session, order_ids)

    def push_stock(
        self, levels: Sequence[StockLevel], *, force: bool = False, shop: str | None = None
    ) -> StockReport:
        """Levels for `shop`, or for the served shops whose settings sync stock and that list each level's
        SKU (the store's SKU -> shop index; see `flows.stock_routing`: a shop nothing is known about is sent
        the level, one that said it does not list the SKU is not; a SKU no shop lists is reported once)."""
        if shop is not None:
            return stock.push_stock(self.shop(shop).session, levels, force=force)
        served = self.served()
        if len(served) == 1:
            return stock.push_stock(served[0].session, levels, force=force)
        syncing = {v.account_id: v for v in served if v.session.settings.get("stock_sync") is not False}
        routes = stock_routing.route(self.store, self.id, list(syncing), levels, self.clock.now())
        reports = [
            stock.push_stock(syncing[s].session, found, force=force) for s, found in routes.by_shop.items()
        ]
        return stock.merge_reports([*reports, StockReport(results=routes.unsent, calls=0)])

    def confirm_shipment(self, shipment: Shipment, *, shop: str | None = None) -> ShipmentReport:
        """Confirm to the shop of the order (remembered from the import, or looked up), or to `shop`."""
        return shipments.confirm_shipment(self._for_order(shipment.order_id, shop).session, shipment)

    # --- labels ---------------------------------------------------------------------------------------

    def create_labels(
        self,
        order_id: str,
        boxes: Sequence[labels.Box],
        service_id: str | None = None,
        handover: HandoverChoice | None = None,
        overrides: Sequence[Interception] = (),
        *,
        shop: str | None = None,
    ) -> LabelReport:
        """Buy one label per box of the order, exactly once (a retry finds the first purchase); refused for an
        order the channel says must not ship now, unless `overrides` names the reason (`interception`). The
        order's shop is found as for shipments, or named with `shop`."""
        view = self._for_order(order_id, shop)
        return labels.create_labels(view.session, order_id, boxes, service_id, handover, overrides)

    def labels(self, order_id: str, *, shop: str | None = None) -> list[Label]:
        """The label ledger of an order: every label bought, with its kept document."""
        return labels.labels(self._for_order(order_id, shop).session, order_id)

    def reprint(self, package_id: str) -> Label:
        return labels.reprint(self.session, package_id)

    def shipping_services(self, box: LabelParcel) -> list[ShippingService]:
        return labels.shipping_services(self.session, box)

    def handover_choices(self, box: LabelParcel) -> list[HandoverChoice]:
        return labels.handover_choices(self.session, box)

    def void_label(self, package_id: str) -> bool:
        return labels.void_label(self.session, package_id)

    # --- after the sale -------------------------------------------------------------------------------

    def decide_cancellation(
        self,
        order_id: str,
        action: Literal["approve", "reject"],
        reason: str | None = None,
        comment: str | None = None,
    ) -> cancellations.DecisionReport:
        """Approve or reject the order's open cancellation request, exactly once (an intent)."""
        view = self._for_order(order_id, None)  # the order's shop, as for shipments
        return cancellations.decide_cancellation(view.session, order_id, action, reason, comment)

    def cancel_order(
        self, order_id: str, line_ids: Sequence[str] = (), reason: str = ""
    ) -> cancellations.DecisionReport:
        """Cancel the order (or these units of it) as the seller, exactly once (an intent)."""
        return cancellations.cancel_order(self._for_order(order_id, None).session, order_id, line_ids, reason)

    def pull_returns(
        self, since: datetime | None = None, *, more: Callable[[], bool] | None = None
    ) -> Iterator[ReturnPage]:
        """The returns changed since the last complete import of each served shop's returns (own cursor);
        `more` pauses a long import after a page (see `flows.returns.pull_returns`)."""
        served = self.served()
        if len(served) == 1:
            return returns.pull_returns(served[0].session, since, more=more)
        return (page for view in served for page in returns.pull_returns(view.session, since, more=more))

    def decide_return(
        self,
        return_id: str,
        action: ReturnAction,
        reason: str | None = None,
        comment: str | None = None,
        amount: Money | None = None,
    ) -> cancellations.DecisionReport:
        """Approve the refund or the return, mark the returned parcel received, reject with a reason, or offer
        a partial refund: exactly once (an intent)."""
        return returns.decide_return(self.session, return_id, action, reason, comment, amount)

    def webhook_subscriptions(
        self, address: str | None = None, repair: bool = False
    ) -> list[subscriptions.SubscriptionState]:
        """What the served shop is subscribed to versus what the kit needs; `repair` subscribes the rest."""
        return subscriptions.sync_webhooks(self.session, address, repair)

    def deauthorize(self) -> bool:
        """Withdraw the app's authorization for the served shop at the channel (False: the connector cannot)."""
        if not self.connector.implements("deauthorize_account"):
            return False
        return self.connector.deauthorize_account(self.context())

    def decision_reasons(self, request_id: str) -> list[Reason]:
        """The channel's reasons for rejecting this cancellation or return request (read-only)."""
        return self.connector.decision_reasons(self.context(), request_id)

    # --- webhooks, status -----------------------------------------------------------------------------

    def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookEvent]:
        return webhooks.receive_webhook(self.session, headers, body, max_age=self.webhook_max_age)

    def status(self) -> IntegrationStatus:
        return status(self.session, [view.session for view in self.served()])
