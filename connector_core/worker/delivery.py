"""Moved to `connector_core.work.delivery` (the web and the worker share one hand-over path)."""

from __future__ import annotations

from ..work.delivery import (
    DELIVERY_LEASE_TTL,
    DELIVERY_LEASE_WAIT,
    NoOrderReceiver,
    OrderReceiver,
    deliver,
    delivery_id,
    require_receiver,
)

__all__ = [
    "DELIVERY_LEASE_TTL",
    "DELIVERY_LEASE_WAIT",
    "NoOrderReceiver",
    "OrderReceiver",
    "deliver",
    "delivery_id",
    "require_receiver",
]
