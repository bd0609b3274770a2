"""Which of several levels for one place is the one to send: newest `as_of` first, and one place per
channel warehouse.

Stock levels are absolute, so only the newest for a place counts. A place is the SKU and the warehouse as
the channel knows it (`stock_locations`), not the host's code for it: two codes for one warehouse are one
place, and a code remapped to another warehouse is another place.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..models import StockLevel, StockResult

Key = tuple[str, str | None]
"""(SKU, warehouse): the host's when it names a level, the channel's when it names a ledger entry."""


def host_key(level: StockLevel) -> Key:
    return (level.sku, level.warehouse)


def older(level: StockLevel, than: StockLevel | None) -> bool:
    """True when both say how new they are and `level` is the older."""
    mine, theirs = level.freshness(), None if than is None else than.freshness()
    return mine is not None and theirs is not None and mine < theirs


def stale(level: StockLevel, newest: int | None) -> StockResult | None:
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
        f"({_describe(level, newest)})",
    )


def superseded(level: StockLevel, winner: StockLevel, location: str | None) -> StockResult:
    """The result of a level another level of the same push replaces (same SKU, same channel warehouse)."""
    why = "newer" if older(level, winner) else "listed later"
    return StockResult(
        sku=level.sku,
        warehouse=level.warehouse,
        outcome="stale",
        quantity=level.quantity,
        message=f"stale, not sent: the level for warehouse {winner.warehouse!r} of this push is {why} and names "
        f"the same channel warehouse ({location})",
    )


def choose(levels: list[StockLevel], locations: list[str | None]) -> tuple[dict[Key, StockLevel], list[Key]]:
    """(channel key -> the level to send, host keys of the levels replaced): per place, the newest level,
    and of equally new ones the last listed."""
    chosen: dict[Key, StockLevel] = {}
    replaced: list[Key] = []
    for level, location in zip(levels, locations, strict=True):
        key = (level.sku, location)
        kept = chosen.get(key)
        if kept is not None and older(level, kept):
            replaced.append(host_key(level))
            continue
        if kept is not None and host_key(kept) != host_key(level):
            replaced.append(host_key(kept))
        chosen[key] = level
    return chosen, replaced


def _describe(level: StockLevel, newest: int) -> str:
    if isinstance(level.as_of, datetime):
        return f"as of {datetime.fromtimestamp(newest / 1_000_000, tz=timezone.utc).isoformat()}"
    return f"as of {newest}"
