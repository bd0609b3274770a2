"""The seam between the web endpoints and whatever does the slow work: `WorkSink`.

The web layer answers a webhook once its events are recorded in the store's outbox (connector_core/work/
outbox.py); it then tells a sink to start that work soon. A host with Celery passes the worker package's
sink; without one, `InProcessSink` does the work on one background thread of this process. Telling a sink
is only a hint: a sink that cannot take more work raises `SinkFull`, and the recorded work waits for the
sweeper (each sink has one: the worker's beat task, `InProcessSink`'s own thread). Pull now is not recorded
(the next scheduled import does the same work): a full sink refuses it, and the operator clicks again.
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
from ..flows import Integrations
from ..leases import LeaseBusy, hold
from ..models import OrderPage, Shipment, StockLevel, WebhookEvent
from .delivery import OrderReceiver, deliver
from .outbox import (
    CONFIRM_SHIPMENT,
    DEFAULT_GRACE,
    PUSH_STOCK,
    TRANSIENT,
    WEBHOOK,
    due_work,
    record_request,
    run_work,
)

log = logging.getLogger("connector_core.work.sink")

OrdersHandler = Callable[[str, OrderPage], None]
"""`(integration_id, page)`: where the in-process sink hands the orders it read."""

PULL_LEASE_TTL = timedelta(minutes=2)
"""Renewed while the pull runs (the core's lease), so it only bounds how long a killed pull blocks the next."""
DEFAULT_MAX_PENDING = 1000
DEFAULT_SWEEP_EVERY = timedelta(seconds=15)


class SinkFull(ConnectorError):
    """The sink holds as much work as it may: the caller answers 'try again later'."""


@runtime_checkable
class WorkSink(Protocol):
    """Receives the work the web endpoints do not do while a caller waits. Both calls return at once."""

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        """Fresh events of one integration, already recorded in the outbox (kind "webhook", key: the event
        id) and applied to its authorization state: start their work (`run_work`) soon. Best effort."""

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

    Orders go through the one hand-over path (`deliver`: each order version once) to
    `on_orders(integration_id, page)`, the host's handler, before the import asks for the next page (so
    the cursor never passes an order the host did not take); without a handler, to the host plugins'
    `order_pages_ready`, if any. An import takes the integration's pull lease first, so a second click or
    another process never runs a twin. A sweeper thread re-runs recorded work that never finished (this
    process was restarted, the queue was full), every `sweep_every`.
    """

    def __init__(
        self,
        integrations: Integrations,
        on_orders: OrdersHandler | None = None,
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
        sweep_every: timedelta = DEFAULT_SWEEP_EVERY,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self.integrations = integrations
        self.on_orders = on_orders
        self.max_pending = max_pending
        self.grace = grace
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-sink")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep_forever, args=(sweep_every,), name="web-sink-sweeper", daemon=True
        )
        self._sweeper.start()

    @property
    def receiver(self) -> OrderReceiver | None:
        handler = self.on_orders
        if handler is None:
            return None
        return lambda integration_id, _shop, page, _delivery_id: handler(integration_id, page)

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
        except TRANSIENT as exc:
            log.info("%s: %s; the sweeper runs it again", what, exc)
        except ConnectorError as exc:
            log.warning("%s failed: %s", what, exc)
        except Exception:  # a background thread has nobody to raise to: log it, keep serving
            log.exception("%s failed", what)

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        self.run_recorded(integration_id, WEBHOOK, [e.id for e in events])

    def run_recorded(self, integration_id: str, kind: str, keys: Sequence[str]) -> None:
        """Run recorded outbox work on the background thread; `SinkFull` when the queue is full."""
        self._submit(
            f"integration {integration_id}: {kind} work ({len(keys)})",
            lambda: self._run_work(integration_id, kind, list(keys)),
        )

    def _run_work(self, integration_id: str, kind: str, keys: list[str]) -> None:
        run_work(self.integrations, integration_id, kind, keys, self.receiver)

    def sweep(self) -> int:
        """Start again the recorded work not finished within the grace; returns how many batches went."""
        sent = 0
        for integration_id, kind, keys in due_work(self.integrations.store, self.grace):
            try:
                self.run_recorded(integration_id, kind, keys)
            except SinkFull:
                break  # the next sweep hands them out again
            sent += 1
        return sent

    def _sweep_forever(self, every: timedelta) -> None:
        while not self._stop.wait(every.total_seconds()):
            try:
                self.sweep()
            except Exception as exc:  # a store outage: the next sweep tries again
                log.warning("outbox sweep: %s", type(exc).__name__)

    def pull_now(self, integration_id: str) -> None:
        record = self.integrations.store.get_integration(integration_id)  # unknown -> UnknownIntegration
        # Without a handler of its own, the orders go where a worker's import sends them: the host plugins'
        # `order_pages_ready` (loaded here as in the workers); refused only when there is no such hook either.
        if self.on_orders is None and not self.integrations.host.get(record.connector).implements(
            "order_pages_ready"
        ):
            raise NoOrderHandler(
                f"integration {integration_id}: no order handler is configured, so an import would lose its "
                "orders; serve with --orders-to DIR, give InProcessSink an on_orders handler, or install a "
                "host plugin implementing order_pages_ready"
            )
        self._submit(f"integration {integration_id}: import", lambda: self._pull(integration_id))

    def push_stock(self, integration_id: str, levels: Sequence[StockLevel], force: bool = False) -> str:
        """Record a stock push (the JSON API's) in the outbox, then run it; returns its outbox key."""
        payload = {
            "levels": [level.model_dump(mode="json", exclude_none=True) for level in levels],
            "force": force,
        }
        return self._request(integration_id, PUSH_STOCK, payload)

    def confirm_shipment(self, integration_id: str, shipment: Shipment) -> str:
        """Record a shipment confirmation (the JSON API's) in the outbox, then run it; returns its key."""
        return self._request(
            integration_id,
            CONFIRM_SHIPMENT,
            {"shipment": shipment.model_dump(mode="json", exclude_none=True)},
        )

    def _request(self, integration_id: str, kind: str, payload: dict[str, object]) -> str:
        key = record_request(self.integrations.store, integration_id, kind, payload)
        try:
            self.run_recorded(integration_id, kind, [key])
        except SinkFull as exc:  # recorded: the sweeper runs it
            log.warning("integration %s: %s", integration_id, exc)
        return key

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
                integration = self.integrations.open(integration_id)
                for page in integration.pull_orders():
                    deliver(integration, page, self.receiver)
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
        self._stop.set()
        self._sweeper.join(timeout=5)
        self._executor.shutdown(wait=True, cancel_futures=True)
