"""The stock ledger's freshness rule, as the SQL both backends run inside their upserts.

A row remembers the `as_of` of its confirmed level and of its uncertain (pending) one. A write that
carries an `as_of` older than either leaves the row as it is, so a late writer (a lease taken over from a
dead holder, a second process) can never move the ledger back, whatever the flow above it checked. A
write without an `as_of` (a host that never says) is taken as before.
"""

from __future__ import annotations

NOT_OLDER = (
    "({new} IS NULL OR ((stock_ledger.as_of IS NULL OR {new} >= stock_ledger.as_of) "
    "AND (stock_ledger.pending_as_of IS NULL OR {new} >= stock_ledger.pending_as_of)))"
)
"""Format with `new=` the incoming as_of expression (e.g. `excluded.as_of`)."""

EMPTY_ROW = "(quantity IS NULL AND pending IS NULL AND as_of IS NULL AND pending_as_of IS NULL)"
"""A ledger row that remembers nothing: a level refused before any level of its SKU was confirmed. Both
stores delete it after a refusal, so SKUs the channel does not know leave no row behind."""
