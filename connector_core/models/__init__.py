"""Canonical models: what every connector hands the host, whatever the channel.

The host only ever sees these shapes. Channel quirks (TikTok's one-line-per-unit items, Shopify's
fulfillment orders, ...) are flattened into them by the connector; what does not fit goes into
`channel_data`, kept verbatim so nothing is lost. Their JSON Schemas are generated into `schemas/core/`.

One module per subject (orders, stock, shipments, labels, webhooks, the connection itself, and the base
they share); import them from here, `connector_core.models`, as always.
"""

from __future__ import annotations

from pydantic import BaseModel

# Re-exported: its home is capabilities.py, so the hook specs import no pydantic.
from ..capabilities import Capability as Capability
from .base import UtcDatetime
from .connection import Account, ConnectionCheck, Manifest, ReauthorizationState, TokenSet
from .labels import (
    Dimensions,
    HandoverChoice,
    Label,
    LabelOutcome,
    LabelParcel,
    LabelReport,
    LabelResult,
    ShippingService,
    Weight,
)
from .orders import (
    Address,
    Cancellation,
    CancellationRequest,
    Fulfilment,
    Money,
    Order,
    OrderLine,
    OrderPage,
    OrderProblem,
    OrderStatus,
    OrderWindow,
    Parcel,
)
from .shipments import (
    Interception,
    ParcelOutcome,
    ParcelResult,
    Shipment,
    ShipmentLine,
    ShipmentParcel,
    ShipmentReport,
)
from .stock import StockLevel, StockOutcome, StockReport, StockResult
from .webhooks import WebhookEvent, WebhookKind

CANONICAL_MODELS: tuple[type[BaseModel], ...] = (
    Order,
    OrderPage,
    StockLevel,
    StockReport,
    Shipment,
    ShipmentReport,
    Account,
    WebhookEvent,
    ReauthorizationState,
    LabelParcel,
    ShippingService,
    HandoverChoice,
    Label,
    LabelReport,
)
"""The models whose JSON Schemas are published in schemas/core/ (nested models come along as $defs)."""

__all__ = [
    "CANONICAL_MODELS",
    "Account",
    "Address",
    "Cancellation",
    "CancellationRequest",
    "Capability",
    "ConnectionCheck",
    "Dimensions",
    "Fulfilment",
    "HandoverChoice",
    "Interception",
    "Label",
    "LabelOutcome",
    "LabelParcel",
    "LabelReport",
    "LabelResult",
    "Manifest",
    "Money",
    "Order",
    "OrderLine",
    "OrderPage",
    "OrderProblem",
    "OrderStatus",
    "OrderWindow",
    "Parcel",
    "ParcelOutcome",
    "ParcelResult",
    "ReauthorizationState",
    "Shipment",
    "ShipmentLine",
    "ShipmentParcel",
    "ShipmentReport",
    "ShippingService",
    "StockLevel",
    "StockOutcome",
    "StockReport",
    "StockResult",
    "TokenSet",
    "UtcDatetime",
    "WebhookEvent",
    "WebhookKind",
    "Weight",
]
