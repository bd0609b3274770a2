"""The order imports: a shop's scheduled pull (and its next place in the schedule), a backfill of old
history, and the schedule's tick that queues the pulls that are due. Pulls and backfills both run in slices
(slices.py): a long import queues its next slice behind other sellers' work instead of holding a process."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ...leases import HeldLease, release, release_deferred, releases_deferred, take_deferred
from ...store import Store
from ...store.platform_records import DueShop
from ...work.delivery import deliver, require_receiver
from .. import schedule
from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded, open_integration
from .slices import SliceBudget

PULL_SLICE_PAGES = 20
"""Pages one slice of a pull takes at most (the time budget, `WorkerSettings.slice_seconds`, usually ends it
first); an ordinary pull finds a page or two and ends in its first slice."""


def pull_orders(task: Any, integration_id: str, account_id: str | None = None) -> Result:
    """Import new and changed orders of one shop (or of every shop the integration serves) and hand them
    to the host; then schedule the shop's next pull (an interval on, or a backoff after a failure). A shop
    with more than a slice to import queues the rest as a new task at the end of the pulls lane."""

    # The shop's settings and pull interval as this pull read them: its next time follows them.
    read: list[tuple[dict[str, Any], int | None]] = []

    def work() -> Result:
        integration = open_integration(integration_id)
        if not account_id:
            views = integration.served()
        else:
            shops = integration.store.list_shops(integration_id)  # the view's flow reads them no more
            shop = next((s for s in shops if s.id == account_id), None)
            if shop is None or not shop.active:
                # Left the authorization (or forgotten): stop cleanly, nothing to retry.
                return {"ok": True, "skipped": f"shop {account_id} is not an active shop of the integration"}
            if integration.record.account_id and integration.record.account_id != account_id:
                return {"ok": True, "skipped": f"shop {account_id} is no longer the integration's shop"}
            read.append(({**integration.record.settings, **shop.settings}, shop.pull_interval))
            views = [integration.serving(account_id, shops)]
        require_receiver(integration)  # before the import, so no cursor moves past orders nobody took
        stats = integration.http.stats
        calls_before, refused_before = stats.requests, stats.by_status.get(429, 0)
        pages = delivered = 0
        paused = []
        for view in views:
            budget = SliceBudget(PULL_SLICE_PAGES, current_runtime().settings.slice_seconds)
            for page in view.pull_orders(more=budget.more):
                pages += 1
                delivered += deliver(view, page)
            if budget.paused:
                # The rest of this shop's import waits its turn: one queued slice per shop at a time.
                release_deferred()  # its lease first, so the queued slice does not find it held
                shop_id = account_id or (view.account_id if len(views) > 1 else None)
                task.app.send_task(
                    f"{PREFIX}pull_orders", args=[integration_id, shop_id or None], ignore_result=True
                )
                paused.append(view.account_id)
        return {
            "ok": True,
            "pages": pages,
            "orders_delivered": delivered,
            "done": not paused,
            # this process's HTTP answers during the task (exact with one task at a time per process)
            "http_calls": stats.requests - calls_before,
            "http_429": stats.by_status.get(429, 0) - refused_before,
        }

    if not account_id:
        return guarded(task, f"import for integration {integration_id}", work)
    # The import's lease, when the import ends normally, is given back by the shop's schedule write below
    # (one round trip); on any other way out it is released as usual.
    with releases_deferred() as leases:
        try:
            result = guarded(task, f"import for integration {integration_id} shop {account_id}", work)
        except Exception as exc:  # a retry (Celery's) or a crash: the schedule backs off meanwhile
            _reschedule(integration_id, account_id, str(exc) or type(exc).__name__, leases=leases)
            raise
        if result.get("ok") and "skipped" not in result:
            _reschedule(integration_id, account_id, None, *(read[0] if read else (None, None)), leases=leases)
        elif not result.get("ok"):
            _reschedule(integration_id, account_id, str(result.get("error")), leases=leases)
        return result


def _reschedule(
    integration_id: str,
    shop_id: str,
    error: str | None,
    settings: dict[str, Any] | None = None,
    configured: int | None = None,
    *,
    leases: list[HeldLease] | None = None,
) -> None:
    """The shop's next pull. After a success whose pull read the shop's `settings` and pull interval
    (`configured`), one write and no read (the store leaves a shop that stopped being active meanwhile
    unscheduled). A lease on `leases` (the import's, see `releases_deferred`) is released by that write."""
    runtime = current_runtime()
    store, now = runtime.integrations.store, runtime.integrations.clock.now()
    if error is None and settings is not None:
        interval = schedule.interval_for(settings, runtime.settings.pull_interval, configured)
        _schedule(store, integration_id, shop_id, schedule.after_success(interval, now), leases)
        return
    shop = store.get_shop(integration_id, shop_id)
    if shop is None or not shop.active:
        return  # the lease, if any, is released as usual when the task's block ends
    record_settings = store.get_integration(integration_id).settings
    interval = schedule.interval_for(
        {**record_settings, **shop.settings}, runtime.settings.pull_interval, shop.pull_interval
    )
    if error is None:
        _schedule(store, integration_id, shop_id, schedule.after_success(interval, now), leases)
    else:
        failures = shop.failures + 1
        when = schedule.after_failure(interval, now, failures)
        _schedule(store, integration_id, shop_id, when, leases, failures=failures, last_error=error[:500])


def _schedule(
    store: Store,
    integration_id: str,
    shop_id: str,
    when: datetime,
    leases: list[HeldLease] | None,
    **failure: Any,
) -> None:
    """One write: the shop's next pull, releasing a deferred lease with it. If the write fails the lease is
    released on its own (retried), so a failed schedule never keeps the import locked; the write is all or
    nothing, so a process killed around it leaves either both done or the lease to expire as it would."""
    held = take_deferred(leases) if leases else None
    if held is not None and held.store is not store:
        release(held.store, held.name, held.owner)  # a lease kept elsewhere: its own store releases it
        held = None
    unlock = None if held is None else (held.name, held.owner)
    try:
        store.schedule_shop(integration_id, shop_id, when, unlock=unlock, **failure)
    except BaseException:
        if held is not None:
            release(held.store, held.name, held.owner)
        raise


BACKFILL_SLICE_PAGES = 5
"""Pages one backfill task imports at most before it queues its next slice behind the other work of its lane
(the time budget, `WorkerSettings.slice_seconds`, may end a slice sooner): a 100,000-order history never
holds a worker process for more than a fraction of a second at a time."""


def backfill_orders(
    task: Any,
    integration_id: str,
    since: str,
    until: str,
    account_id: str | None = None,
    slice_pages: int = BACKFILL_SLICE_PAGES,
) -> Result:
    """Import the orders updated between `since` and `until` (ISO instants), a slice at a time. The window's
    cursor is in the store, so each slice starts after the last page the previous one handed over."""

    def work() -> Result:
        opened = open_integration(integration_id)
        if not account_id:
            served = opened.served()
            if len(served) > 1 or served[0].account_id:
                # One backfill per shop, each with its own cursor, slices and hand-over ledger.
                for view in served:
                    task.app.send_task(
                        f"{PREFIX}backfill_orders",
                        args=[integration_id, since, until, view.account_id, slice_pages],
                        ignore_result=True,
                    )
                return {"ok": True, "shops": [v.account_id for v in served], "done": False}
            integration = opened
        else:
            shop = opened.store.get_shop(integration_id, account_id)
            selected = opened.record.account_id
            if shop is None or not shop.active or (selected and selected != account_id):
                return {"ok": True, "skipped": f"shop {account_id} is not served by the integration"}
            integration = opened.shop(account_id)
        require_receiver(integration)
        window = (datetime.fromisoformat(since), datetime.fromisoformat(until))
        pages = delivered = 0
        budget = SliceBudget(slice_pages, current_runtime().settings.slice_seconds)
        for page in integration.pull_orders(*window, more=budget.more):
            pages += 1
            delivered += deliver(integration, page)
        if not budget.paused:
            return {"ok": True, "pages": pages, "orders_delivered": delivered, "done": True}
        task.app.send_task(
            f"{PREFIX}backfill_orders",
            args=[integration_id, since, until, account_id, slice_pages],
            ignore_result=True,
        )
        return {"ok": True, "pages": pages, "orders_delivered": delivered, "done": False}

    return guarded(task, f"backfill for integration {integration_id}", work)


def pull_all(task: Any) -> Result:
    """The schedule's tick: one `pull_orders` task per shop whose pull is due, found through the store's
    index on `next_pull_at` in batches; nothing is opened or decrypted (see worker/schedule.py)."""
    runtime = current_runtime()
    interval = timedelta(seconds=runtime.settings.pull_interval)

    def enqueue(shop: DueShop) -> None:
        task.app.send_task(
            f"{PREFIX}pull_orders", args=[shop.integration_id, shop.shop_id], ignore_result=True
        )

    sent = schedule.tick(runtime.integrations.store, runtime.integrations.clock.now(), interval, enqueue)
    return {"ok": True, "queued": sent}
