"""What every worker task shares: the task names' prefix, the retry policy, and `guarded`, which turns the
outcomes that are not a result (a lease taken, an outage, a re-authorization, bad input) into a retry
later or a one-line report.

Duplicates from the broker (a task delivered twice after a lost acknowledgement), two schedulers firing
together, a retry after a kill: each repeats work whose effect is recorded in the store (cursors, intents,
the stock ledger, the delivery ledger), so the repeat finds it done. A task that finds its lease taken
retries later (Celery's retry with a countdown) instead of failing. A channel outage, a spent rate-limit
wait or a store that cannot be reached retries later too; a re-authorization stops the integration's work
with one warning; bad input is one line naming what to fix, never a traceback.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any, NoReturn

from pydantic import ValidationError

from ...errors import ChannelUnavailable, ConnectorError, RateLimited, ReauthorizationRequired
from ...flows import Integration, LeaseBusy
from ...store import StoreUnavailable
from ..runtime import current_runtime

# One logger for every task module: hosts that tune or filter the tasks' logs by this name keep doing so.
log = logging.getLogger("connector_core.worker.tasks")

PREFIX = "channel_connectors."
LEASE_RETRY_SECONDS = (5.0, 20.0)
"""A task whose lease is taken comes back after a random delay in this range (spread, so twins part)."""
MAX_LEASE_RETRIES = 30
OUTAGE_RETRY_SECONDS = 60.0
MAX_OUTAGE_RETRIES = 10
Result = dict[str, Any]


def later(task: Any, exc: BaseException, seconds: float, max_retries: int) -> NoReturn:
    raise task.retry(exc=exc, countdown=seconds, max_retries=max_retries)


def guarded(task: Any, what: str, work: Callable[[], Result]) -> Result:
    """Run `work`; the outcomes that are not a result become a retry or a one-line report."""
    try:
        return work()
    except LeaseBusy as exc:
        log.info("%s: %s; trying again later", what, exc)
        later(task, exc, random.uniform(*LEASE_RETRY_SECONDS), MAX_LEASE_RETRIES)
    except (ChannelUnavailable, RateLimited, StoreUnavailable) as exc:
        wait = max(getattr(exc, "retry_after", None) or 0.0, OUTAGE_RETRY_SECONDS * random.uniform(0.5, 1.0))
        log.warning("%s: %s; trying again in %.0fs", what, exc, wait)
        later(task, exc, wait, MAX_OUTAGE_RETRIES)
    except ReauthorizationRequired as exc:
        log.warning("%s: %s", what, exc)
        return {"ok": False, "reauthorization_required": True, "error": str(exc)}
    except (ConnectorError, ValidationError, ValueError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: %s", what, text)
        return {"ok": False, "error": text}


def open_integration(integration_id: str) -> Integration:
    return current_runtime().integrations.open(integration_id)
