"""Moved to `connector_core.work.sink`, where the web app and the workers both reach it."""

from __future__ import annotations

from ..work.sink import (
    DEFAULT_MAX_PENDING,
    PULL_LEASE_TTL,
    InProcessSink,
    JsonLinesOrders,
    NoOrderHandler,
    OrdersHandler,
    SinkFull,
    WorkSink,
)

__all__ = [
    "DEFAULT_MAX_PENDING",
    "PULL_LEASE_TTL",
    "InProcessSink",
    "JsonLinesOrders",
    "NoOrderHandler",
    "OrdersHandler",
    "SinkFull",
    "WorkSink",
]
