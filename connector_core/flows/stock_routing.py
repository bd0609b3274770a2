"""Which shops a stock level goes to when the caller names none: the shops that list its SKU.

The store keeps a SKU -> shop index (`store.shops_for_skus`) of what the channel told us: a shop's order
lines (it sold the SKU, so it lists it), a level a shop applied or refused for a reason of its own (it
knows the SKU), a SKU a shop answered it does not list. A level goes to:

- every syncing shop that lists the SKU, and
- every syncing shop the index knows nothing about for that SKU (or whose "not listed" is older than
  UNLISTED_FOR): not sending could leave that shop selling stock the seller no longer has, which costs
  money; sending to a shop that does not list the SKU costs one lookup and an "unknown SKU" answer, which
  then goes into the index. So the first push of a SKU asks every syncing shop, and later pushes go only
  where it is listed;
- no shop at all when every syncing shop said within UNLISTED_FOR that it does not list it: the level is
  reported as `unknown_sku` with one line naming the SKU and the shops, and not sent.

Nothing here is specific to a channel: a connector only reports `unknown_sku` for a SKU a shop does not
list, as the stock hook already requires.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..models import OrderPage, StockLevel, StockReport, StockResult
from ..store import Store, StoreUnavailable
from .session import Session

log = logging.getLogger("connector_core.stock")

UNLISTED_FOR = timedelta(hours=1)
"""How long a shop's "I do not list this SKU" is believed before the shop is asked again."""
UNCERTAIN = "uncertain"
"""The code of a `rejected` result whose outcome is not known (`flows.stock.NO_RESULT`): it proves nothing."""
LISTED_OUTCOMES = frozenset({"updated", "rejected"})
"""Outcomes that prove the shop knows the SKU (it applied the level, or refused it for a reason of its own)."""


@dataclass
class Routes:
    """Levels per shop to push to, and the levels no shop is sent (already reported)."""

    by_shop: dict[str, list[StockLevel]] = field(default_factory=dict)
    unsent: list[StockResult] = field(default_factory=list)


def route(
    store: Store, integration_id: str, shops: Sequence[str], levels: Sequence[StockLevel], now: datetime
) -> Routes:
    """Split `levels` over the syncing `shops` by the SKU index (see the module docstring)."""
    said = store.shops_for_skus(integration_id, [level.sku for level in levels])
    routes = Routes(by_shop={shop: [] for shop in shops})
    for level in levels:
        declined = {
            word.shop_id
            for word in said.get(level.sku, [])
            if not word.listed and now - word.seen_at < UNLISTED_FOR
        }
        targets = [shop for shop in shops if shop not in declined]
        for shop in targets:
            routes.by_shop[shop].append(level)
        if not targets:
            routes.unsent.append(
                StockResult(
                    sku=level.sku,
                    warehouse=level.warehouse,
                    outcome="unknown_sku",
                    message=f"SKU {level.sku!r} is listed by none of the shops that sync stock here "
                    f"({', '.join(shops)} each answered within the last hour that it does not list it): not "
                    "sent; list it in a shop, or name the shop (shop=...) to send it there now",
                )
            )
    routes.by_shop = {shop: found for shop, found in routes.by_shop.items() if found}
    return routes


def learn(session: Session, report: StockReport) -> None:
    """What a shop's answers say about the SKUs it lists: one write per push (none without a shop)."""
    if not session.account_id:
        return
    listed = [
        r.sku
        for r in report.results
        if r.outcome in LISTED_OUTCOMES and not (r.outcome == "rejected" and r.code == UNCERTAIN)
    ]
    unlisted = [r.sku for r in report.results if r.outcome == "unknown_sku"]
    _note(session, listed, unlisted)


def learn_from_orders(session: Session, page: OrderPage) -> None:
    """A shop that sold a SKU lists it: one write per page of orders that name SKUs."""
    if not session.account_id:
        return
    sold = {line.sku for order in page.orders for line in order.lines if line.sku}
    if sold:
        _note(session, sorted(sold), [])


def _note(session: Session, listed: list[str], unlisted: list[str]) -> None:
    """The index is a shortcut, not a record: a word lost to a store outage costs one ask of the shop later,
    so it never fails the push or the import that learned it (which already did their work)."""
    try:
        session.store.note_shop_skus(session.id, session.account_id, listed=listed, unlisted=unlisted)
    except StoreUnavailable as exc:
        log.warning(
            "integration %s shop %s: the SKU index was not updated: %s", session.id, session.account_id, exc
        )
