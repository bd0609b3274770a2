"""The host runtime's workers (the optional `[worker]` extra): Celery tasks and their schedule, the
hand-over of orders to the host exactly once per version, and a rate limit per app and shop shared by
every worker in Redis. Run `celery -A connector_core.worker.app worker` (see `app.py`, docs/scaling.md).
"""

from __future__ import annotations

from .app import beat_schedule, create_app
from .delivery import NoOrderReceiver, deliver, delivery_id
from .rate_limit import SharedRateLimit, parse_rates
from .requests import submit_request
from .runtime import Runtime, build_runtime, current_runtime
from .settings import WorkerConfigurationError, WorkerSettings
from .sink import CelerySink
from .tasks import PREFIX, TASKS

__all__ = [
    "PREFIX",
    "TASKS",
    "CelerySink",
    "NoOrderReceiver",
    "Runtime",
    "SharedRateLimit",
    "WorkerConfigurationError",
    "WorkerSettings",
    "beat_schedule",
    "build_runtime",
    "create_app",
    "current_runtime",
    "deliver",
    "delivery_id",
    "parse_rates",
    "submit_request",
]
