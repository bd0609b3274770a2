"""connector_core: the framework that loads channel connectors and runs their flows.

Host code needs only what is re-exported here: `ConnectorHost` to load connectors, `Integrations` to
create and open integrations, the canonical models, the errors, and `hookimpl` for host-wide plugins.
"""

from __future__ import annotations

from importlib.metadata import version as _distribution_version

from .auth import TokenManager
from .clock import Clock, OffsetClock, SystemClock
from .context import ConnectorContext, IntegrationCache
from .credentials import Credentials
from .errors import (
    AccessTokenExpired,
    CallDeadlineExceeded,
    CapabilityNotSupported,
    ChannelError,
    ChannelUnavailable,
    ConnectorError,
    ConnectorLoadError,
    FieldError,
    InconsistentAnswer,
    InvalidInput,
    ItemRejected,
    OAuthStateError,
    PermissionDenied,
    RateLimited,
    ReauthorizationRequired,
    RefreshTokenRejected,
    ResponseTooLarge,
    ShipmentNotAllowed,
    SignatureInvalid,
    UnknownConnector,
    UnknownIntegration,
    UnsafeHeader,
)
from .hookspecs import hookimpl, hookspec
from .host import Connector, ConnectorHost, LoadFailure
from .http import CallBudget, HttpClient, RetryPolicy
from .integration import Integration, Integrations, IntegrationStatus, WebhookRejected
from .models import (
    Account,
    Address,
    Cancellation,
    Capability,
    ConnectionCheck,
    Manifest,
    Money,
    Order,
    OrderLine,
    OrderPage,
    OrderProblem,
    OrderStatus,
    OrderWindow,
    Parcel,
    ParcelResult,
    ReauthorizationState,
    Shipment,
    ShipmentLine,
    ShipmentParcel,
    ShipmentReport,
    StockLevel,
    StockReport,
    StockResult,
    TokenSet,
    WebhookEvent,
    WebhookKind,
)
from .plugins import HookMetrics, StatusOverride
from .store import SQLiteStore, Store

__version__ = _distribution_version("channel-connectors")

__all__ = [
    "AccessTokenExpired",
    "Account",
    "Address",
    "CallBudget",
    "CallDeadlineExceeded",
    "Cancellation",
    "Capability",
    "CapabilityNotSupported",
    "ChannelError",
    "ChannelUnavailable",
    "Clock",
    "ConnectionCheck",
    "Connector",
    "ConnectorContext",
    "ConnectorError",
    "ConnectorHost",
    "ConnectorLoadError",
    "Credentials",
    "FieldError",
    "HookMetrics",
    "HttpClient",
    "InconsistentAnswer",
    "Integration",
    "IntegrationCache",
    "IntegrationStatus",
    "Integrations",
    "InvalidInput",
    "ItemRejected",
    "LoadFailure",
    "Manifest",
    "Money",
    "OAuthStateError",
    "OffsetClock",
    "Order",
    "OrderLine",
    "OrderPage",
    "OrderProblem",
    "OrderStatus",
    "OrderWindow",
    "Parcel",
    "ParcelResult",
    "PermissionDenied",
    "RateLimited",
    "ReauthorizationRequired",
    "ReauthorizationState",
    "RefreshTokenRejected",
    "ResponseTooLarge",
    "RetryPolicy",
    "SQLiteStore",
    "Shipment",
    "ShipmentLine",
    "ShipmentNotAllowed",
    "ShipmentParcel",
    "ShipmentReport",
    "SignatureInvalid",
    "StatusOverride",
    "StockLevel",
    "StockReport",
    "StockResult",
    "Store",
    "SystemClock",
    "TokenManager",
    "TokenSet",
    "UnknownConnector",
    "UnknownIntegration",
    "UnsafeHeader",
    "WebhookEvent",
    "WebhookKind",
    "WebhookRejected",
    "__version__",
    "hookimpl",
    "hookspec",
]
