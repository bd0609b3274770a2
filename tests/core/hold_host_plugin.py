"""A small host plugin for the tests that prove every process loads host plugins alike: this host holds
every order awaiting shipment (say, for its own fraud review) instead of the connector's mapping."""

from __future__ import annotations

from connector_core import hookimpl
from connector_core.models import OrderStatus

HELD = "AWAITING_SHIPMENT"


@hookimpl(tryfirst=True)
def map_order_status(channel_status: str) -> OrderStatus | None:
    return OrderStatus.ON_HOLD if str(channel_status).upper() == HELD else None


RECEIVED_ENV = "HOLD_HOST_PLUGIN_RECEIVED"


@hookimpl
def order_pages_ready(integration_id: str, account_id: str, page: object, delivery_id: str) -> None:
    """Where this host's orders go: one line per order version in the file $HOLD_HOST_PLUGIN_RECEIVED names
    (when set), so a test sees what reached the host."""
    import json
    import os

    target = os.environ.get(RECEIVED_ENV)
    if not target:
        return
    with open(target, "a") as out:
        for order in page.orders:  # type: ignore[attr-defined]
            out.write(json.dumps([order.id, order.updated_at.isoformat(), delivery_id]) + "\n")
