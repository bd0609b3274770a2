"""Order import: one import per (integration, shop, stream) at a time, resumable page by page.

The cursor of a page is saved only when the host asks for the next one, so a crash repeats at most the
page the host was handling, never skips one. The watermark (where the next incremental run starts)
moves only when the connector's iterator ended normally, and it is written in the same single write
that retires the window's cursor: a crash there cannot make the next run import the window again. A
page the connector cannot believe raises (the run fails, the cursor stays where it was).

An idle poll (an incremental run that found no order and no problem, from a watermark younger than
`IDLE_WATERMARK_REFRESH`) writes neither its watermark nor a run record: the next run starts from the same
watermark, a window a few minutes wider that finds the same orders and more, so nothing is skipped. Only
its lease is written (two pollers still never both move the cursor). A failed run marks the watermark
(`failed`), so the next run that succeeds is recorded and the status stops saying "failing" at once; and
once the watermark is that old it moves and the run is recorded, so an idle shop's "last import" is never
older than that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..context import ConnectorContext
from ..models import OrderPage, OrderWindow
from .leases import LeaseLost, hold
from .session import CoreStatusMapper, Session
from .shops import remember_order_shops
from .stock_routing import learn_from_orders

ORDERS_STREAM = "orders"
ORDERS_SINCE_SETTING = "import_orders_since"
"""A settings field the core reads, if a settings schema has it: where the first import starts."""
DEFAULT_FIRST_IMPORT = timedelta(days=30)
INCREMENTAL_OVERLAP = timedelta(minutes=5)
IMPORT_LEASE_TTL = timedelta(minutes=10)
"""How long an import holds its stream without asking for a page; each page renews it."""
IMPORT_LEASE_WAIT = timedelta(seconds=2)
IDLE_WATERMARK_REFRESH = timedelta(hours=1)
"""How old a watermark an idle poll leaves in place (see the module docstring)."""
FAILED_MARK = "failed"
_DATES = frozenset({"since", "until", "watermark"})


def stream_name(session: Session, since: datetime | None, until: datetime | None, stream: str | None) -> str:
    """The cursor's name: the incremental stream or a backfill window, within the served shop."""
    base = stream or (ORDERS_STREAM if since is None and until is None else _backfill_stream(since, until))
    return f"{base}@{session.account_id}" if session.account_id else base


def pull_orders(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stream: str | None = None,
    more: Callable[[], bool] | None = None,
) -> Iterator[OrderPage]:
    """Stream orders page by page (see the module docstring for when the cursor and watermark move).

    `more`, asked each time the host has taken a page and its place is saved, lets the host pause a long
    import (a worker's slice): when it answers False the stream ends there, the window unfinished, and the
    next run resumes after that page without reading it again."""
    name = stream_name(session, since, until, stream)
    what = f"an import of {name} for integration {session.id}"
    started = session.clock.now()
    counts = {"pages": 0, "orders": 0, "problems": 0}
    incremental = since is None and until is None
    saved: dict[str, Any] = {}
    moved = idle = False  # a page's cursor was saved; the run found nothing and wrote nothing
    pages: Iterator[OrderPage] | None = None
    with hold(
        session.store,
        f"import:{session.id}:{name}",
        what=what,
        ttl=IMPORT_LEASE_TTL,
        wait=IMPORT_LEASE_WAIT,
        deferrable=True,  # a worker's pull task gives it back with the shop's next pull (one round trip)
    ) as lease:
        try:
            saved = load_cursor(session, name)
            window, resume = _order_window(session, saved, since, until)
            ctx = session.context()
            pages = iter(session.connector.fetch_orders(ctx, window, resume))
            page = next(pages, None)
            while page is not None:
                page = flag_unknown_statuses(ctx, page)
                counts["pages"] += 1
                counts["orders"] += len(page.orders)
                counts["problems"] += len(page.problems)
                remember_order_shops(session, page)
                learn_from_orders(session, page)  # the SKU -> shop index stock pushes are routed by
                yield page
                lease.renew()
                if page.resume is not None:
                    # The host took this page: a resumed run starts after it.
                    _save_cursor(
                        session, name, {"since": window.since, "until": window.until, "resume": page.resume}
                    )
                    moved = True
                    if more is not None and not more():
                        counts["paused"] = 1
                        break  # the host has had enough for now: the window stays open at this page
                page = None  # not held while the next page is fetched: memory stays one page
                page = next(pages, None)
            else:
                # The connector's iterator ended normally: the window is complete. One write retires the
                # window's cursor and moves the watermark (unless the run was idle: see the module docstring).
                idle = incremental and not moved and _idle(saved, window, counts)
                if not idle:
                    _save_cursor(session, name, {"watermark": window.until})
        except GeneratorExit:
            raise  # the host stopped early: the cursor of the last page it took is saved, nothing more
        except BaseException as exc:
            if incremental and not moved and "watermark" in saved and not isinstance(exc, LeaseLost):
                _mark_failed(session, name, saved)
            session.record_run("pull_orders", started, {**counts, "stream": name}, exc)
            raise
        finally:
            # Closed here, under the lease: a page read ahead that the host will not take is dropped now
            # (connector_core.read_ahead), not whenever the iterator happens to be collected.
            close = getattr(pages, "close", None)
            if close is not None:
                close()
    if not idle:
        session.record_run("pull_orders", started, {**counts, "stream": name})


