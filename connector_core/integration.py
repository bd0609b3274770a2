"""The flows a host runs for one integration: connect, pull orders, push stock, confirm shipments, webhooks.

Data moves one way: host -> core -> connector -> channel, and back as canonical models. The core owns
what every connector would otherwise get wrong on its own: form validation, OAuth state, the token
lifecycle, the order cursor (saved only after the host took a page), the stock ledger (unchanged levels
are not sent again), the shipment ledger (a repeated confirmation makes no call) and webhook
de-duplication.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pydantic import SecretStr

from . import forms
from .auth import DEFAULT_MARGIN, TokenManager
from .clock import Clock, SystemClock
from .context import SHIPMENT_INTENT, ConnectorContext, IntegrationCache, ShipmentHistory, StatusMapper
from .errors import ConnectorError, FieldError, InvalidInput, ReauthorizationRequired
from .flows import labels as labels_flow
from .host import Connector, ConnectorHost
from .http import HttpClient
from .models import (
    Account,
    ConnectionCheck,
    HandoverChoice,
    Label,
    LabelParcel,
    LabelReport,
    OrderPage,
    OrderStatus,
    OrderWindow,
    ParcelResult,
    ReauthorizationState,
    Shipment,
    ShipmentParcel,
    ShipmentReport,
    ShippingService,
    StockLevel,
    StockReport,
    StockResult,
    TokenSet,
    WebhookEvent,
    WebhookKind,
)
from .store import IntegrationRecord, Intent, Store

log = logging.getLogger("connector_core.integration")

ORDERS_STREAM = "orders"
ORDERS_SINCE_SETTING = "import_orders_since"
"""A settings field the core reads, if a settings schema has it: where the first import starts."""
DEFAULT_FIRST_IMPORT = timedelta(days=30)
INCREMENTAL_OVERLAP = timedelta(minutes=5)
OAUTH_STATE_TTL = timedelta(minutes=15)
LEDGER_ACCOUNT = ""
"""The shop the stock and shipment ledgers are kept under until the flows key them per shop: "" is where
the store's migration put every earlier row, so nothing confirmed before is sent again."""


class WebhookRejected(ConnectorError):
    """A webhook delivery whose signature does not verify: nothing in it is trusted."""


@dataclass(frozen=True)
class IntegrationStatus:
    """What an operator wants to see at a glance."""

    integration_id: str
    connector: str
    name: str
    account: Account | None
    connected: bool
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    reauthorization: ReauthorizationState
    last_order_sync: datetime | None
    order_cursor: str | None


