"""What every flow of one opened integration shares: the record, the connector, the store, the clock,
the tokens, the served shop, and the contexts handed to the connector's hooks.

Everything a flow keeps is keyed by (integration, shop): `account_id` is the shop the integration serves
now ("" for a channel without accounts), so switching the shop switches cursors, ledgers, caches and
leases with it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from ..auth import TokenManager
from ..clock import Clock
from ..context import ConnectorContext, IntegrationCache, ShipmentHistory, StatusMapper
from ..direct_hooks import first_result_caller
from ..host import Connector
from ..http import HttpClient
from ..models import Account, OrderPage, OrderStatus, TokenSet
from ..redaction import scrub
from ..rules import unknown_status_warning
from ..store import IntegrationRecord, RunRecord, Store
from ..store.platform_records import ShopRecord

NO_ACCOUNT = ""
"""The shop key of a channel without accounts (and of rows written before ledgers were kept per shop)."""


class ShopCache(IntegrationCache):
    """The integration's cache with the served shop in every namespace: one shop's SKU map is not another's."""

    def __init__(self, store: Store, integration_id: str, account_id: str) -> None:
        super().__init__(store, integration_id)
        self._prefix = f"{account_id}:" if account_id else ""

    def get(self, namespace: str, key: str) -> Any | None:
        return super().get(self._prefix + namespace, key)

    def put(self, namespace: str, items: Mapping[str, Any]) -> None:
        super().put(self._prefix + namespace, items)

    def clear(self, namespace: str) -> None:
        super().clear(self._prefix + namespace)


class Session:
    """One opened integration's shared state; the flows read it, only `select_account` changes it."""

    def __init__(
        self,
        record: IntegrationRecord,
        connector: Connector,
        store: Store,
        http: HttpClient,
        clock: Clock,
        tokens: TokenManager,
        *,
        shop: str | None = None,
    ) -> None:
        self.shop = shop
        """The shop this session serves whatever the record selects (a view made by `Integration.shop`)."""
        self.record = record
        self.connector = connector
        self.store = store
        self.http = http
        self.clock = clock
        self.tokens = tokens
        self.log = logging.getLogger(f"connectors.{connector.id}")
        self.cache: IntegrationCache = ShopCache(store, record.id, self.account_id)
        self._shop_settings: dict[str, Any] | None = None
        self.shops_read: list[ShopRecord] | None = None
        """The connection's shops as whoever made this session has just read them: the next `context()`
        uses them instead of reading them again (then reads afresh)."""

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def late_call_bound(self) -> timedelta:
        """How long a call of a process that died mid-call may still take to land at the channel: the HTTP
        call deadline. Leases of work that changes the channel wait this long before a dead holder's is taken."""
        return timedelta(seconds=self.http.deadline)

    @property
    def account_id(self) -> str:
        """The shop served: this session's own, else the record's selected one ("" when the channel has no
        shops, or several and none was named: then the flows find the shop, see `Integration`)."""
        return self.shop or self.record.account_id or NO_ACCOUNT

    @property
    def settings(self) -> dict[str, Any]:
        """The connection's settings with the served shop's overrides on top (stock sync off for DE ...)."""
        if self._shop_settings is None:
            found = self.store.get_shop(self.id, self.account_id) if self.account_id else None
            self._shop_settings = dict(found.settings) if found is not None else {}
        return {**self.record.settings, **self._shop_settings}

    def switch_record(self, record: IntegrationRecord) -> None:
        """Take an updated record (a new shop selected): caches follow the shop."""
        self.record = record
        self.cache = ShopCache(self.store, record.id, self.account_id)
        self._shop_settings = None

    # --- contexts for the connector's hooks -----------------------------------------------------------

    def bare_context(self) -> ConnectorContext:
        """For hooks that must not recurse into the token lifecycle (refresh) or need no account."""
        return ConnectorContext(
            connector_id=self.connector.id,
            integration_id=self.id,
            credentials=self.record.credentials,
            settings=self.settings,
            http=self.http,
            clock=self.clock,
            log=self.log,
            cache=self.cache,
            shipments=ShipmentHistory(self.store, self.id, self.account_id),
        )

    def context(self) -> ConnectorContext:
        """The full context: the bare one plus the served shop, the tokens and the status mapping."""
        # One read for the shops and the served shop's settings (an idle poll is mostly such reads).
        shops, self.shops_read = self.shops_read, None
        if shops is None:
            shops = self.store.list_shops(self.id)
        accounts = [shop.account for shop in shops if shop.active]
        if self._shop_settings is None and self.account_id:
            served = next((shop for shop in shops if shop.id == self.account_id), None)
            self._shop_settings = dict(served.settings) if served is not None else {}
        return dataclasses.replace(
            self.bare_context(),
            account=self.pick_account(accounts),
            accounts=accounts,
            tokens=self.tokens,
            status_mapper=self.status_mapper(),
        )

    def pick_account(self, accounts: list[Account]) -> Account | None:
        if self.account_id:
            for account in accounts:
                if account.id == self.account_id:
                    return account
        return accounts[0] if len(accounts) == 1 else None

    def status_mapper(self) -> StatusMapper:
        # The hook runs once per order: build its context once per flow, not once per order.
        return CoreStatusMapper(self.connector, self.bare_context())

    def refresh(self, refresh_token: SecretStr) -> TokenSet:
        return self.connector.refresh_token(self.bare_context(), refresh_token)

    # --- run records ----------------------------------------------------------------------------------

    def record_run(
        self, flow: str, started_at: datetime, summary: Mapping[str, Any], error: BaseException | None = None
    ) -> None:
        """Keep one finished (or failed) run for status pages; the error text is scrubbed of secrets."""
        details = dict(summary)
        if error is not None:
            details["error"] = scrub(f"{type(error).__name__}: {error}")[:500]
        try:
            self.store.record_run(
                RunRecord(
                    integration_id=self.id,
                    account_id=self.account_id,
                    flow=flow,
                    started_at=started_at,
                    finished_at=self.clock.now(),
                    ok=error is None,
                    summary=details,
                )
            )
        except Exception as exc:  # a status page must never turn a finished flow into a failed one
            self.log.warning("could not record the %s run: %s", flow, scrub(str(exc))[:200])


