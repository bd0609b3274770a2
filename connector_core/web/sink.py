"""The seam between the web endpoints and whatever does the slow work: `WorkSink`.

The web layer answers a webhook as soon as the delivery is verified, routed and de-duplicated; what the
events ask for (re-read an order, pull a shop now) is handed to a sink. A host with Celery passes the
worker package's sink; without one, `InProcessSink` does the work on one background thread of this process.
A sink that cannot take more work raises `SinkFull`: the endpoint then answers 503 so the channel retries.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import ConnectorError
from ..integration import Integrations
from ..leases import LeaseBusy, hold
from ..models import OrderPage, Shipment, StockLevel, WebhookEvent, WebhookKind

log = logging.getLogger("connector_core.web.sink")

OrdersHandler = Callable[[str, OrderPage], None]
"""`(integration_id, page)`: where the in-process sink hands the orders it read."""

PULL_LEASE_TTL = timedelta(minutes=2)
"""Renewed while the pull runs (the core's lease), so it only bounds how long a killed pull blocks the next."""
DEFAULT_MAX_PENDING = 1000


class SinkFull(ConnectorError):
    """The sink holds as much work as it may: the caller answers 'try again later'."""


@runtime_checkable
class WorkSink(Protocol):
    """Receives the work the web endpoints do not do while a caller waits. Both calls return at once."""

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        """Fresh (verified, routed, de-duplicated) events of one integration, already applied to its
        authorization state; the sink re-reads the orders they name."""

    def pull_now(self, integration_id: str) -> None:
        """An operator asked for an import of this integration now."""


class NoOrderHandler(ConnectorError):
    """An import was asked for, but nothing would receive its orders: refused, so no cursor moves past them."""


class JsonLinesOrders:
    """An `OrdersHandler` that appends each order as one JSON line to `<folder>/<integration_id>.jsonl`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def __call__(self, integration_id: str, page: OrderPage) -> None:
        lines = "".join(order.model_dump_json() + "\n" for order in page.orders)
        with self._lock, (self.folder / f"{integration_id}.jsonl").open("a", encoding="utf-8") as out:
            out.write(lines)
            out.flush()
            os.fsync(out.fileno())


class InProcessSink:
    """Does the work on one background thread: enough for one machine, nothing to install.

    Orders go to `on_orders(integration_id, page)`, the host's handler, before the import asks for the next
    page (so the cursor never passes an order the host did not take). Without a handler, order re-reads
    from webhooks are only logged and Pull now is refused. An import takes the integration's pull lease
    first, so a second click or another process never runs a twin.
    """

    def __init__(
        self,
        integrations: Integrations,
        on_orders: OrdersHandler | None = None,
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        self.integrations = integrations
        self.on_orders = on_orders
        self.max_pending = max_pending
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-sink")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def _submit(self, what: str, work: Callable[[], None]) -> None:
        with self._lock:
            if len(self._pending) >= self.max_pending:
                raise SinkFull(
                    f"{len(self._pending)} tasks are waiting; {what} was not taken: try again later"
                )
            future = self._executor.submit(self._run, what, work)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    @staticmethod
    def _run(what: str, work: Callable[[], None]) -> None:
        try:
            work()
        except ConnectorError as exc:
            log.warning("%s failed: %s", what, exc)
        except Exception:  # a background thread has nobody to raise to: log it, keep serving
            log.exception("%s failed", what)

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        changes = [e for e in events if e.order_id and _names_an_order_change(e)]
        if changes:
            self._submit(
                f"integration {integration_id}: re-read of {len(changes)} changed orders",
                lambda: self._reread(integration_id, changes),
            )

    def pull_now(self, integration_id: str) -> None:
        self.integrations.store.get_integration(integration_id)  # unknown -> UnknownIntegration, at once
        if self.on_orders is None:
            raise NoOrderHandler(
                f"integration {integration_id}: no order handler is configured, so an import would lose its "
                "orders; serve with --orders-to DIR, or give InProcessSink an on_orders handler"
            )
        self._submit(f"integration {integration_id}: import", lambda: self._pull(integration_id))

    def push_stock(self, integration_id: str, levels: Sequence[StockLevel], force: bool = False) -> None:
        """Queue a stock push (the JSON API's); the stock ledger and its intents make a repeat harmless."""
        self.integrations.store.get_integration(integration_id)
        self._submit(
            f"integration {integration_id}: stock push of {len(levels)} levels",
            lambda: self._log_report(
                integration_id, self.integrations.open(integration_id).push_stock(levels, force=force)
            ),
        )

    def confirm_shipment(self, integration_id: str, shipment: Shipment) -> None:
        """Queue a shipment confirmation (the JSON API's); its intents never ship an order twice."""
        self.integrations.store.get_integration(integration_id)
        self._submit(
            f"integration {integration_id}: shipment of order {shipment.order_id}",
            lambda: self._log_report(
                integration_id, self.integrations.open(integration_id).confirm_shipment(shipment)
            ),
        )

    @staticmethod
    def _log_report(integration_id: str, report: object) -> None:
        log.info("integration %s: %s done", integration_id, type(report).__name__)

    def _reread(self, integration_id: str, events: list[WebhookEvent]) -> None:
        integration = self.integrations.open(integration_id)
        shop = integration.record.account_id
        # The integration works on its selected shop; an event of another of its shops waits for that
        # shop's own import (re-reading it here would read it through the wrong shop's cipher).
        order_ids = sorted({e.order_id for e in events if e.order_id and e.account_id in (None, shop)})
        if len(order_ids) < len(events):
            log.info(
                "integration %s: events of shops other than %s left to their imports", integration_id, shop
            )
        if not order_ids:
            return
        page = integration.get_orders(order_ids)
        if self.on_orders is None:
            log.info(
                "integration %s: %d changed orders re-read (no order handler)",
                integration_id,
                len(page.orders),
            )
            return
        self.on_orders(integration_id, page)

    def _pull(self, integration_id: str) -> None:
        try:
            # A Pull now while one runs is skipped, not queued: the running one reads the same orders.
            with hold(
                self.integrations.store,
                f"web-pull:{integration_id}",
                what=f"an import for integration {integration_id}",
                ttl=PULL_LEASE_TTL,
                wait=timedelta(0),
            ):
                handler = self.on_orders
                assert handler is not None  # pull_now refused the work otherwise
                for page in self.integrations.open(integration_id).pull_orders():
                    handler(integration_id, page)
        except LeaseBusy:
            log.info("integration %s: an import is already running; this one is skipped", integration_id)

    def join(self, timeout: float) -> bool:
        """Wait (bounded) until no work is pending; True when all of it finished."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                future.result(timeout=timeout)
            except TimeoutError:
                return False
        return True

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _names_an_order_change(event: WebhookEvent) -> bool:
    return event.kind in {
        WebhookKind.ORDER_STATUS_CHANGED,
        WebhookKind.ORDER_CANCELLATION,
        WebhookKind.PACKAGE_UPDATED,
    }
