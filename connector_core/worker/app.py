"""The Celery app: `create_app()` for hosts, and `app` for the command line.

    celery -A connector_core.worker.app worker      # as many as wanted, on as many machines
    celery -A connector_core.worker.app beat        # one is enough; a second only adds harmless duplicates

Work goes out in three lanes (urgent, pulls, backfill: see `lanes.py`); a worker without `-Q` serves all of
them, urgent first.

Broker and results: `CHANNEL_CONNECTORS_BROKER_URL` (default redis://127.0.0.1:6379/0). The store:
`CHANNEL_CONNECTORS_DATABASE_URL`. See `settings.py` for the rest and docs/scaling.md for the picture.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from .lanes import lane_settings
from .settings import WorkerSettings
from .tasks import PREFIX, TASKS

REFRESH_EVERY = timedelta(minutes=5)
RECONCILE_EVERY = timedelta(hours=1)
"""How often every connection's recent window is swept (shorter than work/reconcile.py's SWEEP_WINDOW)."""
"""Tokens are refreshed a margin (15 minutes) ahead of expiry; checking every 5 minutes never misses one."""
REAUTHORIZATION_CHECK_EVERY = timedelta(hours=6)
BROKER_SOCKET_TIMEOUT = 5.0
"""Seconds a send to the broker may hang (a stalled Redis) before it fails: the web app answers a webhook
without waiting on a broker that does not answer (its events are recorded; the sweep sends them later)."""


def create_app(settings: WorkerSettings | None = None, *, name: str = "channel_connectors") -> Celery:
    """A Celery app with every task registered and the schedule a `beat` process runs."""
    settings = settings or WorkerSettings.from_environ()
    app = Celery(name, broker=settings.broker_url, backend=settings.broker_url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # Acknowledge after the task ran, and give a task back when its worker dies: a kill repeats the
        # task (its effects are idempotent) rather than losing it.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        redis_socket_timeout=BROKER_SOCKET_TIMEOUT,
        redis_socket_connect_timeout=BROKER_SOCKET_TIMEOUT,
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        beat_schedule=beat_schedule(settings),
        timezone="UTC",
        # Bounded: a worker killed outright gets its started task back after this, not an hour later; a send
        # to a stalled Redis fails after BROKER_SOCKET_TIMEOUT instead of hanging the web app's answer.
        **lane_settings(
            PREFIX,
            {
                "visibility_timeout": settings.visibility_timeout,
                "socket_timeout": BROKER_SOCKET_TIMEOUT,
                "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
            },
        ),
    )
    for short, function in TASKS.items():
        app.task(name=f"{PREFIX}{short}", bind=True)(function)
    return app


log = logging.getLogger("connector_core.worker.app")


def sweep_when_a_worker_starts(sender: Any = None, **_: Any) -> None:
    """A worker that starts (after a crash, a deploy, an emptied Redis) asks for one sweep at once, so work
    recorded while no worker ran does not wait for beat's next tick (or for a beat at all)."""
    try:
        sender.app.send_task(f"{PREFIX}sweep_outbox", ignore_result=True)
    except Exception as exc:  # the broker is down: beat's sweep, or the next start, does it
        log.warning("no sweep at start: %s", type(exc).__name__)


worker_ready.connect(sweep_when_a_worker_starts, weak=False)


def beat_schedule(settings: WorkerSettings) -> dict[str, dict[str, Any]]:
    return {
        "pull-every-connected-integration": {
            "task": f"{PREFIX}pull_all",
            "schedule": settings.pull_interval,
            "options": {"expires": settings.pull_interval},  # a tick nobody ran in time is dropped
        },
        "refresh-tokens-ahead-of-expiry": {
            "task": f"{PREFIX}refresh_tokens",
            "schedule": REFRESH_EVERY.total_seconds(),
            "options": {"expires": REFRESH_EVERY.total_seconds()},
        },
        "send-again-recorded-work-nobody-finished": {
            "task": f"{PREFIX}sweep_outbox",
            "schedule": settings.sweep_interval,
            "options": {"expires": settings.sweep_interval},
        },
        "reconcile-what-webhooks-missed": {
            "task": f"{PREFIX}reconcile_all",
            "schedule": RECONCILE_EVERY.total_seconds(),
            "options": {"expires": RECONCILE_EVERY.total_seconds()},
        },
        "warn-before-reauthorization-deadlines": {
            "task": f"{PREFIX}warn_reauthorization",
            "schedule": REAUTHORIZATION_CHECK_EVERY.total_seconds(),
        },
    }


app = create_app()
