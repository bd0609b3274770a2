"""`CelerySink`: the web app's `WorkSink` on the workers, so webhooks and Pull now run on any machine."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from typing import Any

from kombu.exceptions import OperationalError

from ..models import Shipment, StockLevel, WebhookEvent
from ..store import Store
from ..work.outbox import CONFIRM_SHIPMENT, PUSH_STOCK, WEBHOOK
from ..work.sink import SinkFull
from .requests import submit_request
from .tasks import PREFIX
from .tasks.slices import queue_turn
from .tasks.webhooks import DRAIN_MARKER_TTL, drain_marker

log = logging.getLogger("connector_core.worker.sink")
MAX_HINTS = 10_000
"""Hints waiting for the broker; beyond this they are dropped (their work is recorded: the sweep sends it)."""


class CelerySink:
    """Queues the work as tasks. Webhook events are recorded in the outbox before they reach here, so the
    task that starts them is only a hint (a connection's drain, queued once however many of its webhooks
    arrive: tasks/webhooks.py): it is sent from a background thread, and the webhook's answer
    never waits on the broker (a stalled Redis would hold it for the broker's socket timeout); a hint the
    broker refuses is dropped and the beat's sweep sends the work again. A refused Pull now raises
    `SinkFull` and the operator clicks again."""

    def __init__(self, app: Any, store: Store) -> None:
        self.app = app
        self.store = store
        self._hints: queue.Queue[tuple[str, str, list[str]]] = queue.Queue(MAX_HINTS)
        self._sender: threading.Thread | None = None
        self._sender_lock = threading.Lock()

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
        """Start recorded outbox work on a worker, soon: the hint goes to the broker from a background
        thread, so this returns at once whatever the broker does."""
        try:
            self._hints.put_nowait((integration_id, kind, list(keys)))
        except queue.Full:
            log.warning(
                "integration %s: %d hints wait for the broker; the sweep starts this work",
                integration_id,
                MAX_HINTS,
            )
            return
        with self._sender_lock:
            if self._sender is None or not self._sender.is_alive():
                self._sender = threading.Thread(
                    target=self._send_hints, name="celery-sink-hints", daemon=True
                )
                self._sender.start()

    def _send_hints(self) -> None:
        while True:
            integration_id, kind, keys = self._hints.get()  # a daemon: it waits for hints as long as we live
            try:
                if kind == WEBHOOK:
                    self._drain(integration_id)
                    continue
                self._send(
                    f"integration {integration_id}: {kind} work", "run_work", [integration_id, kind, keys]
                )
            except SinkFull as exc:
                log.warning("%s; the sweep starts it later", exc)
            except Exception as exc:  # a background thread has nobody to raise to
                log.warning(
                    "integration %s: a hint was not sent (%s); the sweep starts it",
                    integration_id,
                    type(exc).__name__,
                )

    def _drain(self, integration_id: str) -> None:
        """Webhook events go to the connection's drain (tasks/webhooks.py): one is queued unless one already
        is, or is running; that one re-reads these events too (they are recorded before the hint)."""
        marker = drain_marker(integration_id)
        if self.store.lease_holder(marker) is not None:
            # A read, not a write, for each of a burst's deliveries. The holder releases the marker before its
            # last look for events, so an event recorded before this read is seen by that look.
            return
        try:
            queue_turn(
                self.app,
                self.store,
                marker,
                "drain_webhooks",
                [integration_id],
                DRAIN_MARKER_TTL,
            )
        except OperationalError as exc:
            raise SinkFull(
                f"integration {integration_id}: webhook work was not queued: the broker is unreachable "
                f"({type(exc).__name__})"
            ) from None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait (bounded) until every hint was handed to the broker or dropped; True when none is left."""
        pause = threading.Event()
        for _ in range(int(timeout / 0.05)):
            if self._hints.empty():
                break
            pause.wait(0.05)
        return self._hints.empty()

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
