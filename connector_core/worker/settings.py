"""What a worker process reads from its environment, in one place, checked once with readable errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from ..errors import ConnectorError
from ..host_plugins import HOST_PLUGINS_ENV as HOST_PLUGINS_ENV  # where it was read before
from ..host_plugins import override as host_plugin_override
from .rate_limit import parse_rates

BROKER_URL_ENV = "CHANNEL_CONNECTORS_BROKER_URL"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
RATE_LIMIT_ENV = "CHANNEL_CONNECTORS_RATE_LIMIT"
DEFAULT_RATE_LIMIT = "tiktok_shop=50/second"
"""TikTok's documented default: 50 calls per second per API for each (app, shop) pair (assigned dynamically
since 2026: lower it to what the app's console shows). Budgets per shop, per endpoint, an app-wide ceiling
and the sandbox profile are written in the same text (see `rate_limit.py`); "off" disables the shared limit."""
RATE_LIMIT_URL_ENV = "CHANNEL_CONNECTORS_RATE_LIMIT_URL"
PULL_INTERVAL_ENV = "CHANNEL_CONNECTORS_PULL_INTERVAL"
DEFAULT_PULL_INTERVAL = 300.0
REAUTH_WARNING_ENV = "CHANNEL_CONNECTORS_REAUTHORIZATION_WARNING_DAYS"
DEFAULT_REAUTH_WARNING_DAYS = 7.0
OUTBOX_GRACE_ENV = "CHANNEL_CONNECTORS_OUTBOX_GRACE"
DEFAULT_OUTBOX_GRACE = 30.0
"""Seconds recorded work may wait unfinished before the sweep sends it again."""
SWEEP_INTERVAL_ENV = "CHANNEL_CONNECTORS_OUTBOX_SWEEP_INTERVAL"
DEFAULT_SWEEP_INTERVAL = 10.0
SLICE_SECONDS_ENV = "CHANNEL_CONNECTORS_SLICE_SECONDS"
DEFAULT_SLICE_SECONDS = 0.2
"""Seconds an import task (a pull, a backfill) takes pages before it queues the rest as its next slice: about
what an urgent task waits for on a worker that serves every lane (see tasks/slices.py)."""
VISIBILITY_TIMEOUT_ENV = "CHANNEL_CONNECTORS_VISIBILITY_TIMEOUT"
DEFAULT_VISIBILITY_TIMEOUT = 300.0
"""Seconds Redis waits for a started task's acknowledgement before it hands the task to another worker
(the task of a worker killed outright). Outbox work does not wait for it: the sweep re-sends it after the
grace. A task running longer than this is started a second time, which its lease turns away."""


class WorkerConfigurationError(ConnectorError):
    """A worker setting is unreadable; the message names the variable and what to write."""


@dataclass(frozen=True)
class WorkerSettings:
    broker_url: str = DEFAULT_BROKER_URL
    rate_limit_url: str | None = DEFAULT_BROKER_URL
    """Redis holding the shared rate limit (default: the broker, when it is Redis); None: no shared limit."""
    rates: Mapping[str, str] = field(default_factory=lambda: parse_rates(DEFAULT_RATE_LIMIT))
    pull_interval: float = DEFAULT_PULL_INTERVAL
    """Seconds between two scheduled imports of every connected integration."""
    host_plugins: tuple[str, ...] = ()
    """Modules holding the host's hookimpls (`order_pages_ready`), imported in every worker."""
    reauthorization_warning: timedelta = timedelta(days=DEFAULT_REAUTH_WARNING_DAYS)
    outbox_grace: timedelta = timedelta(seconds=DEFAULT_OUTBOX_GRACE)
    sweep_interval: float = DEFAULT_SWEEP_INTERVAL
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT
    slice_seconds: float = DEFAULT_SLICE_SECONDS

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WorkerSettings:
        env = os.environ if environ is None else environ
        broker = env.get(BROKER_URL_ENV, "").strip() or DEFAULT_BROKER_URL
        rate_text = env.get(RATE_LIMIT_ENV, DEFAULT_RATE_LIMIT).strip()
        try:
            rates = {} if rate_text.lower() in {"off", ""} else parse_rates(rate_text)
        except ValueError as exc:
            raise WorkerConfigurationError(f"{RATE_LIMIT_ENV}: {exc}") from None
        limit_url = env.get(RATE_LIMIT_URL_ENV, "").strip() or (
            broker if broker.startswith("redis") else None
        )
        plugins = host_plugin_override(env)  # empty: the entry points decide
        return cls(
            broker_url=broker,
            rate_limit_url=limit_url if rates else None,
            rates=rates,
            pull_interval=_positive(env, PULL_INTERVAL_ENV, DEFAULT_PULL_INTERVAL),
            host_plugins=plugins,
            reauthorization_warning=timedelta(
                days=_positive(env, REAUTH_WARNING_ENV, DEFAULT_REAUTH_WARNING_DAYS)
            ),
            outbox_grace=timedelta(seconds=_positive(env, OUTBOX_GRACE_ENV, DEFAULT_OUTBOX_GRACE)),
            sweep_interval=_positive(env, SWEEP_INTERVAL_ENV, DEFAULT_SWEEP_INTERVAL),
            visibility_timeout=_positive(env, VISIBILITY_TIMEOUT_ENV, DEFAULT_VISIBILITY_TIMEOUT),
            slice_seconds=_positive(env, SLICE_SECONDS_ENV, DEFAULT_SLICE_SECONDS),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise WorkerConfigurationError(f"{name}: {text!r} is not a positive number; write e.g. {default:g}")
    return value
