"""How a host hands its own requests (push stock, confirm a shipment, buy labels) to the workers.

    from connector_core.worker import create_app, submit_request
    key = submit_request(app, store, integration_id, "confirm_shipment", {"shipment": shipment_dict})
    ...
    store.get_work(integration_id, "confirm_shipment", key)   # status "done"/"failed" and the outcome

The request is recorded in the store's outbox first; only then is it accepted (the key returned). The
broker message that follows is a hint: lost (Redis restarted or emptied, unreachable right now), the beat's
sweep sends the request again after the grace, so nothing the host was told was accepted is lost. Give
`key` (an idempotency key, e.g. the host's own shipment id) to make a repeated submission one request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kombu.exceptions import OperationalError

from ..store import Store
from ..work.outbox import record_request
from .tasks import PREFIX

log = logging.getLogger("connector_core.worker.requests")


def submit_request(
    app: Any, store: Store, integration_id: str, kind: str, payload: Mapping[str, Any], key: str | None = None
) -> str:
    """Record the request, then ask a worker to run it now; returns its key. Bad input raises at once."""
    key = record_request(store, integration_id, kind, payload, key)
    try:
        app.send_task(
            f"{PREFIX}run_work", args=[integration_id, kind, [key]], retry=False, ignore_result=True
        )
    except OperationalError as exc:
        log.warning(
            "integration %s: %s %s recorded; the broker is unreachable (%s), so the sweep starts it later",
            integration_id,
            kind,
            key,
            type(exc).__name__,
        )
    return key