class CoreStatusMapper:
    """`ctx.map_status` for one flow: the `map_order_status` hook, remembering which channel statuses no one
    but the core's on-hold default mapped (`unknown`), so the flow can say so on each such order."""

    def __init__(self, connector: Connector, ctx: ConnectorContext) -> None:
        self.connector = connector
        self.ctx = ctx
        self.unknown: set[str] = set()
        # No implementation reads the order itself: the answer depends on the status alone, so each
        # distinct status goes through the hook once per flow instead of once per order.
        self._memo: dict[str, OrderStatus | None] | None = None if connector.status_depends_on_order() else {}
        # Otherwise the hook runs once per order: its implementations are called directly (connector_core.
        # direct_hooks), read once per flow.
        self._known = first_result_caller(connector.pm, connector.known_status_hook())

    def __call__(self, channel_status: str, channel_order: Mapping[str, Any]) -> OrderStatus | None:
        if self._memo is not None and channel_status in self._memo:
            return self._memo[channel_status]
        known = self._known(ctx=self.ctx, channel_status=channel_status, channel_order=channel_order)
        status = known if known is None or type(known) is OrderStatus else OrderStatus(known)
        if status is None:
            status = self.connector.map_order_status(self.ctx, channel_status, channel_order)
            if status is not None:  # the core's default answered (unless a host dropped the rules)
                self.unknown.add(channel_status.strip().upper())
        if self._memo is not None:
            self._memo[channel_status] = status
        return status

    def flag(self, page: OrderPage) -> OrderPage:
        """The page with a warning on each order whose status only the core's default mapped."""
        if not self.unknown:
            return page
        flagged = []
        for order in page.orders:
            if order.status is OrderStatus.ON_HOLD and order.channel_status.strip().upper() in self.unknown:
                warning = unknown_status_warning(order.channel_status, self.connector.id)
                if warning not in order.warnings:
                    order = order.model_copy(update={"warnings": [*order.warnings, warning]})
            flagged.append(order)
        return page.model_copy(update={"orders": flagged})