def parcel_fingerprint(order_id: str, parcel: ShipmentParcel) -> str:
    """Identifies 'this parcel of this order with this tracking': equal fingerprints, same confirmation."""
    lines = sorted(
        f"{line.sku or ''}:{line.quantity or ''}:{','.join(sorted(line.channel_line_ids))}"
        for line in parcel.lines
    )
    key = "|".join([order_id, parcel.tracking_number.strip().upper(), parcel.carrier.strip().lower(), *lines])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class Integrations:
    """Creates, edits, lists and opens integrations; the entry point for host code."""

    def __init__(
        self,
        host: ConnectorHost,
        store: Store,
        *,
        clock: Clock | None = None,
        token_margin: timedelta = DEFAULT_MARGIN,
        http_clients: dict[str, HttpClient] | None = None,
    ) -> None:
        self.host = host
        self.store = store
        self.clock = clock or SystemClock()
        self.token_margin = token_margin
        self._http = http_clients if http_clients is not None else {}

    # --- forms ----------------------------------------------------------------------------------------

    def _validated(
        self, connector: Connector, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        cred_schema = connector.credentials_schema()
        settings_schema = connector.settings_schema()
        creds = forms.apply_defaults(forms.drop_blank(credentials), cred_schema)
        sets = forms.apply_defaults(forms.drop_blank(settings), settings_schema)
        errors = forms.validate(creds, cred_schema) + [
            FieldError(f"settings.{e.field}" if e.field else "settings", e.message)
            for e in forms.validate(sets, settings_schema)
        ]
        if errors:
            raise InvalidInput(f"{connector.id} integration", errors)
        return creds, sets

    def create(
        self,
        connector_id: str,
        credentials: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> IntegrationRecord:
        """Validate the forms (naming every bad field) and store a new integration; secrets are encrypted."""
        connector = self.host.get(connector_id)
        creds, sets = self._validated(connector, credentials, settings or {})
        split = forms.split_credentials(creds, connector.credentials_schema())
        return self.store.create_integration(connector_id, name or connector.manifest.name, split, sets)

    def update(
        self,
        integration_id: str,
        credentials: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> IntegrationRecord:
        """Apply an edit form: a secret left blank (or sent back as the sentinel) keeps its stored value."""
        record = self.store.get_integration(integration_id)
        connector = self.host.get(record.connector)
        schema = connector.credentials_schema()
        merged_creds = forms.merge(dict(record.credentials.items()), credentials or {}, schema)
        merged_creds = {
            k: forms._plain(v) if k in forms.secret_fields(schema) else v for k, v in merged_creds.items()
        }
        merged_settings = {**record.settings, **(settings or {})}
        creds, sets = self._validated(connector, merged_creds, merged_settings)
        return self.store.update_integration(
            integration_id, name=name, credentials=forms.split_credentials(creds, schema), settings=sets
        )

    def redacted(self, integration_id: str) -> forms.RedactedForm:
        record = self.store.get_integration(integration_id)
        schema = self.host.get(record.connector).credentials_schema()
        return forms.redact(dict(record.credentials.items()), schema)

    # --- lifecycle ------------------------------------------------------------------------------------

    def list(self) -> list[IntegrationRecord]:
        return self.store.list_integrations()

    def remove(self, integration_id: str) -> None:
        self.store.delete_integration(integration_id)

    def open(self, integration_id: str) -> Integration:
        record = self.store.get_integration(integration_id)
        connector = self.host.get(record.connector)
        return Integration(
            record, connector, self.store, self._client(connector), self.clock, self.token_margin
        )

    def _client(self, connector: Connector) -> HttpClient:
        if connector.id not in self._http:
            self._http[connector.id] = HttpClient(
                connector.manifest.name, secret_parameters=connector.manifest.secret_parameters
            )
        return self._http[connector.id]

    def complete_connect(self, callback_params: Mapping[str, str]) -> Integration:
        """Finish Connect from the OAuth callback's query: check `state`, exchange the code, find accounts."""
        state = callback_params.get("state")
        if not state:
            raise InvalidInput("OAuth callback", [FieldError("state", "is missing")])
        oauth_state = self.store.consume_oauth_state(state)
        integration = self.open(oauth_state.integration_id)
        integration.finish_connect(callback_params)
        return integration


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
    ) -> None:
        self.record = record
        self.connector = connector
        self.store = store
        self.http = http
        self.clock = clock
        self.log = logging.getLogger(f"connectors.{connector.id}")
        self.cache = IntegrationCache(store, record.id)
        self.tokens = TokenManager(store, record.id, self._refresh, margin=token_margin, clock=clock)

    @property
    def id(self) -> str:
        return self.record.id

    # --- context --------------------------------------------------------------------------------------

    def context(self) -> ConnectorContext:
        """The full context: the bare one plus the selected account, the tokens and the status mapping."""
        accounts = self.store.list_accounts(self.id)
        return dataclasses.replace(
            self._bare_context(),
            account=self._pick_account(accounts),
            accounts=accounts,
            tokens=self.tokens,
            status_mapper=self._status_mapper(),
        )

    def _pick_account(self, accounts: list[Account]) -> Account | None:
        if self.record.account_id:
            for account in accounts:
                if account.id == self.record.account_id:
                    return account
        return accounts[0] if len(accounts) == 1 else None

    def _status_mapper(self) -> StatusMapper:
        # The hook runs once per order: build its context once per flow, not once per order.
        bare = self._bare_context()

        def map_status(channel_status: str, channel_order: Mapping[str, Any]) -> OrderStatus | None:
            return self.connector.map_order_status(bare, channel_status, channel_order)

        if self.connector.status_depends_on_order():
            return map_status
        # No implementation reads the order itself: the answer depends on the status alone, so each
        # distinct status goes through the hook once per flow instead of once per order.
        memo: dict[str, OrderStatus | None] = {}

        def memoized(channel_status: str, channel_order: Mapping[str, Any]) -> OrderStatus | None:
            if channel_status not in memo:
                memo[channel_status] = map_status(channel_status, channel_order)
            return memo[channel_status]

        return memoized

    def _bare_context(self) -> ConnectorContext:
        # For hooks that must not recurse into the token lifecycle (refresh) or need no account.
        return ConnectorContext(
            connector_id=self.connector.id,
            integration_id=self.id,
            credentials=self.record.credentials,
            settings=self.record.settings,
            http=self.http,
            clock=self.clock,
            log=self.log,
            cache=self.cache,
            shipments=ShipmentHistory(self.store, self.id, LEDGER_ACCOUNT),
        )

    def _refresh(self, refresh_token: SecretStr) -> TokenSet:
        return self.connector.refresh_token(self._bare_context(), refresh_token)

    # --- connect --------------------------------------------------------------------------------------

    def begin_connect(self, redirect_uri: str | None = None) -> str:
        """Store a single-use `state` and return the consent URL to send the seller to."""
        state = self.store.create_oauth_state(self.id, OAUTH_STATE_TTL, {"redirect_uri": redirect_uri})
        return self.connector.authorization_url(self._bare_context(), state.state, redirect_uri)

    def finish_connect(self, callback_params: Mapping[str, str]) -> list[Account]:
        """Exchange the callback's code, store the tokens, discover and store the accounts."""
        code = callback_params.get("code")
        if not code:
            error = callback_params.get("error") or callback_params.get("error_description")
            raise InvalidInput(
                "OAuth callback",
                [FieldError("code", f"is missing{f' (the channel said: {error})' if error else ''}")],
            )
        extra = {k: v for k, v in callback_params.items() if k not in {"code", "state"}}
        tokens = self.connector.exchange_code(self._bare_context(), SecretStr(code), extra)
        self.tokens.store_new_tokens(tokens)
        return self.discover_accounts()

    def discover_accounts(self) -> list[Account]:
        accounts = self.connector.discover_accounts(self.context())
        self.store.save_accounts(self.id, accounts)
        if self.record.account_id is None and len(accounts) == 1:
            self.select_account(accounts[0].id)
        return accounts

    def select_account(self, account_id: str) -> None:
        known = {a.id for a in self.store.list_accounts(self.id)}
        if account_id not in known:
            raise InvalidInput(
                "account", [FieldError("account_id", f"{account_id!r} is not one of {sorted(known)}")]
            )
        self.record = self.store.update_integration(self.id, account_id=account_id)

    def check_connection(self) -> ConnectionCheck:
        return self.connector.check_connection(self.context())

    def access_token(self) -> str:
        return self.tokens.access_token()

    def reauthorization(self) -> ReauthorizationState:
        return self.tokens.reauthorization()

    # --- orders ---------------------------------------------------------------------------------------

    def pull_orders(
        self, since: datetime | None = None, until: datetime | None = None, *, stream: str | None = None
    ) -> Iterator[OrderPage]:
        """Stream orders page by page; the cursor moves only when the host asks for the next page.

        Without `since`/`until` this is the incremental import: it resumes an interrupted window, or
        starts where the last one ended (a few minutes of overlap). With them it is a backfill of that
        window, resumable on its own cursor.
        """
        stream = stream or (
            ORDERS_STREAM if since is None and until is None else _backfill_stream(since, until)
        )
        window, resume = self._order_window(stream, since, until)
        ctx = self.context()
        for page in self.connector.fetch_orders(ctx, window, resume):
            yield page
            self._save_cursor(stream, {"since": window.since, "until": window.until, "resume": page.resume})
        self._save_cursor(stream, {"watermark": window.until})

    def _order_window(
        self, stream: str, since: datetime | None, until: datetime | None
    ) -> tuple[OrderWindow, str | None]:
        saved = self._load_cursor(stream)
        if "until" in saved and "since" in saved:
            return OrderWindow(since=saved["since"], until=saved["until"]), saved.get("resume")
        if since is None:
            watermark = saved.get("watermark")
            since = watermark - INCREMENTAL_OVERLAP if watermark else self._first_import_start()
        return OrderWindow(since=since, until=until or self.clock.now()), None

    def _first_import_start(self) -> datetime:
        configured = self.record.settings.get(ORDERS_SINCE_SETTING)
        if configured:
            day = date.fromisoformat(str(configured)[:10])
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        return self.clock.now() - DEFAULT_FIRST_IMPORT

    def _load_cursor(self, stream: str) -> dict[str, Any]:
        raw = self.store.get_cursor(self.id, stream)
        if not raw:
            return {}
        data = json.loads(raw)
        return {
            k: (datetime.fromisoformat(v) if k in {"since", "until", "watermark"} else v)
            for k, v in data.items()
        }

    def _save_cursor(self, stream: str, cursor: dict[str, Any]) -> None:
        encoded = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in cursor.items()}
        self.store.set_cursor(self.id, stream, json.dumps(encoded))

    def get_orders(self, order_ids: Sequence[str]) -> OrderPage:
        return self.connector.get_orders(self.context(), order_ids)

    # --- stock ----------------------------------------------------------------------------------------

    def push_stock(self, levels: Sequence[StockLevel], *, force: bool = False) -> StockReport:
        """Send changed levels; unchanged ones (per the ledger) and invalid ones are reported, not sent."""
        latest: dict[tuple[str, str | None], StockLevel] = {}
        for level in levels:
            latest[(level.sku, level.warehouse)] = level  # the last level listed for a SKU wins
        ledger = {} if force else self.store.stock_levels(self.id, LEDGER_ACCOUNT)
        results: dict[tuple[str, str | None], StockResult] = {}
        to_send: list[StockLevel] = []
        for key, level in latest.items():
            previous = ledger.get(key)
            if level.quantity < 0:
                results[key] = StockResult(
                    sku=level.sku,
                    warehouse=level.warehouse,
                    outcome="invalid",
                    message=f"quantity {level.quantity} is negative",
                )
            elif previous is not None and previous.pending is None and previous.quantity == level.quantity:
                results[key] = StockResult(
                    sku=level.sku, warehouse=level.warehouse, outcome="unchanged", quantity=level.quantity
                )
            else:
                to_send.append(level)
        calls = 0
        if to_send:
            self.store.begin_stock_push(
                self.id, LEDGER_ACCOUNT, [(lv.sku, lv.warehouse, lv.quantity) for lv in to_send]
            )
            report = self.connector.push_stock(self.context(), to_send)
            calls = report.calls
            for result in report.results:
                results[(result.sku, result.warehouse)] = result
            for level in to_send:
                # A level the connector gave no result for must not vanish from the host's report.
                results.setdefault(
                    (level.sku, level.warehouse),
                    StockResult(
                        sku=level.sku,
                        warehouse=level.warehouse,
                        outcome="rejected",
                        message=f"connector {self.connector.id!r} returned no result for this level; "
                        "it may or may not have been updated",
                    ),
                )
            self._record_stock(to_send, report)
        ordered = [results[key] for key in latest]
        return StockReport(results=ordered, calls=calls)

    def _record_stock(self, sent: Sequence[StockLevel], report: StockReport) -> None:
        # Only levels the connector answered for leave the uncertain state; the rest stay pending.
        answered = {(r.sku, r.warehouse): r.outcome for r in report.results}
        self.store.finish_stock_push(
            self.id,
            LEDGER_ACCOUNT,
            confirmed=[
                (lv.sku, lv.warehouse, lv.quantity)
                for lv in sent
                if answered.get((lv.sku, lv.warehouse)) == "updated"
            ],
            refused=[
                (lv.sku, lv.warehouse)
                for lv in sent
                if answered.get((lv.sku, lv.warehouse)) not in (None, "updated")
            ],
        )

    # --- shipments ------------------------------------------------------------------------------------

    def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
        """Confirm each parcel once: parcels already in the ledger are reported and make no call."""
        done = {
            intent.key.rsplit("/", 1)[1]: intent
            for intent in self.store.list_intents(
                self.id,
                account_id=LEDGER_ACCOUNT,
                kind=SHIPMENT_INTENT,
                key_prefix=f"{shipment.order_id}/",
                status="done",
            )
        }
        fingerprints = [parcel_fingerprint(shipment.order_id, p) for p in shipment.parcels]
        # A parcel listed twice in one shipment is still one parcel: send it once, report it for both.
        unique = dict(zip(fingerprints, shipment.parcels, strict=True))
        pending = [parcel for fp, parcel in unique.items() if fp not in done]
        by_fingerprint: dict[str, ParcelResult] = {}
        calls = 0
        if pending:
            for parcel in pending:
                self.store.begin_intent(
                    self.id,
                    LEDGER_ACCOUNT,
                    SHIPMENT_INTENT,
                    f"{shipment.order_id}/{parcel_fingerprint(shipment.order_id, parcel)}",
                    {
                        "order_id": shipment.order_id,
                        "tracking_number": parcel.tracking_number,
                        "carrier": parcel.carrier,
                        "line_ids": sorted({i for line in parcel.lines for i in line.channel_line_ids}),
                    },
                )
            report = self.connector.confirm_shipment(
                self.context(), shipment.model_copy(update={"parcels": pending})
            )
            calls = report.calls
            if len(report.parcels) != len(pending):
                raise ConnectorError(
                    f"connector {self.connector.id!r} answered confirm_shipment for order "
                    f"{shipment.order_id} with {len(report.parcels)} parcel results for {len(pending)} "
                    "parcels: it must return one result per parcel, in order"
                )
            for parcel, result in zip(pending, report.parcels, strict=True):
                fingerprint = parcel_fingerprint(shipment.order_id, parcel)
                by_fingerprint[fingerprint] = result
                self._record_parcel(shipment.order_id, fingerprint, result)
        results = [by_fingerprint.get(fp) or _already_confirmed(done[fp]) for fp in fingerprints]
        return ShipmentReport(order_id=shipment.order_id, parcels=results, calls=calls)

    def _record_parcel(self, order_id: str, fingerprint: str, result: ParcelResult) -> None:
        self.store.finish_intent(
            self.id,
            LEDGER_ACCOUNT,
            SHIPMENT_INTENT,
            f"{order_id}/{fingerprint}",
            "refused" if result.outcome == "rejected" else "done",
            {
                "package_id": result.package_id,
                "channel_line_ids": result.channel_line_ids,
                "tracking_number": result.tracking_number,
                "carrier": result.carrier,
                "message": result.message,
            },
        )

    # --- labels (thin: the flow lives in flows/labels.py) -----------------------------------------------

    @property
    def account_id(self) -> str:
        """The shop the integration serves ("" when none is selected or the channel has no accounts)."""
        return self.record.account_id or ""

    def create_labels(
        self,
        order_id: str,
        boxes: Sequence[labels_flow.Box],
        service_id: str | None = None,
        handover: HandoverChoice | None = None,
    ) -> LabelReport:
        """Buy one label per box of the order, exactly once (a retry finds the first purchase)."""
        return labels_flow.create_labels(self, order_id, boxes, service_id, handover)

    def labels(self, order_id: str) -> list[Label]:
        """The label ledger of an order: every label bought, with its kept document."""
        return labels_flow.labels(self, order_id)

    def reprint(self, package_id: str) -> Label:
        return labels_flow.reprint(self, package_id)

    def shipping_services(self, box: LabelParcel) -> list[ShippingService]:
        return labels_flow.shipping_services(self, box)

    def handover_choices(self, box: LabelParcel) -> list[HandoverChoice]:
        return labels_flow.handover_choices(self, box)

    def void_label(self, package_id: str) -> bool:
        return labels_flow.void_label(self, package_id)

    # --- webhooks -------------------------------------------------------------------------------------

    def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookEvent]:
        """Verify, parse and de-duplicate a delivery; returns only events not seen before."""
        lowered = {k.lower(): v for k, v in headers.items()}
        ctx = self._bare_context()
        if not self.connector.verify_webhook(ctx, lowered, body):
            raise WebhookRejected(
                f"integration {self.id}: webhook signature does not verify; delivery ignored"
            )
        fresh = [
            e
            for e in self.connector.parse_webhook(ctx, lowered, body)
            if self.store.remember_event(self.id, e.id)
        ]
        for event in fresh:
            self._apply_authorization_event(event)
        return fresh

    def _apply_authorization_event(self, event: WebhookEvent) -> None:
        if event.kind is WebhookKind.DEAUTHORIZED:
            self.tokens.mark_reauthorization_needed("the seller withdrew the authorization")
        elif event.kind is WebhookKind.AUTHORIZATION_EXPIRING and event.reauthorize_by is not None:
            self.tokens.set_deadline(event.reauthorize_by)

    # --- status ---------------------------------------------------------------------------------------

    def status(self) -> IntegrationStatus:
        tokens = self.tokens.tokens()
        accounts = self.store.list_accounts(self.id)
        return IntegrationStatus(
            integration_id=self.id,
            connector=self.connector.id,
            name=self.record.name,
            account=self._pick_account(accounts),
            connected=tokens is not None,
            access_expires_at=tokens.access_expires_at if tokens else None,
            refresh_expires_at=tokens.refresh_expires_at if tokens else None,
            reauthorization=self.tokens.reauthorization(),
            last_order_sync=self.store.cursor_updated_at(self.id, ORDERS_STREAM),
            order_cursor=self.store.get_cursor(self.id, ORDERS_STREAM),
        )


def _already_confirmed(intent: Intent) -> ParcelResult:
    outcome = intent.outcome or {}
    return ParcelResult(
        tracking_number=outcome.get("tracking_number") or intent.payload["tracking_number"],
        carrier=outcome.get("carrier") or intent.payload["carrier"],
        outcome="already_confirmed",
        package_id=outcome.get("package_id"),
        channel_line_ids=outcome.get("channel_line_ids") or [],
        message=f"confirmed on {intent.updated_at:%Y-%m-%d %H:%M} UTC; no call made",
    )


def _backfill_stream(since: datetime | None, until: datetime | None) -> str:
    return (
        f"{ORDERS_STREAM}:backfill:{since.isoformat() if since else ''}:{until.isoformat() if until else ''}"
    )


__all__ = [
    "Integration",
    "IntegrationStatus",
    "Integrations",
    "ReauthorizationRequired",
    "WebhookRejected",
    "parcel_fingerprint",
]
