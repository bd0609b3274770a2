"""The flows a host runs for one integration, one module each: connect, orders, stock, shipments,
webhooks, status, labels. `Integration` is a thin facade over them; `Integrations` creates and opens them.

Every call that changes the channel is an intent first and an outcome second, both in the store; one
writer at a time per order, shop stock and import stream, through leases; everything keyed by
(integration, shop).
"""

from __future__ import annotations

from .integration import Integration
from .integrations import Integrations
from .interception import OrderIntercepted
from .labels import LABEL_INTENT, SPLIT_INTENT, box_key, document_key
from .leases import LeaseBusy
from .orders import (
    DEFAULT_FIRST_IMPORT,
    INCREMENTAL_OVERLAP,
    ORDERS_SINCE_SETTING,
    ORDERS_STREAM,
    stream_name,
)
from .parcels import parcel_fingerprint
from .status import IntegrationStatus
from .stock import MAX_STOCK_QUANTITY
from .stock import NO_RESULT as STOCK_OUTCOME_UNKNOWN
from .webhooks import DEFAULT_WEBHOOK_MAX_AGE, WebhookRejected

__all__ = [
    "DEFAULT_FIRST_IMPORT",
    "DEFAULT_WEBHOOK_MAX_AGE",
    "INCREMENTAL_OVERLAP",
    "LABEL_INTENT",
    "MAX_STOCK_QUANTITY",
    "ORDERS_SINCE_SETTING",
    "ORDERS_STREAM",
    "SPLIT_INTENT",
    "STOCK_OUTCOME_UNKNOWN",
    "Integration",
    "IntegrationStatus",
    "Integrations",
    "LeaseBusy",
    "OrderIntercepted",
    "WebhookRejected",
    "box_key",
    "document_key",
    "parcel_fingerprint",
    "stream_name",
]
