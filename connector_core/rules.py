"""The host rules every connector obeys, owned by the core: default hook implementations registered into
every connector's plugin manager, so a connector never re-implements them and a host can override them.

- `status_overrides` (a settings field mapping channel status -> canonical status): asked before the
  connector's own table (``tryfirst``). A host plugin registered later with ``tryfirst=True`` is asked
  before it (pluggy calls later registrations first within a tier).
- An unknown status becomes ``on_hold`` (``trylast``: only when no one else mapped it): never ship what
  you cannot read. The raw status stays on the order (`Order.channel_status`), and the core's order flow
  adds a warning saying how to map it. A host plugin with its own ``trylast`` implementation decides
  instead (it is asked before the core's default).
- `stock_sync: false` refuses stock pushes and `push_shipments: false` refuses shipment confirmations
  before the connector is called (``tryfirst``).

The settings fields are the core's names: a connector whose settings schema declares them gets the rules;
one whose schema does not never sees them set. To change a rule for every connector, pass
`ConnectorHost(rules=MyRules())` with a subclass of `HostRules`, or `rules=None` to drop them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from .context import ConnectorContext
from .errors import ConnectorError, ShipmentNotAllowed
from .hookspecs import hookimpl
from .models import OrderStatus, Shipment, StockLevel

STATUS_OVERRIDES_SETTING = "status_overrides"
STOCK_SYNC_SETTING = "stock_sync"
PUSH_SHIPMENTS_SETTING = "push_shipments"
RULES_PLUGIN_NAME = "connector_core.rules"
UNKNOWN_STATUS_PLUGIN_NAME = "connector_core.rules.unknown_status"
UNKNOWN_STATUS_WARNING = (
    "channel status {status!r} is not known to connector {connector!r}: imported as on_hold so it is not "
    "shipped; map it with the 'status_overrides' setting"
)


class StockSyncOff(ConnectorError):
    """The integration's settings switch stock sync off: nothing was sent."""


class HostRules:
    """The settings-driven rules (status overrides, the stock and shipment switches)."""

    @hookimpl(tryfirst=True)
    def map_order_status(self, ctx: ConnectorContext, channel_status: str) -> OrderStatus | None:
        overrides = ctx.settings.get(STATUS_OVERRIDES_SETTING) or {}
        wanted = str(channel_status).strip().upper()
        for key, value in overrides.items():
            if str(key).strip().upper() == wanted:
                return OrderStatus(value)
        return None

    @hookimpl(tryfirst=True)
    def push_stock(self, ctx: ConnectorContext, levels: Sequence[StockLevel]) -> None:
        if ctx.settings.get(STOCK_SYNC_SETTING) is False:
            raise StockSyncOff(
                f"integration {ctx.integration_id}: stock sync is off; enable '{STOCK_SYNC_SETTING}' "
                "(stock master) in its settings"
            )
        return None  # the switch is on: the connector answers

    @hookimpl(tryfirst=True)
    def confirm_shipment(self, ctx: ConnectorContext, shipment: Shipment) -> None:
        if ctx.settings.get(PUSH_SHIPMENTS_SETTING) is False:
            raise ShipmentNotAllowed(
                f"order {shipment.order_id}: pushing shipment confirmations is switched off in this "
                f"integration's settings ('{PUSH_SHIPMENTS_SETTING}')"
            )
        return None


class UnknownStatusOnHold:
    """The last word on a status no one mapped: on hold (a plugin of its own, so the core can tell when it
    answered and warn)."""

    @hookimpl(trylast=True)
    def map_order_status(self, channel_status: str) -> OrderStatus | None:
        return OrderStatus.ON_HOLD


def unknown_status_warning(channel_status: str, connector_id: str) -> str:
    return UNKNOWN_STATUS_WARNING.format(status=channel_status, connector=connector_id)


def default_rules() -> list[tuple[str, object]]:
    """(plugin name, plugin) of the core's rules, in registration order."""
    return [(UNKNOWN_STATUS_PLUGIN_NAME, UnknownStatusOnHold()), (RULES_PLUGIN_NAME, HostRules())]


__all__ = [
    "PUSH_SHIPMENTS_SETTING",
    "STATUS_OVERRIDES_SETTING",
    "STOCK_SYNC_SETTING",
    "HostRules",
    "StockSyncOff",
    "UnknownStatusOnHold",
    "default_rules",
    "unknown_status_warning",
]
