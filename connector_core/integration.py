"""Kept for imports written before the flows got their own package: everything lives in `flows`."""

from __future__ import annotations

from .errors import ReauthorizationRequired
from .flows import (
    DEFAULT_FIRST_IMPORT,
    INCREMENTAL_OVERLAP,
    ORDERS_SINCE_SETTING,
    ORDERS_STREAM,
    Integration,
    Integrations,
    IntegrationStatus,
    WebhookRejected,
    parcel_fingerprint,
)

__all__ = [
    "DEFAULT_FIRST_IMPORT",
    "INCREMENTAL_OVERLAP",
    "ORDERS_SINCE_SETTING",
    "ORDERS_STREAM",
    "Integration",
    "IntegrationStatus",
    "Integrations",
    "ReauthorizationRequired",
    "WebhookRejected",
    "parcel_fingerprint",
]
