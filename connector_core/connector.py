"""`Connector`: one loaded connector, as host code sees it: its manifest, its forms, and one typed method
per hook.

Host code never touches `pm.hook`: it calls these methods, which say what they take and return, refuse a
capability the manifest does not declare (`CapabilityNotSupported`), and raise a clear error when no
implementation answers. Loading connectors is `ConnectorHost`'s work (host.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pluggy
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
from .errors import CapabilityNotSupported, ConnectorError
from .forms import edit_schema, load_schema
from .models import (
    Account,
    Capability,
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
from .resources import load_json
from .rules import UNKNOWN_STATUS_PLUGIN_NAME


class Connector:
    """One loaded connector: its manifest, its forms, and one typed method per hook."""

    def __init__(self, name: str, pm: pluggy.PluginManager, manifest: Manifest, version: str | None) -> None:
        self.id = name
        self.pm = pm
        self.manifest = manifest
        self.distribution_version = version
        self._known_status_caller: Any = None

    def __repr__(self) -> str:
        return f"Connector({self.id!r}, version={self.manifest.version!r})"

    # --- description ----------------------------------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.manifest.capabilities

    def supports(self, capability: Capability) -> bool:
        return capability in self.manifest.capabilities

    def credentials_schema(self, *, edit: bool = False) -> dict[str, Any]:
        """The credential form; `edit=True` gives the form for changing a stored integration, where a secret
        left blank keeps its stored value (`forms.edit_schema`)."""
        schema = load_schema(self.manifest.credentials_schema)
        return edit_schema(schema) if edit else schema

    def settings_schema(self) -> dict[str, Any]:
        if self.manifest.settings_schema is None:
            return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {}}
        return load_schema(self.manifest.settings_schema)

    def ui_schema(self) -> dict[str, Any]:
        if self.manifest.ui_schema is None:
            return {}
        ui: dict[str, Any] = load_json(self.manifest.ui_schema)
        return ui

    def settings_ui_schema(self) -> dict[str, Any]:
        """The RJSF uiSchema of the settings form ({} when the connector has none)."""
        if self.manifest.settings_ui_schema is None:
            return {}
        ui: dict[str, Any] = load_json(self.manifest.settings_ui_schema)
        return ui

    def implemented_hooks(self) -> frozenset[str]:
        """The hooks the connector itself implements (host-wide plugins not counted)."""
        return implemented_by(self.pm, self.id)

    # --- hooks ----------------------------------------------------------------------------------------

    def _require(self, capability: Capability) -> None:
        if capability not in self.manifest.capabilities:
            raise CapabilityNotSupported(self.id, capability.value)

    def _first(self, hook: str, **kwargs: Any) -> Any:
        result = getattr(self.pm.hook, hook)(**kwargs)
        if result is None:
            raise ConnectorError(f"connector {self.id!r}: no implementation of {hook!r} returned an answer")
        return result

    def authorization_url(self, ctx: ConnectorContext, state: str, redirect_uri: str | None = None) -> str:
        self._require(Capability.CONNECT)
        return str(self._first("authorization_url", ctx=ctx, state=state, redirect_uri=redirect_uri))

    def exchange_code(
        self, ctx: ConnectorContext, code: SecretStr, callback_params: Mapping[str, str]
    ) -> TokenSet:
        self._require(Capability.CONNECT)
        result: TokenSet = self._first("exchange_code", ctx=ctx, code=code, callback_params=callback_params)
        return result

    def refresh_token(self, ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
        self._require(Capability.CONNECT)
        result: TokenSet = self._first("refresh_token", ctx=ctx, refresh_token=refresh_token)
        return result

    def discover_accounts(self, ctx: ConnectorContext) -> list[Account]:
        self._require(Capability.CONNECT)
        return list(self._first("discover_accounts", ctx=ctx))

    def check_connection(self, ctx: ConnectorContext) -> ConnectionCheck:
        self._require(Capability.CONNECT)
        result: ConnectionCheck = self._first("check_connection", ctx=ctx)
        return result

    def fetch_orders(
        self, ctx: ConnectorContext, window: OrderWindow, resume: str | None
    ) -> Iterator[OrderPage]:
        self._require(Capability.ORDERS)
        pages: Iterator[OrderPage] = iter(self._first("fetch_orders", ctx=ctx, window=window, resume=resume))
        return pages

    def get_orders(self, ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:
        self._require(Capability.ORDERS)
        result: OrderPage = self._first("get_orders", ctx=ctx, order_ids=list(order_ids))
        return result

    def map_order_status(
        self, ctx: ConnectorContext, channel_status: str, channel_order: Mapping[str, Any]
    ) -> OrderStatus | None:
        result = self.pm.hook.map_order_status(
            ctx=ctx, channel_status=channel_status, channel_order=channel_order
        )
        return None if result is None else OrderStatus(result)

    def map_known_status(
        self, ctx: ConnectorContext, channel_status: str, channel_order: Mapping[str, Any]
    ) -> OrderStatus | None:
        """`map_order_status` without the core's on-hold default: None when no one knows the status."""
        result = self.known_status_hook()(ctx=ctx, channel_status=channel_status, channel_order=channel_order)
        return None if result is None else OrderStatus(result)

    def known_status_hook(self) -> Any:
        """The `map_order_status` hook caller without the core's on-hold default."""
        if self._known_status_caller is None:
            default = self.pm.get_plugin(UNKNOWN_STATUS_PLUGIN_NAME)
            self._known_status_caller = (
                self.pm.hook.map_order_status
                if default is None
                else self.pm.subset_hook_caller("map_order_status", remove_plugins=[default])
            )
        return self._known_status_caller

    def status_depends_on_order(self) -> bool:
        """True when some `map_order_status` implementation asks for `channel_order` (not just the status)."""
        return any("channel_order" in impl.argnames for impl in self.pm.hook.map_order_status.get_hookimpls())

    def push_stock(self, ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:
        self._require(Capability.STOCK)
        result: StockReport = self._first("push_stock", ctx=ctx, levels=list(levels))
        return result

    def stock_locations(self, ctx: ConnectorContext, levels: Sequence[StockLevel]) -> list[str | None]:
        self._require(Capability.STOCK)
        return list(self._first("stock_locations", ctx=ctx, levels=list(levels)))

    def implements(self, hook: str) -> bool:
        """True when the connector (or a host-wide plugin) implements this optional hook."""
        return bool(getattr(self.pm.hook, hook).get_hookimpls())

    def plan_shipment(
        self, ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str] = ()
    ) -> Shipment:
        self._require(Capability.SHIPMENTS)
        result: Shipment = self._first(
            "plan_shipment", ctx=ctx, shipment=shipment, held_line_ids=list(held_line_ids)
        )
        return result

    def confirm_shipment(self, ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:
        self._require(Capability.SHIPMENTS)
        result: ShipmentReport = self._first("confirm_shipment", ctx=ctx, shipment=shipment)
        return result

    def shipping_services(self, ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:
        self._require(Capability.LABELS)
        return list(self._first("shipping_services", ctx=ctx, parcel=parcel))

    def split_parcels(
        self, ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]
    ) -> list[LabelParcel]:
        self._require(Capability.LABELS)
        return list(self._first("split_parcels", ctx=ctx, order_id=order_id, parcels=list(parcels)))

    def create_label(
        self,
        ctx: ConnectorContext,
        parcel: LabelParcel,
        service_id: str | None = None,
        handover: HandoverChoice | None = None,
        overrides: Sequence[Interception] = (),
    ) -> Label:
        self._require(Capability.LABELS)
        result: Label = self._first(
            "create_label",
            ctx=ctx,
            parcel=parcel,
            service_id=service_id,
            handover=handover,
            overrides=list(overrides),
        )
        return result

    def fetch_label(self, ctx: ConnectorContext, package_id: str) -> Label:
        self._require(Capability.LABELS)
        result: Label = self._first("fetch_label", ctx=ctx, package_id=package_id)
        return result

    def handover_choices(self, ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:
        self._require(Capability.LABELS)
        return list(self._first("handover_choices", ctx=ctx, parcel=parcel))

    def void_label(self, ctx: ConnectorContext, package_id: str) -> bool:
        self._require(Capability.LABELS)
        return bool(self._first("void_label", ctx=ctx, package_id=package_id))

    # --- after the sale -------------------------------------------------------------------------------

    def decide_cancellation(self, ctx: ConnectorContext, decision: CancellationDecision) -> DecisionOutcome:
        self._require(Capability.CANCELLATIONS)
        result: DecisionOutcome = self._first("decide_cancellation", ctx=ctx, decision=decision)
        return result

    def cancel_order(
        self, ctx: ConnectorContext, order_id: str, line_ids: Sequence[str], reason: str
    ) -> DecisionOutcome:
        self._require(Capability.CANCELLATIONS)
        result: DecisionOutcome = self._first(
            "cancel_order", ctx=ctx, order_id=order_id, line_ids=list(line_ids), reason=reason
        )
        return result

    def decision_reasons(self, ctx: ConnectorContext, request_id: str) -> list[Reason]:
        if not self.capabilities & {Capability.CANCELLATIONS, Capability.RETURNS}:
            raise CapabilityNotSupported(self.id, Capability.CANCELLATIONS.value)
        return list(self._first("decision_reasons", ctx=ctx, request_id=request_id))

    def fetch_returns(
        self, ctx: ConnectorContext, window: OrderWindow, resume: str | None
    ) -> Iterator[ReturnPage]:
        self._require(Capability.RETURNS)
        pages: Iterator[ReturnPage] = iter(
            self._first("fetch_returns", ctx=ctx, window=window, resume=resume)
        )
        return pages

    def decide_return(self, ctx: ConnectorContext, decision: ReturnDecision) -> DecisionOutcome:
        self._require(Capability.RETURNS)
        result: DecisionOutcome = self._first("decide_return", ctx=ctx, decision=decision)
        return result

    def verify_webhook(self, ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:
        self._require(Capability.WEBHOOKS)
        return bool(self.pm.hook.verify_webhook(ctx=ctx, headers=headers, body=body))

    def parse_webhook(
        self, ctx: ConnectorContext, headers: Mapping[str, str], body: bytes
    ) -> list[WebhookEvent]:
        self._require(Capability.WEBHOOKS)
        return list(self._first("parse_webhook", ctx=ctx, headers=headers, body=body))

    def order_pages_ready(
        self, integration_id: str, account_id: str, page: OrderPage, delivery_id: str
    ) -> None:
        """Hand a page of orders to the host's `order_pages_ready` implementations (every one of them)."""
        self.pm.hook.order_pages_ready(
            integration_id=integration_id, account_id=account_id, page=page, delivery_id=delivery_id
        )

    def deauthorize_account(self, ctx: ConnectorContext) -> bool:
        self._require(Capability.CONNECT)
        return bool(self._first("deauthorize_account", ctx=ctx))

    def webhook_subscriptions(self, ctx: ConnectorContext) -> list[WebhookSubscription]:
        self._require(Capability.WEBHOOKS)
        return list(self._first("webhook_subscriptions", ctx=ctx))

    def subscribe_webhook(self, ctx: ConnectorContext, event: str, address: str) -> bool:
        self._require(Capability.WEBHOOKS)
        return bool(self._first("subscribe_webhook", ctx=ctx, event=event, address=address))

    def return_pages_ready(self, integration_id: str, account_id: str, page: ReturnPage) -> None:
        """Hand a page of returns to the host's `return_pages_ready` implementations (every one of them)."""
        self.pm.hook.return_pages_ready(integration_id=integration_id, account_id=account_id, page=page)


def implemented_by(pm: pluggy.PluginManager, plugin_name: str) -> frozenset[str]:
    names = set()
    for hook_name in dir(pm.hook):
        caller = getattr(pm.hook, hook_name)
        if isinstance(caller, pluggy.HookCaller) and any(
            impl.plugin_name == plugin_name for impl in caller.get_hookimpls()
        ):
            names.add(hook_name)
    return frozenset(names)
