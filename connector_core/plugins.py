"""Host-wide plugins, ready to pass to `ConnectorHost(plugins=[...])`; each is registered into every
connector.

They show the two ways a host customizes connectors without forking them: answering a hook first
(`StatusOverride`, ``tryfirst``) and watching every call (`HookMetrics`, pluggy's hook-call monitoring).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pluggy

from .context import ConnectorContext
from .hookspecs import hookimpl
from .models import OrderStatus


class StatusOverride:
    """Map some channel statuses the host's way, ahead of the connector's own table.

    `StatusOverride({"ON_HOLD": "awaiting_shipment"}, connector="tiktok_shop")` ships orders as soon as
    they are paid; statuses not listed fall through to the connector.
    """

    def __init__(self, mapping: Mapping[str, OrderStatus | str], connector: str | None = None) -> None:
        self.mapping = {k.upper(): OrderStatus(v) for k, v in mapping.items()}
        self.connector = connector

    @hookimpl(tryfirst=True)
    def map_order_status(self, ctx: ConnectorContext, channel_status: str) -> OrderStatus | None:
        if self.connector is not None and ctx.connector_id != self.connector:
            return None
        return self.mapping.get(channel_status.upper())


class HookMetrics:
    """Counts calls, failures and seconds spent in every hook (firstresult or not, `plan_shipment` and the
    host's `order_pages_ready` included), for every connector it is given to.

    It uses pluggy's own hook-call monitoring (`PluginManager.add_hookcall_monitoring`), so it sees each
    hook call whole (every implementation asked, wrappers included) without declaring a wrapper per hook:
    a hook added to the specs is timed with no change here. `ConnectorHost(plugins=[metrics])` attaches it
    to every connector's manager through `monitor(pm)`."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()
        self._started = threading.local()  # hook calls nest (a hook calling another): a stack per thread

    def monitor(self, pm: pluggy.PluginManager) -> Callable[[], None]:
        """Time every hook call of `pm`; returns the function that stops it."""
        return pm.add_hookcall_monitoring(self._before, self._after)

    def _before(self, hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        stack: list[float] | None = getattr(self._started, "stack", None)
        if stack is None:
            stack = self._started.stack = []
        stack.append(time.perf_counter())

    def _after(
        self, outcome: Any, hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        started = self._started.stack.pop()
        self.record(hook_name, time.perf_counter() - started, outcome.exception is not None)

    def record(self, hook: str, seconds: float, failed: bool) -> None:
        with self._lock:
            self.calls[hook] += 1
            self.seconds[hook] += seconds
            if failed:
                self.failures[hook] += 1

    def snapshot(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {
                hook: {
                    "calls": self.calls[hook],
                    "failures": self.failures[hook],
                    "seconds": self.seconds[hook],
                }
                for hook in sorted(self.calls)
            }
