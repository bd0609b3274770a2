"""THE contract between the core and a connector: every hook a connector may implement.

Each connector gets its own pluggy `PluginManager` (project name ``connector_core``), so a hook call reaches
exactly one connector plus the host-wide plugins the host registered into every manager (a status-mapping
override, a metrics wrapper, ...). Hooks are grouped by capability; a connector implements the hooks of
each capability its manifest declares (`CAPABILITY_HOOKS`), and loading fails naming any that are missing.

Every hook receives `ctx`, the `ConnectorContext` for the integration at hand: credentials, settings, the
selected account, a valid access token on demand, the shared HTTP client, a cache and ledgers in the store,
the clock and a logger. An implementation may accept fewer arguments than the spec lists (pluggy passes
only those it names), which is how new arguments are added without breaking existing connectors.

Most hooks are ``firstresult``: the first implementation that returns something other than None answers,
and host plugins marked ``tryfirst=True`` are asked before the connector. A hook that is not
``firstresult`` says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

from .capabilities import Capability

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from pydantic import SecretStr

    from .aftersales import (
        CancellationDecision,
        DecisionOutcome,
        Reason,
        ReturnDecision,
        ReturnPage,
        WebhookSubscription,
    )
    from .context import ConnectorContext
    from .models import (
        Account,
        ConnectionCheck,
        HandoverChoice,
        Interception,
        Label,
        LabelParcel,
        Manifest,
        OrderPage,
        OrderStatus,
        OrderWindow,
        Shipment,
        ShipmentReport,
        ShippingService,
        StockLevel,
        StockReport,
        TokenSet,
        WebhookEvent,
    )

PROJECT_NAME = "connector_core"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --- manifest -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def connector_manifest() -> Manifest:  # type: ignore[empty-body]
    """Describe the connector: id, name, version, capabilities, form schemas, secret wire parameters.

    Called once, when the host loads the connector, before any other hook.
    Returns a `Manifest`; its `id` must equal the entry-point name. Its `capabilities` are checked against
    the hooks the connector implements. ``firstresult``: the connector's own answer is the one used.
    """


# --- connect (OAuth) ------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def authorization_url(ctx: ConnectorContext, state: str, redirect_uri: str | None) -> str:  # type: ignore[empty-body]
    """Build the consent URL the seller opens to authorize the app.

    Called when the host starts Connect for an integration, after the core stored `state` (single use,
    expiring). `redirect_uri` is the host's callback URL when the channel takes it as a parameter (many,
    TikTok included, use the one registered with the app instead and ignore it).
    Returns the absolute URL. ``firstresult``.
    """


@hookspec(firstresult=True)
def exchange_code(ctx: ConnectorContext, code: SecretStr, callback_params: Mapping[str, str]) -> TokenSet:  # type: ignore[empty-body]
    """Exchange the authorization code from the OAuth callback for tokens.

    Called once per Connect, after the core checked the callback's `state`. `callback_params` holds every
    other query parameter of the callback (for TikTok: `locale`, `shop_region`, `app_key`).
    Returns a `TokenSet` with absolute expiries; the core stores it. Raises a `ChannelError` when the
    channel refuses the code. ``firstresult``.
    """


@hookspec(firstresult=True)
def refresh_token(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:  # type: ignore[empty-body]
    """Get a new access token with the refresh token.

    Called by the core's token lifecycle, at most once at a time per integration across processes, when
    the access token is about to expire or the channel rejected it. Returns the new `TokenSet`; leave its
    `refresh_token` None if the channel returned none (the core keeps the old one). Raise
    `ReauthorizationRequired` when the channel says the refresh token expired or was revoked.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def discover_accounts(ctx: ConnectorContext) -> list[Account]:  # type: ignore[empty-body]
    """List the shops or accounts the authorization covers.

    Called right after a code exchange, and on demand (`check_connection`, re-discovery). Returns every
    account with the `selector` the channel needs to address it; the core stores them all and the
    integration serves the one its settings or the host picked. ``firstresult``.
    """


@hookspec(firstresult=True)
def check_connection(ctx: ConnectorContext) -> ConnectionCheck:  # type: ignore[empty-body]
    """Prove the stored credentials and tokens work with one cheap, read-only call.

    Called when the operator asks for a connection test or a host health check runs. Returns a
    `ConnectionCheck`; a channel refusal is an `ok=False` answer with the channel's message, not an
    exception. ``firstresult``.
    """


