"""The stock hooks: pushing absolute levels, and where each level goes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..context import ConnectorContext
    from ..models import StockLevel, StockReport


@hookspec(firstresult=True)
def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:  # type: ignore[empty-body]
    """Set the channel's available quantity for each SKU (the host is the stock master).

    Called with the levels that changed since the channel last confirmed them, or whose last push had no
    known outcome (the core filters unchanged ones out with its per-shop stock ledger and refuses
    quantities outside 0..2**31-1). Levels are absolute, so sending one twice is harmless. Returns a
    `StockReport` with one result per level: updated, unknown_sku, rejected (the channel said no, with its
    code and message) or invalid. A level whose outcome is unknown (the answer was lost, the channel
    failed) is ``rejected`` with code ``"uncertain"`` (`STOCK_OUTCOME_UNKNOWN`), or left without a
    result: the core keeps it pending and sends it again next time. ``firstresult``.

    The results also feed the core's SKU -> shop index (docs/platform.md): ``unknown_sku`` must mean "this
    shop does not list the SKU" (the core then stops sending it there for an hour), and ``updated`` or a
    ``rejected`` with the channel's own code means the shop lists it. Report a SKU the shop lists but
    refuses as ``rejected``, never as ``unknown_sku``.
    """


@hookspec(firstresult=True)
def stock_locations(  # type: ignore[empty-body]
    ctx: ConnectorContext, levels: Sequence[StockLevel]
) -> list[str | None]:
    """Name the channel's own warehouse of each stock level, before the core checks its ledger.

    Called by every stock push with the levels it may send. Returns one entry per level, in order: the
    channel's id of the warehouse the level is for (None: the channel has no warehouses, or the shop has
    only one, which holds every level). The core keys its stock ledger by (SKU, this), so two host codes
    for one warehouse, or a code the settings now map to another warehouse, never leave the ledger
    remembering a level the channel does not hold. A level whose warehouse cannot be told keeps the
    host's code (`push_stock` then reports it invalid). Optional: without it the host's warehouse code is
    the key. ``firstresult``.
    """
