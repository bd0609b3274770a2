"""Stock push with a truthful per-shop ledger: what the channel confirmed, and what is uncertain.

Before the call the levels about to be sent are marked pending in one transaction; after the answer
each becomes confirmed or refused. A lost answer, an exception or a kill leaves it pending, and a
pending level is never "unchanged": it is sent again (a stock level is absolute, so re-sending the same
level is harmless). One push at a time per (integration, shop), so a late answer cannot overwrite a
newer level in the ledger.

Levels are absolute, so their order matters: a level carrying an `as_of` older than the newest the ledger
applied or has in flight is `stale` and never sent, wherever it comes from (a late task, a redelivered
message, a second process). The store applies the same rule in its upserts (`store.stock_rows`). The
ledger keys a level by the channel's own warehouse (`stock_locations`), so aliases and remapped codes of
the host never make it remember a level the channel does not hold (`stock_order`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ..models import StockLevel, StockReport, StockResult
from .leases import hold
from .session import Session
from .stock_order import Key, choose, host_key, older, stale, superseded
from .stock_routing import UNCERTAIN, learn

MAX_STOCK_QUANTITY = 2**31 - 1
"""The largest level the core sends: a signed 32-bit count, what channels' APIs take."""
STOCK_LEASE_TTL = timedelta(minutes=5)
STOCK_LEASE_WAIT = timedelta(seconds=30)
"""A second push waits for the first (pushes are short); past this it reports who holds the shop's stock."""

NO_RESULT = UNCERTAIN


def push_stock(session: Session, levels: Sequence[StockLevel], *, force: bool = False) -> StockReport:
    """Send changed levels; unchanged ones (per the ledger), stale and invalid ones are reported, not sent."""
    started = session.clock.now()
    latest: dict[Key, StockLevel] = {}
    for level in levels:
        if not older(level, latest.get(host_key(level))):
            latest[host_key(level)] = level  # the newest level of a SKU wins; of equals, the last listed
    results: dict[Key, StockResult] = {}
    valid: list[StockLevel] = []
    for key, level in latest.items():
        problem = _invalid(level)
        if problem:
            results[key] = StockResult(
                sku=level.sku, warehouse=level.warehouse, outcome="invalid", message=problem
            )
        else:
            valid.append(level)
    calls = 0
    try:
        if valid:
            locations = _locations(session, valid)
            chosen, replaced = choose(valid, locations)
            location_of = {host_key(level): where for level, where in zip(valid, locations, strict=True)}
            for key in replaced:
                where = location_of[key]
                results[key] = superseded(latest[key], chosen[(key[0], where)], where)
            with hold(
                session.store,
                f"stock:{session.id}:{session.account_id}",
                what=f"a stock push for integration {session.id}",
                ttl=STOCK_LEASE_TTL,
                wait=STOCK_LEASE_WAIT,
                settle=session.late_call_bound,
            ):
                calls = _push_under_lease(session, chosen, results, force)
    except BaseException as exc:
        session.record_run("push_stock", started, {"levels": len(latest)}, exc)
        raise
    report = StockReport(results=[results[key] for key in latest], calls=calls)
    learn(session, report)  # the SKU -> shop index: what this shop's answers say it lists
    counts = {
        outcome: report.count(outcome)
        for outcome in ("updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale")
    }
    session.record_run("push_stock", started, {"levels": len(latest), "calls": calls, **counts})
    return report


def _locations(session: Session, levels: list[StockLevel]) -> list[str | None]:
    """The channel's warehouse of each level (the host's code when the connector cannot tell)."""
    if not session.connector.implements("stock_locations"):
        return [level.warehouse for level in levels]
    found = session.connector.stock_locations(session.context(), levels)
    if len(found) != len(levels):
        raise TypeError(
            f"connector {session.connector.id!r}: stock_locations returned {len(found)} locations for "
            f"{len(levels)} levels"
        )
    return found


def _invalid(level: StockLevel) -> str | None:
    if 0 <= level.quantity <= MAX_STOCK_QUANTITY:
        return None
    return (
        f"SKU {level.sku!r}: quantity {level.quantity} is outside 0..{MAX_STOCK_QUANTITY}; "
        "send the available count (0 when out of stock)"
    )


def _push_under_lease(
    session: Session, chosen: dict[Key, StockLevel], results: dict[Key, StockResult], force: bool
) -> int:
    """Send `chosen` (ledger key -> level); results go under each level's host key."""
    ledger = session.store.stock_levels(session.id, session.account_id)
    to_send: dict[Key, StockLevel] = {}
    for key, level in chosen.items():
        known = ledger.get(key)
        # Not even `force` sends a stale level: that is how TikTok ends at an older level than the host's.
        refusal = stale(level, None if known is None else known.newest())
        unchanged = known is not None and known.pending is None and known.quantity == level.quantity
        if refusal is not None:
            results[host_key(level)] = refusal
        elif unchanged and not force:
            results[host_key(level)] = StockResult(
                sku=level.sku, warehouse=level.warehouse, outcome="unchanged", quantity=level.quantity
            )
        else:
            to_send[key] = level
    if not to_send:
        return 0
    stamps: dict[Key, int] = {}
    for key, level in to_send.items():
        stamp = level.freshness()
        if stamp is not None:
            stamps[key] = stamp
    session.store.begin_stock_push(
        session.id, session.account_id, [(sku, wh, lv.quantity) for (sku, wh), lv in to_send.items()], stamps
    )
    # An exception here leaves every level pending: the next push sends them again.
    report = session.connector.push_stock(session.context(), list(to_send.values()))
    answered = {(r.sku, r.warehouse): r for r in report.results}
    confirmed: list[tuple[str, str | None, int]] = []
    refused: list[Key] = []
    for key, level in to_send.items():
        result = answered.get(host_key(level))
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
            confirmed.append((key[0], key[1], level.quantity))
        elif result.code != NO_RESULT:
            refused.append(key)
        results[host_key(level)] = result
    session.store.finish_stock_push(
        session.id, session.account_id, confirmed=confirmed, refused=refused, as_of=stamps
    )
    return report.calls


def merge_reports(reports: Sequence[StockReport]) -> StockReport:
    """One report for a push to several shops: every shop's results, except "unknown SKU" for a SKU that
    another shop knows (each shop sells its own catalogue)."""
    known = {(r.sku, r.warehouse) for report in reports for r in report.results if r.outcome != "unknown_sku"}
    results = [
        r
        for report in reports
        for r in report.results
        if r.outcome != "unknown_sku" or (r.sku, r.warehouse) not in known
    ]
    unknown_seen: set[Key] = set()
    merged = []
    for r in results:  # one "unknown SKU" per SKU, not one per shop
        if r.outcome == "unknown_sku":
            if (r.sku, r.warehouse) in unknown_seen:
                continue
            unknown_seen.add((r.sku, r.warehouse))
        merged.append(r)
    return StockReport(results=merged, calls=sum(r.calls for r in reports))
