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

The hooks are declared once each, grouped by subject in this package's modules (`SPEC_MODULES`, in the
order docs/hooks.md lists them), and all importable from here.
"""

from __future__ import annotations

from ..capabilities import Capability
from . import aftersales, connection, host_side, labels, orders, shipments, stock, webhooks
from .aftersales import cancel_order, decide_cancellation, decide_return, decision_reasons, fetch_returns
from .connection import (
    authorization_url,
    check_connection,
    connector_manifest,
    discover_accounts,
    exchange_code,
    refresh_token,
)
from .host_side import order_pages_ready, return_pages_ready
from .labels import create_label, fetch_label, handover_choices, shipping_services, split_parcels, void_label
from .markers import PROJECT_NAME, hookimpl, hookspec
from .orders import fetch_orders, get_orders, map_order_status
from .shipments import confirm_shipment, plan_shipment
from .stock import push_stock, stock_locations
from .webhooks import (
    deauthorize_account,
    parse_webhook,
    subscribe_webhook,
    verify_webhook,
    webhook_subscriptions,
)

SPEC_MODULES = (connection, orders, stock, shipments, labels, aftersales, webhooks, host_side)
"""The modules declaring hooks, in the order of the hooks reference (each read top down)."""

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

__all__ = [
    "ALWAYS_REQUIRED",
    "CAPABILITY_HOOKS",
    "HOST_HOOKS",
    "OPTIONAL_HOOKS",
    "PROJECT_NAME",
    "SPEC_MODULES",
    "authorization_url",
    "cancel_order",
    "check_connection",
    "confirm_shipment",
    "connector_manifest",
    "create_label",
    "deauthorize_account",
    "decide_cancellation",
    "decide_return",
    "decision_reasons",
    "discover_accounts",
    "exchange_code",
    "fetch_label",
    "fetch_orders",
    "fetch_returns",
    "get_orders",
    "handover_choices",
    "hookimpl",
    "hookspec",
    "map_order_status",
    "order_pages_ready",
    "parse_webhook",
    "plan_shipment",
    "push_stock",
    "refresh_token",
    "return_pages_ready",
    "shipping_services",
    "split_parcels",
    "stock_locations",
    "subscribe_webhook",
    "verify_webhook",
    "void_label",
    "webhook_subscriptions",
]
