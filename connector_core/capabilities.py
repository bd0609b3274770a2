"""The capabilities a connector declares (a module of its own so the hook specs import no pydantic)."""

from __future__ import annotations

import enum


class Capability(str, enum.Enum):
    """What a connector can do; each capability needs a fixed set of hooks (`hookspecs.CAPABILITY_HOOKS`)."""

    CONNECT = "connect"
    ORDERS = "orders"
    STOCK = "stock"
    SHIPMENTS = "shipments"
    WEBHOOKS = "webhooks"
    LABELS = "labels"
    CANCELLATIONS = "cancellations"
    RETURNS = "returns"
