"""Host-wide plugins, ready to pass to `ConnectorHost(plugins=[...])`; each is registered into every
connector.

They show the two ways a host customizes connectors without forking them: answering a hook first
(`StatusOverride`, ``tryfirst``) and wrapping every call (`HookMetrics`, a pluggy wrapper).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Mapping
from typing import Any

from .context import ConnectorContext
from .hookspecs import CAPABILITY_HOOKS, hookimpl
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
    """Counts calls, failures and seconds spent in each hook, for every connector it is registered into."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

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


def _timing_wrapper(hook: str) -> Callable[..., Generator[None, Any, Any]]:
    @hookimpl(wrapper=True, specname=hook)
    def wrapper(self: HookMetrics) -> Generator[None, Any, Any]:
        started = time.perf_counter()
        failed = True
        try:
            result = yield
            failed = False
            return result
        finally:
            self.record(hook, time.perf_counter() - started, failed)

    wrapper.__name__ = f"time_{hook}"
    return wrapper


for _hook in sorted({h for hooks in CAPABILITY_HOOKS.values() for h in hooks}):
    setattr(HookMetrics, f"time_{_hook}", _timing_wrapper(_hook))