def _idle(saved: dict[str, Any], window: OrderWindow, counts: dict[str, int]) -> bool:
    """Found nothing, from a watermark (not a window being resumed) that is recent and not marked failed."""
    watermark = saved.get("watermark")
    return (
        counts["orders"] == 0
        and counts["problems"] == 0
        and isinstance(watermark, datetime)
        and "until" not in saved
        and not saved.get(FAILED_MARK)
        and window.until - watermark < IDLE_WATERMARK_REFRESH
    )


def _mark_failed(session: Session, name: str, saved: dict[str, Any]) -> None:
    """The same watermark, marked, so the next successful run is recorded (written under the lease, the
    watermark unchanged). A store that refuses it is not the run's error: the hourly refresh still records."""
    try:
        _save_cursor(session, name, {"watermark": saved["watermark"], FAILED_MARK: True})
    except Exception as exc:  # the run's own error is the one to report
        session.log.warning("could not mark the failed import of %s: %s", name, type(exc).__name__)


def _order_window(
    session: Session, saved: dict[str, Any], since: datetime | None, until: datetime | None
) -> tuple[OrderWindow, str | None]:
    # `saved`: only the served shop's own cursor: one written before cursors were kept per shop was moved to
    # the shop that release served when the store was migrated, and is no other shop's starting point.
    if "until" in saved and "since" in saved:
        return OrderWindow(since=saved["since"], until=saved["until"]), saved.get("resume")
    if since is None:
        watermark = saved.get("watermark")
        since = watermark - INCREMENTAL_OVERLAP if watermark else _first_import_start(session)
    return OrderWindow(since=since, until=until or session.clock.now()), None


def _first_import_start(session: Session) -> datetime:
    configured = session.settings.get(ORDERS_SINCE_SETTING)
    if configured:
        day = date.fromisoformat(str(configured)[:10])
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return session.clock.now() - DEFAULT_FIRST_IMPORT


def load_cursor(session: Session, name: str) -> dict[str, Any]:
    raw = session.store.get_cursor(session.id, name)
    if not raw:
        return {}
    data = json.loads(raw)
    return {k: (datetime.fromisoformat(v) if k in _DATES else v) for k, v in data.items()}


def _save_cursor(session: Session, name: str, cursor: dict[str, Any]) -> None:
    encoded = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in cursor.items()}
    session.store.set_cursor(session.id, name, json.dumps(encoded))


def get_orders(session: Session, order_ids: Sequence[str]) -> OrderPage:
    ctx = session.context()
    return flag_unknown_statuses(ctx, session.connector.get_orders(ctx, order_ids))


def flag_unknown_statuses(ctx: ConnectorContext, page: OrderPage) -> OrderPage:
    """Say on each order put on hold only by the core's default rule why it is on hold and how to map it."""
    mapper = ctx.status_mapper
    return mapper.flag(page) if isinstance(mapper, CoreStatusMapper) else page


def _backfill_stream(since: datetime | None, until: datetime | None) -> str:
    return (
        f"{ORDERS_STREAM}:backfill:{since.isoformat() if since else ''}:{until.isoformat() if until else ''}"
    )
