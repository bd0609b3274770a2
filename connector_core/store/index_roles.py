"""The store's indexes for paths whose cost used to grow with the connections rather than with the work.

- `find_connections`: the console's and the CLI's list, every filter (state included) one query on the
  store's own columns, one page of ids back: nothing is opened or decrypted to decide a row's state.
- `note_shop_skus` / `shops_for_skus`: which shops of a connection list a SKU, from what the channel told
  us (order lines imported from a shop, a stock level a shop confirmed or refused as unknown); a stock push
  with no shop named goes to those shops (connector_core/flows/stock_routing.py).
- `set_pull_interval` / `pull_intervals`: the core's schedule setting, per connection or per shop, kept
  apart from the connector's settings so it works whatever the connector's settings schema says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

ConnectionState = Literal["connected", "not_connected", "needs_reauthorization", "failing"]
CONNECTION_STATES: tuple[ConnectionState, ...] = (
    "connected",
    "not_connected",
    "needs_reauthorization",
    "failing",
)
CONNECTION_SCOPE = ""
"""The `shop_id` under which a connection's own pull interval is kept (every shop without its own)."""


@dataclass(frozen=True)
class ConnectionQuery:
    """Filters of the connections list, all optional; `q` and `shop` are lower-case substrings."""

    q: str = ""
    """Matches a connection's name, its id or one of its tag values."""
    connector: str | None = None
    state: ConnectionState | None = None
    shop: str | None = None
    """Matches an active shop's id or name."""
    tags: Mapping[str, str] = field(default_factory=dict)
    limit: int = 50
    offset: int = 0
    newest_first: bool = True
    """The console's order; False: oldest first, as the CLI lists them."""


@dataclass(frozen=True)
class ConnectionRow:
    """A listed connection: its id and the state its stored rows give (same rule as `facts.state_of`)."""

    id: str
    state: ConnectionState


@dataclass(frozen=True)
class ConnectionPage:
    rows: list[ConnectionRow]
    total: int
    """How many connections match the filters (every page)."""


@dataclass(frozen=True)
class ShopSku:
    """What a shop said about a SKU: it lists it (an order line, a level applied) or not (unknown there)."""

    shop_id: str
    listed: bool
    seen_at: datetime


class IndexRole(Protocol):
    def find_connections(self, query: ConnectionQuery) -> ConnectionPage:
        """Connections matching every filter, newest (or oldest) first by creation time, then id; one page. A
        connection's state: `needs_reauthorization` (flagged), else `not_connected` (no tokens), else
        `failing` (its newest run failed), else `connected`."""
        ...

    def connection_ids_of_app(self, app_id: str) -> list[str]:
        """Ids of the connections under `app_id`, oldest first, through the index on the app (an app-wide
        webhook delivery goes to each of them; no connection is read or decrypted)."""
        ...

    def note_shop_skus(
        self, integration_id: str, shop_id: str, *, listed: Iterable[str] = (), unlisted: Iterable[str] = ()
    ) -> None:
        """Remember that the shop lists `listed` and does not list `unlisted` (newest word wins)."""
        ...

    def shops_for_skus(self, integration_id: str, skus: Sequence[str]) -> dict[str, list[ShopSku]]:
        """SKU -> what each shop said about it (SKUs no shop said anything about are left out)."""
        ...

    def set_pull_interval(self, integration_id: str, shop_id: str, seconds: int | None) -> None:
        """The seconds between scheduled pulls of the shop (`CONNECTION_SCOPE`: of every shop of the
        connection without its own); None removes it. Raises UnknownIntegration."""
        ...

    def pull_intervals(self, integration_id: str) -> dict[str, int]:
        """shop id (or `CONNECTION_SCOPE`) -> seconds, for those that have one."""
        ...


MAX_SKU_LENGTH = 200
MAX_PAGE = 500
"""The most connections one `find_connections` page returns."""


def indexable(sku: object) -> bool:
    """A SKU the index can hold. One it cannot (empty, too long, a NUL) is simply not remembered: it is then
    sent to every syncing shop, as before the index, and never fails an import or a push."""
    return isinstance(sku, str) and 0 < len(sku) <= MAX_SKU_LENGTH and "\x00" not in sku


class IndexDelegate:
    """Mixed into the `Store` front (`SealedStore`): the backend's index rows, inputs checked once here."""

    _indexes: IndexRole

    def find_connections(self, query: ConnectionQuery) -> ConnectionPage:
        if query.state is not None and query.state not in CONNECTION_STATES:
            raise ValueError(f"state {query.state!r} is not one of {', '.join(CONNECTION_STATES)}")
        limit, offset = min(max(query.limit, 0), MAX_PAGE), max(query.offset, 0)
        return self._indexes.find_connections(
            ConnectionQuery(
                q=query.q,
                connector=query.connector,
                state=query.state,
                shop=query.shop,
                tags=dict(query.tags),
                limit=limit,
                offset=offset,
                newest_first=query.newest_first,
            )
        )

    def connection_ids_of_app(self, app_id: str) -> list[str]:
        return self._indexes.connection_ids_of_app(app_id)

    def note_shop_skus(
        self, integration_id: str, shop_id: str, *, listed: Iterable[str] = (), unlisted: Iterable[str] = ()
    ) -> None:
        yes = [s for s in listed if indexable(s)]
        no = [s for s in unlisted if indexable(s)]
        if shop_id and (yes or no):
            self._indexes.note_shop_skus(integration_id, shop_id, listed=yes, unlisted=no)

    def shops_for_skus(self, integration_id: str, skus: Sequence[str]) -> dict[str, list[ShopSku]]:
        wanted = [s for s in skus if indexable(s)]
        return self._indexes.shops_for_skus(integration_id, wanted) if wanted else {}

    def set_pull_interval(self, integration_id: str, shop_id: str, seconds: int | None) -> None:
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0
        ):
            raise ValueError(f"pull interval {seconds!r}: a positive whole number of seconds, or None")
        self._indexes.set_pull_interval(integration_id, shop_id, seconds)

    def pull_intervals(self, integration_id: str) -> dict[str, int]:
        return self._indexes.pull_intervals(integration_id)
