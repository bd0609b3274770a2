"""A small host plugin for the tests that prove every process loads host plugins alike: this host holds
every order awaiting shipment (say, for its own fraud review) instead of the connector's mapping."""

from __future__ import annotations

from connector_core import hookimpl
from connector_core.models import OrderStatus

HELD = "AWAITING_SHIPMENT"


@hookimpl(tryfirst=True)
def map_order_status(channel_status: str) -> OrderStatus | None:
    return OrderStatus.ON_HOLD if str(channel_status).upper() == HELD else None
