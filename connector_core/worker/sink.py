"""`CelerySink`: the web app's `WorkSink` on the workers, so webhooks and Pull now run on any machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kombu.exceptions import OperationalError

from ..models import Shipment, StockLevel, WebhookEvent
from ..store import Store
from ..work.outbox import CONFIRM_SHIPMENT, PUSH_STOCK, WEBHOOK
from ..work.sink import SinkFull
from .requests import submit_request
from .tasks import PREFIX


class CelerySink:
    """Queues the work as tasks. Webhook events are recorded in the outbox before they reach here, so a
    broker that cannot take them only delays them (the beat's sweep sends them again); a refused Pull now
    raises `SinkFull` and the operator clicks again."""

    def __init__(self, app: Any, store: Store) -> None:
        self.app = app
        self.store = store

    def _send(self, what: str, name: str, args: list[Any]) -> None:
        try:
            # Nobody waits for these results; not asking for them keeps the answer off the result store.
            self.app.send_task(f"{PREFIX}{name}", args=args, retry=False, ignore_result=True)
        except OperationalError as exc:
            raise SinkFull(
                f"{what} was not queued: the broker is unreachable ({type(exc).__name__})"
            ) from None

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        self.run_recorded(integration_id, WEBHOOK, [event.id for event in events])

    def run_recorded(self, integration_id: str, kind: str, keys: Sequence[str]) -> None:
        """Start recorded outbox work on a worker; `SinkFull` when the broker cannot take the hint."""
        self._send(
            f"integration {integration_id}: {kind} work", "run_work", [integration_id, kind, list(keys)]
        )

    def push_stock(self, integration_id: str, levels: Sequence[StockLevel], force: bool = False) -> str:
        """Record a stock push in the outbox, then hint a worker; returns its outbox key."""
        payload = {
            "levels": [level.model_dump(mode="json", exclude_none=True) for level in levels],
            "force": force,
        }
        return submit_request(self.app, self.store, integration_id, PUSH_STOCK, payload)

    def confirm_shipment(self, integration_id: str, shipment: Shipment) -> str:
        """Record a shipment confirmation in the outbox, then hint a worker; returns its outbox key."""
        payload = {"shipment": shipment.model_dump(mode="json", exclude_none=True)}
        return submit_request(self.app, self.store, integration_id, CONFIRM_SHIPMENT, payload)

    def pull_now(self, integration_id: str) -> None:
        record = self.store.get_integration(integration_id)  # unknown -> UnknownIntegration, at once
        self._send(
            f"integration {integration_id}: import", "pull_orders", [integration_id, record.account_id]
        )
