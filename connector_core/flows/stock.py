"""Stock push with a truthful per-shop ledger: what the channel confirmed, and what is uncertain.

Before the call the levels about to be sent are marked pending in one transaction; after the answer
each becomes confirmed or refused. A lost answer, an exception or a kill leaves it pending, and a
pending level is never "unchanged": it is sent again (a stock level is absolute, so re-sending the same
level is harmless). One push at a time per (integration, shop), so a late answer cannot overwrite a
newer level in the ledger.

Levels are absolute, so their order matters: a level carrying an `as_of` older than the newest the ledger
applied or has in flight is `stale` and never sent, wherever it comes from (a late task, a redelivered
message, a second process). The store applies the same rule in its upserts (`store.stock_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from ..models import StockLevel, StockReport, StockResult
from .leases import hold
from .session import Session

MAX_STOCK_QUANTITY = 2**31 - 1
"""The largest level the core sends: a signed 32-bit count, what channels' APIs take."""
STOCK_LEASE_TTL = timedelta(minutes=5)
STOCK_LEASE_WAIT = timedelta(seconds=30)
"""A second push waits for the first (pushes are short); past this it reports who holds the shop's stock."""

Key = tuple[str, str | None]
NO_RESULT = "uncertain"


def push_stock(session: Session, levels: Sequence[StockLevel], *, force: bool = False) -> StockReport:
    """Send changed levels; unchanged ones (per the ledger) and invalid ones are reported, not sent."""
    started = session.clock.now()
    latest: dict[Key, StockLevel] = {}
    for level in levels:
        key = (level.sku, level.warehouse)
        if not _older(level, latest.get(key)):
            latest[key] = level  # the newest level of a SKU wins; of equals, the last listed
    results: dict[Key, StockResult] = {}
    valid: dict[Key, StockLevel] = {}
    for key, level in latest.items():
        problem = _invalid(level)
        if problem:
            results[key] = StockResult(
                sku=level.sku, warehouse=level.warehouse, outcome="invalid", message=problem
            )
        else:
            valid[key] = level
    calls = 0
    try:
        if valid:
            with hold(
                session.store,
                f"stock:{session.id}:{session.account_id}",
                what=f"a stock push for integration {session.id}",
                ttl=STOCK_LEASE_TTL,
                wait=STOCK_LEASE_WAIT,
                settle=session.late_call_bound,
            ):
                calls = _push_under_lease(session, valid, results, force)
    except BaseException as exc:
        session.record_run("push_stock", started, {"levels": len(latest)}, exc)
        raise
    report = StockReport(results=[results[key] for key in latest], calls=calls)
    counts = {
        outcome: report.count(outcome)
        for outcome in ("updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale")
    }
    session.record_run("push_stock", started, {"levels": len(latest), "calls": calls, **counts})
    return report


def _older(level: StockLevel, than: StockLevel | None) -> bool:
    mine, theirs = level.freshness(), None if than is None else than.freshness()
    return mine is not None and theirs is not None and mine < theirs


def _stale(level: StockLevel, newest: int | None) -> StockResult | None:
    """The `stale` result when `level` is older than what the ledger applied or has in flight."""
    mine = level.freshness()
    if mine is None or newest is None or mine >= newest:
        return None
    return StockResult(
        sku=level.sku,
        warehouse=level.warehouse,
        outcome="stale",
        quantity=level.quantity,
        message=f"stale, not sent: as of {level.as_of} is older than the level already applied or in flight "
        f"({_describe_as_of(level, newest)})",
    )


def _describe_as_of(level: StockLevel, newest: int) -> str:
    if isinstance(level.as_of, datetime):
        when = datetime.fromtimestamp(newest / 1_000_000, tz=timezone.utc)
        return f"as of {when.isoformat()}"
    return f"as of {newest}"


def _invalid(level: StockLevel) -> str | None:
    if 0 <= level.quantity <= MAX_STOCK_QUANTITY:
        return None
    return (
        f"SKU {level.sku!r}: quantity {level.quantity} is outside 0..{MAX_STOCK_QUANTITY}; "
        "send the available count (0 when out of stock)"
    )


def _push_under_lease(
    session: Session, valid: dict[Key, StockLevel], results: dict[Key, StockResult], force: bool
) -> int:
    ledger = session.store.stock_levels(session.id, session.account_id)
    to_send: list[StockLevel] = []
    for key, level in valid.items():
        known = ledger.get(key)
        # Not even `force` sends a stale level: that is how TikTok ends at an older level than the host's.
        stale = _stale(level, None if known is None else known.newest())
        unchanged = known is not None and known.pending is None and known.quantity == level.quantity
        if stale is not None:
            results[key] = stale
        elif unchanged and not force:
            results[key] = StockResult(
                sku=level.sku, warehouse=level.warehouse, outcome="unchanged", quantity=level.quantity
            )
        else:
            to_send.append(level)
    if not to_send:
        return 0
    stamps: dict[Key, int] = {}
    for lv in to_send:
        stamp = lv.freshness()
        if stamp is not None:
            stamps[(lv.sku, lv.warehouse)] = stamp
    session.store.begin_stock_push(
        session.id, session.account_id, [(lv.sku, lv.warehouse, lv.quantity) for lv in to_send], stamps
    )
    # An exception here leaves every level pending: the next push sends them again.
    report = session.connector.push_stock(session.context(), to_send)
    answered = {(r.sku, r.warehouse): r for r in report.results}
    confirmed: list[tuple[str, str | None, int]] = []
    refused: list[Key] = []
    for level in to_send:
        key = (level.sku, level.warehouse)
        result = answered.get(key)
        if result is None:
            # The connector cannot say what happened: the level stays pending and is sent again.
            result = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="rejected",
                code=NO_RESULT,
                message=f"connector {session.connector.id!r} returned no result for this level; it may or may "
                "not have been updated and will be sent again on the next push",
            )
        elif result.outcome == "updated":
            confirmed.append((level.sku, level.warehouse, level.quantity))
        elif result.code != NO_RESULT:
            refused.append(key)
        results[key] = result
    session.store.finish_stock_push(
        session.id, session.account_id, confirmed=confirmed, refused=refused, as_of=stamps
    )
    return report.calls