# --- orders ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:  # type: ignore[empty-body]
    """Stream the orders updated inside `window`, one page at a time, oldest update first.

    Called for every scheduled import and every manual backfill. `resume` is the opaque `OrderPage.resume`
    of the last page the host took in an interrupted run of the same window (None to start at the
    beginning). Returns an iterator (a generator) of `OrderPage`; each page's orders are already mapped
    (statuses through `ctx.map_status`, which calls `map_order_status`), a malformed order goes into
    `problems` and the rest of its page is kept. The core saves each page's `resume` only after the
    host took the page, so memory stays flat and nothing is skipped. ``firstresult``.
    """


@hookspec(firstresult=True)
def get_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:  # type: ignore[empty-body]
    """Fetch specific orders by the channel's ids.

    Called when a webhook named orders whose new state the host wants, or when the host re-reads an
    order (before printing a label, after a dispute). Returns one `OrderPage` holding those found, mapped
    like `fetch_orders` maps them; ids the channel does not know go into `problems`. ``firstresult``.
    """


@hookspec(firstresult=True)
def map_order_status(
    ctx: ConnectorContext, channel_status: str, channel_order: Mapping[str, Any]
) -> OrderStatus | None:
    """Map the channel's order status to the canonical `OrderStatus`.

    Called for every order imported and every order-status webhook. `channel_order` is the raw order (or
    webhook data) for rules that need more than the status. Returns an `OrderStatus`, or None to let the
    next implementation decide. ``firstresult``: a host plugin registered with ``tryfirst=True`` overrides
    the connector; the core applies the ``status_overrides`` setting before the connector's table, and
    maps a status no one else maps to ``on_hold`` (``trylast``) with a warning on the order: never ship
    what you cannot read (`connector_core.rules`). A connector answers with its own table only.
    """


# --- stock ----------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:  # type: ignore[empty-body]
    """Set the channel's available quantity for each SKU (the host is the stock master).

    Called with the levels that changed since the channel last confirmed them, or whose last push had no
    known outcome (the core filters unchanged ones out with its per-shop stock ledger and refuses
    quantities outside 0..2**31-1). Levels are absolute, so sending one twice is harmless. Returns a
    `StockReport` with one result per level: updated, unknown_sku, rejected (the channel said no, with its
    code and message) or invalid. A level whose outcome is unknown (the answer was lost, the channel
    failed) is ``rejected`` with code ``"uncertain"`` (`STOCK_OUTCOME_UNKNOWN`), or left without a
    result: the core keeps it pending and sends it again next time. ``firstresult``.
    """


@hookspec(firstresult=True)
def stock_locations(  # type: ignore[empty-body]
    ctx: ConnectorContext, levels: Sequence[StockLevel]
) -> list[str | None]:
    """Name the channel's own warehouse of each stock level, before the core checks its ledger.

    Called by every stock push with the levels it may send. Returns one entry per level, in order: the
    channel's id of the warehouse the level is for (None: the channel has no warehouses, or the shop has
    only one, which holds every level). The core keys its stock ledger by (SKU, this), so two host codes
    for one warehouse, or a code the settings now map to another warehouse, never leave the ledger
    remembering a level the channel does not hold. A level whose warehouse cannot be told keeps the
    host's code (`push_stock` then reports it invalid). Optional: without it the host's warehouse code is
    the key. ``firstresult``.
    """


# --- shipments ------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str]) -> Shipment:  # type: ignore[empty-body]
    """Resolve every parcel to the exact channel line ids it covers, reading the order; change nothing.

    Called once per parcel the core has not recorded yet, before anything is sent: the core records the
    ids this returns and confirms with exactly those ids on every attempt, so a retry after a lost answer
    never picks other units. Resolve parcels in order (two "SKU x 1" parcels of an order holding two
    units get one unit each); a parcel without lines means every line not shipped yet. Choose only units
    not shipped yet: a shipped unit is another parcel's. `held_line_ids` are lines an earlier parcel of
    this order holds (confirmed or still uncertain): never choose them.
    Returns a `Shipment` with the same parcels in the same order, each with `lines` carrying
    `channel_line_ids`. Raises `ShipmentRejected` naming the parcel or SKU when a parcel cannot be
    matched (nothing is recorded), `ShipmentNotAllowed` when the channel ships the order itself.
    Optional: without it the core records the line ids the host gave. ``firstresult``.
    """


