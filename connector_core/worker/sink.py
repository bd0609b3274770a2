"""`CelerySink`: the web app's `WorkSink` on the workers, so webhooks and Pull now run on any machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kombu.exceptions import OperationalError

from ..models import Shipment, StockLevel, WebhookEvent
from ..store import Store
from ..web.sink import SinkFull
from .tasks import PREFIX


class CelerySink:
    """Queues the work as tasks; when the broker cannot take it, `SinkFull` makes the endpoint answer 503
    so the channel delivers again later (nothing is lost)."""

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
        payload = [event.model_dump(mode="json") for event in events]
        self._send(
            f"integration {integration_id}: webhook work", "process_webhook_events", [integration_id, payload]
        )

    def push_stock(self, integration_id: str, levels: Sequence[StockLevel], force: bool = False) -> None:
        self.store.get_integration(integration_id)
        payload = [level.model_dump(mode="json", exclude_none=True) for level in levels]
        self._send(
            f"integration {integration_id}: stock push", "push_stock", [integration_id, payload, force]
        )

    def confirm_shipment(self, integration_id: str, shipment: Shipment) -> None:
        self.store.get_integration(integration_id)
        self._send(
            f"integration {integration_id}: shipment of order {shipment.order_id}",
            "confirm_shipment",
            [integration_id, shipment.model_dump(mode="json", exclude_none=True)],
        )

    def pull_now(self, integration_id: str) -> None:
        record = self.store.get_integration(integration_id)  # unknown -> UnknownIntegration, at once
        self._send(
            f"integration {integration_id}: import", "pull_orders", [integration_id, record.account_id]
        )
