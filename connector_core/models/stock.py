"""Stock levels the host pushes, and what became of each."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model, UtcDatetime


class StockLevel(Model):
    sku: str = Field(min_length=1)
    quantity: int
    warehouse: str | None = Field(
        default=None, description="the host's warehouse code; mapped by the connector's settings"
    )
    as_of: int | UtcDatetime | None = Field(
        default=None,
        description="how new this level is: a version number that only grows, or the time the host counted "
        "it (timezone-aware); the ledger refuses a level older than the one applied. Use one kind per host",
    )

    def freshness(self) -> int | None:
        """`as_of` as one comparable number: a version as is, a time as microseconds since 1970."""
        if self.as_of is None or isinstance(self.as_of, int):
            return self.as_of
        return round(self.as_of.timestamp() * 1_000_000)


StockOutcome = Literal["updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale"]
"""`stale`: the level is older (`as_of`) than one already applied or in flight; it was not sent."""


class StockResult(Model):
    sku: str
    warehouse: str | None = None
    outcome: StockOutcome
    quantity: int | None = Field(default=None, description="the quantity sent (after clamping)")
    code: str | None = None
    message: str | None = None


class StockReport(Model):
    results: list[StockResult]
    calls: int = Field(0, description="update calls made to the channel")

    def count(self, outcome: StockOutcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)
