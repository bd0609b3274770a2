"""connector_core: the framework that loads channel connectors and runs their flows.

Host code needs only what is re-exported here: `ConnectorHost` to load connectors, `Integrations` to
create and open integrations, the canonical models, the errors, and `hookimpl` for host-wide plugins.
A connector author's page is docs/writing-a-connector.md.

Importing the package is cheap: every name below is imported from its module on first use (PEP 562), so
`from connector_core import hookimpl` loads the hook markers, not the store, the flows and the HTTP client.
The package also imports from a checkout that is not installed (`__version__` is then "0+unknown").
"""

# ruff: noqa: F405  (__all__ names the models that the star import below gives type checkers)
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, tuple[str, ...]] = {
    ".auth": ("TokenManager",),
    ".clock": ("Clock", "OffsetClock", "SystemClock"),
    ".context": ("ConnectorContext", "IntegrationCache"),
    ".credentials": ("Credentials",),
    ".errors": (
        "AccessTokenExpired",
        "AccountInactive",
        "CallDeadlineExceeded",
        "CapabilityNotSupported",
        "ChannelError",
        "ChannelUnavailable",
        "ConnectorError",
        "ConnectorLoadError",
        "FieldError",
        "InconsistentAnswer",
        "InvalidInput",
        "ItemRejected",
        "LabelNotAllowed",
        "LabelRefused",
        "LabelVoidUnsupported",
        "OAuthStateError",
        "PermissionDenied",
        "RateLimited",
        "ReauthorizationRequired",
        "RefreshTokenRejected",
        "ResponseTooLarge",
        "ShipmentNotAllowed",
        "ShipmentRejected",
        "SignatureInvalid",
        "UnknownConnector",
        "UnknownIntegration",
        "UnsafeHeader",
    ),
    ".flows": (
        "STOCK_OUTCOME_UNKNOWN",
        "Integration",
        "Integrations",
        "IntegrationStatus",
        "LeaseBusy",
        "OrderIntercepted",
        "WebhookRejected",
    ),
    ".hookspecs": ("hookimpl", "hookspec"),
    ".host": ("Connector", "ConnectorHost", "LoadFailure"),
    ".http": ("CallBudget", "HttpClient", "RetryPolicy"),
    ".plugins": ("HookMetrics", "StatusOverride"),
    ".rate_gate": ("RateGate",),
    ".store": ("NewConnection", "SQLiteStore", "Store", "open_store"),
}
"""Each public name but the canonical models, by the module that defines it (`__all__` and the typing
imports below are checked against it by tests/core/test_hook_declarations.py)."""
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
_MODELS = ".models"
"""Where every other name in `__all__` comes from: the canonical models are listed once here (in
`__all__`) and once in their package, not a third time above (checked against models.__all__)."""

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports on demand
    from .auth import TokenManager
    from .clock import (
        Clock,
        OffsetClock,
        SystemClock,
    )
    from .context import (
        ConnectorContext,
        IntegrationCache,
    )
    from .credentials import Credentials
    from .errors import (
        AccessTokenExpired,
        AccountInactive,
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
        LabelNotAllowed,
        LabelRefused,
        LabelVoidUnsupported,
        OAuthStateError,
        PermissionDenied,
        RateLimited,
        ReauthorizationRequired,
        RefreshTokenRejected,
        ResponseTooLarge,
        ShipmentNotAllowed,
        ShipmentRejected,
        SignatureInvalid,
        UnknownConnector,
        UnknownIntegration,
        UnsafeHeader,
    )
    from .flows import (
        STOCK_OUTCOME_UNKNOWN,
        Integration,
        Integrations,
        IntegrationStatus,
        LeaseBusy,
        OrderIntercepted,
        WebhookRejected,
    )
    from .hookspecs import (
        hookimpl,
        hookspec,
    )
    from .host import (
        Connector,
        ConnectorHost,
        LoadFailure,
    )
    from .http import (
        CallBudget,
        HttpClient,
        RetryPolicy,
    )
    from .models import *  # noqa: F403  (the names exported are the models named in __all__)
    from .plugins import (
        HookMetrics,
        StatusOverride,
    )
    from .rate_gate import RateGate
    from .store import (
        NewConnection,
        SQLiteStore,
        Store,
        open_store,
    )


def __getattr__(name: str) -> Any:
    """PEP 562: import a public name (or a subpackage) the first time it is asked for, then keep it."""
    if name == "__version__":
        value: Any = _version()
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(_MODULE_OF[name], __name__), name)
    elif name in __all__:
        value = getattr(importlib.import_module(_MODELS, __name__), name)
    else:
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("channel-connectors")
    except PackageNotFoundError:  # a checkout used through PYTHONPATH, not installed
        return "0+unknown"


__all__ = [
    "STOCK_OUTCOME_UNKNOWN",
    "AccessTokenExpired",
    "Account",
    "AccountInactive",
    "Address",
    "CallBudget",
    "CallDeadlineExceeded",
    "Cancellation",
    "CancellationRequest",
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
    "Dimensions",
    "FieldError",
    "Fulfilment",
    "HandoverChoice",
    "HookMetrics",
    "HttpClient",
    "InconsistentAnswer",
    "Integration",
    "IntegrationCache",
    "IntegrationStatus",
    "Integrations",
    "Interception",
    "InvalidInput",
    "ItemRejected",
    "Label",
    "LabelNotAllowed",
    "LabelParcel",
    "LabelRefused",
    "LabelReport",
    "LabelResult",
    "LabelVoidUnsupported",
    "LeaseBusy",
    "LoadFailure",
    "Manifest",
    "Money",
    "NewConnection",
    "OAuthStateError",
    "OffsetClock",
    "Order",
    "OrderIntercepted",
    "OrderLine",
    "OrderPage",
    "OrderProblem",
    "OrderStatus",
    "OrderWindow",
    "Parcel",
    "ParcelResult",
    "PermissionDenied",
    "RateGate",
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
    "ShipmentRejected",
    "ShipmentReport",
    "ShippingService",
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
    "Weight",
    "__version__",
    "hookimpl",
    "hookspec",
    "open_store",
]