@hookspec(firstresult=True)
def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:  # type: ignore[empty-body]
    """Tell the channel an order (or part of it) shipped, with tracking, one call per parcel as needed.

    Called with one parcel at a time, with the line ids `plan_shipment` chose and the core recorded
    (a parcel already confirmed never reaches the connector). The same parcel may come again after a
    lost answer, an exception or a kill: read the order back first and report lines that already carry
    this tracking number as ``already_confirmed`` without a call. A new tracking number on shipped
    lines (an explicit correction: the core sends the lines of the parcel `replaces` names) updates the
    earlier confirmation (``tracking_updated``). Returns a `ShipmentReport` with one
    result per parcel; ``rejected`` only when the channel said no (nothing applied). Raise (do not
    report ``rejected``) when the outcome is unknown: an outage or a lost answer; the core retries.
    Raises `ShipmentNotAllowed` when the channel ships the order itself. ``firstresult``.
    """


# --- labels (the channel sells the label) -------------------------------------------------------------


@hookspec(firstresult=True)
def shipping_services(ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:  # type: ignore[empty-body]
    """List the shipping services the channel offers for this box, with price and delivery estimate where given.

    Called when the operator or host wants to choose before buying. Read-only. Returns an empty list when
    the channel assigns the carrier itself (nothing to choose). Raises `LabelNotAllowed` when the order
    cannot get a channel label at all. ``firstresult``.
    """


@hookspec(firstresult=True)
def split_parcels(ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:  # type: ignore[empty-body]
    """Make the channel hold one package per box, where it needs the split before labels are bought.

    Called once per label set, before any `create_label`, with every box of the order (one box too), after
    the core recorded a "split" intent. Check the channel's split rules first and raise `LabelNotAllowed`
    naming what the channel refuses. Must be safe to repeat: read the order back and make no call when its
    lines are already grouped as asked. Returns the parcels, in order, with `package_id` set where the
    channel has a package for the box (left None where the label call itself creates it). ``firstresult``.
    """


@hookspec(firstresult=True)
def create_label(  # type: ignore[empty-body]
    ctx: ConnectorContext,
    parcel: LabelParcel,
    service_id: str | None,
    handover: HandoverChoice | None,
    overrides: Sequence[Interception],
) -> Label:
    """Buy (or arrange) the label for one box and return it with its document bytes.

    Called once per box after the core recorded a "label" intent with these exact line ids; called again
    only when an earlier attempt's outcome is unknown (lost answer, crash). So read back first: when the
    channel already has a label for exactly these lines, return it without buying another. `service_id`
    None means the channel's default; `handover` None means the connector's sensible default. Raise
    `LabelRefused` when the channel refuses this box (nothing bought), `LabelNotAllowed` for the order.
    `overrides` are the interception reasons the host decided to label despite (`Interception`): the core
    already checked the order; a connector that re-checks right before buying honours them.
    Returns the `Label`, its document as bytes. ``firstresult``.
    """


@hookspec(firstresult=True)
def fetch_label(ctx: ConnectorContext, package_id: str) -> Label:  # type: ignore[empty-body]
    """Fetch a bought label's document again (reprint): a fresh copy, since channel URLs expire.

    Called when the operator reprints a label. Read-only. Returns the `Label` with fresh bytes. Raises
    `LabelRefused` when the channel no longer serves it (for example after pickup).
    ``firstresult``.
    """


@hookspec(firstresult=True)
def handover_choices(ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:  # type: ignore[empty-body]
    """List how this box can reach the carrier: pickup slots and/or drop-off.

    Called before a label is created, when the seller wants to pick a pickup slot. Read-only. Returns an
    empty list where the channel arranges the handover without the seller's say.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def void_label(ctx: ConnectorContext, package_id: str) -> bool:  # type: ignore[empty-body]
    """Void a bought label. Returns True when the channel voided it.

    Called when the operator voids a label. A channel that cannot void through its API raises
    `LabelVoidUnsupported` saying where the seller does it (never pretend). ``firstresult``.
    """


# --- cancellations (the seller decides; the channel keeps the request) ----------------------------------


@hookspec(firstresult=True)
def decide_cancellation(ctx: ConnectorContext, decision: CancellationDecision) -> DecisionOutcome:  # type: ignore[empty-body]
    """Approve or reject an order's open cancellation request.

    Called once per decision after the core recorded it as an intent; called again with the SAME decision
    (same `idempotency_key`, which goes on the wire where the channel takes one) only when an earlier
    attempt's outcome is unknown. `decision.request_id` is the channel's request id when the core knew it.
    Returns a `DecisionOutcome`: ``applied``, or ``already_applied`` when a read-back shows the request
    already ended the way this decision wanted (a retry whose first attempt landed). Raises
    `DecisionRefused` when the channel said no (nothing applied); raise anything else when the outcome is
    unknown (the core retries). ``firstresult``: a host plugin with ``tryfirst=True`` answers first.
    """


@hookspec(firstresult=True)
def cancel_order(  # type: ignore[empty-body]
    ctx: ConnectorContext, order_id: str, line_ids: Sequence[str], reason: str
) -> DecisionOutcome:
    """Cancel the order as the seller: the whole order when `line_ids` is empty, else those units.

    Called once per (order, lines) after the core recorded the intent, again only after an unknown
    outcome: read the order's cancellations back first and report an earlier matching seller
    cancellation as ``already_applied`` without a second call (many channels take no idempotency key
    here). `reason` is one of the channel's seller reasons by name. Returns a `DecisionOutcome`; raises
    `DecisionRefused` when the channel refuses. ``firstresult``.
    """


@hookspec(firstresult=True)
def decision_reasons(ctx: ConnectorContext, request_id: str) -> list[Reason]:  # type: ignore[empty-body]
    """List the reasons the channel accepts for rejecting THIS cancellation or return request.

    Called when the operator or host is about to reject, read-only (never cached: channels give each request
    its own list). `request_id` is the channel's cancellation or return id. Returns `Reason`s (name for the
    wire, text for people). ``firstresult``.
    """


# --- returns -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def fetch_returns(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[ReturnPage]:  # type: ignore[empty-body]
    """Stream the returns (refund, return, replacement, exchange requests) updated inside `window`, one
    page at a time, oldest update first.

    Called by the core's incremental returns import (its own cursor per shop) and by the reconciliation
    sweep. `resume` is the opaque `ReturnPage.resume` of the last page the core took in an interrupted run.
    Returns an iterator of `ReturnPage`; a malformed return goes into `problems`, the rest of its page is
    kept; amounts are the channel's stated ones, read only. ``firstresult``.
    """


@hookspec(firstresult=True)
def decide_return(ctx: ConnectorContext, decision: ReturnDecision) -> DecisionOutcome:  # type: ignore[empty-body]
    """Decide a return: approve the refund, approve the return, mark the returned parcel received, reject
    with one of the channel's reasons, or offer a partial refund.

    Called once per decision after the core recorded the intent, with the same `idempotency_key` on every
    retry (only after an unknown outcome). Returns ``applied``, or ``already_applied`` when a read-back
    shows the return already where this decision takes it. Raises `DecisionRefused` when the channel says
    no (for example: the channel's warehouse received the parcel, or the status moved on). ``firstresult``.
    """


# --- webhooks -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def verify_webhook(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:  # type: ignore[empty-body]
    """Check a webhook delivery's signature against the raw body, in constant time.

    Called for every delivery before anything in it is trusted. `headers` are case-insensitive in
    practice; look them up lower-cased. Returns True only for a valid signature. ``firstresult``.
    """


@hookspec(firstresult=True)
def parse_webhook(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> list[WebhookEvent]:  # type: ignore[empty-body]
    """Turn a verified delivery into typed events.

    Called only after `verify_webhook` returned True. Returns the events (an unknown event type is an
    `OTHER` event, not an error). The core de-duplicates on `WebhookEvent.id` and updates the
    integration's re-authorization state for deauthorization and expiry events. ``firstresult``.
    """


@hookspec(firstresult=True)
def deauthorize_account(ctx: ConnectorContext) -> bool:  # type: ignore[empty-body]
    """Withdraw the app's authorization for the selected shop at the channel (the channel may tell the
    seller).

    Called only when the operator removes a connection AND said yes to deauthorizing it too, before the
    store forgets the shop. Returns True once the channel took it. Optional: without it nothing is sent.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def webhook_subscriptions(ctx: ConnectorContext) -> list[WebhookSubscription]:  # type: ignore[empty-body]
    """List the shop's webhook subscriptions: every event the kit needs (with its current address, None
    when it is not subscribed) and any other event the shop is subscribed to (`needed` False).

    Called by `status`, by `check` and after Connect, read-only. Returns `WebhookSubscription`s.
    Optional: a channel whose webhooks are configured only in its partner console leaves it out.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def subscribe_webhook(ctx: ConnectorContext, event: str, address: str) -> bool:  # type: ignore[empty-body]
    """Point the shop's deliveries of `event` at `address` (replacing another address). Safe to repeat.

    Called after Connect and re-authorization, and by `check --repair`, for each needed event whose
    address is missing or different. Returns True once the channel took it. ``firstresult``.
    """


# --- the host's side: where imported orders go ----------------------------------------------------------


@hookspec
def order_pages_ready(integration_id: str, account_id: str, page: OrderPage, delivery_id: str) -> None:
    """Receive imported orders: a hook for the host, not for connectors (register it with
    ``ConnectorHost(plugins=[...])``; the workers load the ``channel_connectors.host_plugins`` entry points).

    Called by the workers (`connector_core.worker`) with each page of orders read for shop `account_id`
    of integration `integration_id`, by a scheduled import, a Pull now or a re-read after a webhook.
    Each order version (order id and `updated_at`) is handed over once: a page holds only versions
    not handed over before, so overlapping windows, duplicate tasks and two schedulers never repeat one.
    Problems (orders the connector could not read) come once per order and message. The one case a page
    comes again is a worker killed after this hook returned and before it recorded the delivery: the
    repeat carries the same `delivery_id` (a digest of the versions in it), so a host that keeps the ids
    it has committed can drop it. Raise to refuse the page: it is not recorded and the import stops
    there, to be retried. Returns nothing; every implementation runs: not ``firstresult``.
    """


@hookspec
def return_pages_ready(integration_id: str, account_id: str, page: ReturnPage) -> None:
    """Receive imported returns: a hook for the host, not for connectors (registered like
    `order_pages_ready`).

    Called by the worker's `pull_returns` task (and the reconciliation sweep) with each page of returns
    changed since the shop's last returns import (refunds, returns, replacements, exchanges, with the
    channel's stated amounts). Each return version is handed over once (the delivery ledger); after a kill
    between the hand-over and its record, a page comes once more: keep the newest `updated_at`. Raise to
    refuse the page (the cursor stays). Returns nothing; every implementation runs:
    not ``firstresult``.
    """


CAPABILITY_HOOKS: dict[Capability, tuple[str, ...]] = {
    Capability.CONNECT: (
        "authorization_url",
        "exchange_code",
        "refresh_token",
        "discover_accounts",
        "check_connection",
    ),
    Capability.ORDERS: ("fetch_orders", "get_orders", "map_order_status"),
    Capability.STOCK: ("push_stock",),
    Capability.SHIPMENTS: ("confirm_shipment",),
    Capability.WEBHOOKS: ("verify_webhook", "parse_webhook"),
    Capability.CANCELLATIONS: ("decide_cancellation", "cancel_order", "decision_reasons"),
    Capability.RETURNS: ("fetch_returns", "decide_return"),
    Capability.LABELS: (
        "shipping_services",
        "split_parcels",
        "create_label",
        "fetch_label",
        "handover_choices",
        "void_label",
    ),
}
"""The hooks a connector must implement for each capability it declares."""

OPTIONAL_HOOKS: dict[Capability, tuple[str, ...]] = {
    Capability.CONNECT: ("deauthorize_account",),
    Capability.STOCK: ("stock_locations",),
    Capability.SHIPMENTS: ("plan_shipment",),
    Capability.WEBHOOKS: ("webhook_subscriptions", "subscribe_webhook"),
}
"""Hooks a capability uses when the connector has them; the core has a documented fallback otherwise."""

ALWAYS_REQUIRED: tuple[str, ...] = ("connector_manifest",)

HOST_HOOKS: tuple[str, ...] = ("order_pages_ready", "return_pages_ready")
"""Hooks a host implements (in a plugin registered into every connector's manager), never a connector."""
