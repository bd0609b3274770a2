"""Order search without building orders: filter sketches, sort keys, and paginate with an opaque cursor.

The cursor is the sort key of the last order served, so a page after a change neither repeats nor skips the
orders that did not change. When a search has a lower time bound and no upper one, the upper bound defaults to
"now" (reference.md#orders-search); the first page pins that instant into the page token so every page sees one window.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass, replace

from tiktok_shop_emulator.state.orderbook import OrderBook
from tiktok_shop_emulator.state.ordergen import _AGE, Sketch
from tiktok_shop_emulator.wire import error_codes

MAX_AGE = max(low + span for low, span in _AGE.values())
CACHE_SIZE = 16
Key = tuple[int, int]


@dataclass(frozen=True)
class OrderQuery:
    """The filters of one search, normalised."""

    shop: int
    sort_field: str = "create_time"
    sort_order: str = "DESC"
    status: str | None = None
    shipping_type: str | None = None
    create_ge: int | None = None
    create_lt: int | None = None
    update_ge: int | None = None
    update_lt: int | None = None
    buyer_user_id: str | None = None
    warehouse_ids: tuple[str, ...] | None = None
    is_buyer_request_cancel: bool | None = None

    def fingerprint(self) -> str:
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:16]

    def pinned(self, now: int) -> OrderQuery:
        """Upper bounds defaulted to "now" where only a lower bound was given (the current second included)."""
        result = self
        if self.update_ge is not None and self.update_lt is None:
            result = replace(result, update_lt=now + 1)
        if self.create_ge is not None and self.create_lt is None:
            result = replace(result, create_lt=now + 1)
        return result


@dataclass(frozen=True)
class Page:
    """One page of results: order indices plus the paging facts."""

    indices: list[int]
    next_page_token: str
    total_count: int


class OrderSearch:
    """Runs queries over an ``OrderBook``, caching the sorted key list per (query, book version)."""

    def __init__(self, book: OrderBook) -> None:
        self.book = book
        self._cache: OrderedDict[tuple[OrderQuery, int], list[Key]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, query: OrderQuery, page_size: int, page_token: str | None, now: int) -> Page:
        """The page after ``page_token`` (the first page when it is None)."""
        fingerprint = query.fingerprint()
        if page_token:
            cursor, pinned = _decode_token(page_token, fingerprint)
            effective = replace(query, update_lt=pinned[0], create_lt=pinned[1])
        else:
            cursor, effective = None, query.pinned(now)
        keys = self._keys(effective)
        start = 0 if cursor is None else bisect.bisect_right(keys, cursor)
        chunk = keys[start : start + page_size]
        more = start + page_size < len(keys)
        token = (
            _encode_token(fingerprint, chunk[-1], (effective.update_lt, effective.create_lt)) if more else ""
        )
        descending = query.sort_order == "DESC"
        return Page([-k[1] if descending else k[1] for k in chunk], token, len(keys))

    def matching(self, query: OrderQuery, now: int) -> list[int]:
        """The order indices a search matches (its upper bounds pinned to ``now`` where missing)."""
        sign = -1 if query.sort_order == "DESC" else 1
        return [sign * key[1] for key in self._keys(query.pinned(now))]

    def _keys(self, query: OrderQuery) -> list[Key]:
        cache_key = (query, self.book.version)
        with self._lock:
            if cache_key in self._cache:
                self._cache.move_to_end(cache_key)
                return self._cache[cache_key]
        keys = sorted(self._collect(query))
        with self._lock:
            self._cache[cache_key] = keys
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return keys

    def _collect(self, query: OrderQuery) -> list[Key]:
        by_update = query.sort_field == "update_time"
        sign = -1 if query.sort_order == "DESC" else 1
        matcher = _Matcher(query, self.book)
        keys: list[Key] = []
        changed = set(self.book.changed_indices())
        for index in self._candidate_range(query):
            if index in changed:
                continue
            sk = self.book.space.sketch(index)
            if matcher.matches(sk):
                keys.append((sign * (sk.update_time if by_update else sk.create_time), sign * index))
        for index in changed:
            if index % self.book.space.n_shops != query.shop:
                continue
            sk = self.book.sketch(index)
            if matcher.matches(sk):
                keys.append((sign * (sk.update_time if by_update else sk.create_time), sign * index))
        return keys

    def _candidate_range(self, query: OrderQuery) -> range:
        """Generated orders of the shop whose generated update_time can satisfy the time filters."""
        space = self.book.space
        low, high = query.update_ge, query.update_lt
        if query.create_ge is not None:
            low = query.create_ge if low is None else max(low, query.create_ge)
        if query.create_lt is not None:
            bound = query.create_lt + MAX_AGE
            high = bound if high is None else min(high, bound)
        everything = range(space.base, space.base + space.count)
        first = space.base + (
            0 if low is None else bisect.bisect_left(everything, low, key=space.update_time_of)
        )
        stop = space.base + (
            space.count if high is None else bisect.bisect_left(everything, high, key=space.update_time_of)
        )
        first += (query.shop - first) % space.n_shops
        return range(first, stop, space.n_shops)


class _Matcher:
    def __init__(self, query: OrderQuery, book: OrderBook) -> None:
        self.q = query
        shop = book.space.world.shops[query.shop]
        ids = [w.id for w in shop.sales_warehouses]
        self.warehouses = (
            None if query.warehouse_ids is None else {ids.index(w) for w in query.warehouse_ids if w in ids}
        )

    def matches(self, sk: Sketch) -> bool:
        q = self.q
        return not (
            (q.status is not None and sk.status != q.status)
            or (q.shipping_type is not None and sk.shipping_type != q.shipping_type)
            or (q.update_ge is not None and sk.update_time < q.update_ge)
            or (q.update_lt is not None and sk.update_time >= q.update_lt)
            or (q.create_ge is not None and sk.create_time < q.create_ge)
            or (q.create_lt is not None and sk.create_time >= q.create_lt)
            or (q.buyer_user_id is not None and sk.user_id != q.buyer_user_id)
            or (self.warehouses is not None and sk.warehouse not in self.warehouses)
            or q.is_buyer_request_cancel is True  # no emulated order has a pending buyer cancellation request
        )


def _encode_token(fingerprint: str, cursor: Key, pinned: tuple[int | None, int | None]) -> str:
    raw = json.dumps({"q": fingerprint, "c": list(cursor), "p": list(pinned)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str) -> tuple[Key, tuple[int | None, int | None]]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if raw["q"] != fingerprint:
            raise ValueError("token from another query")
        cursor = (int(raw["c"][0]), int(raw["c"][1]))
        pinned = (raw["p"][0], raw["p"][1])
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise error_codes.invalid_param("The `page_token` is invalid or belongs to another query.") from exc
    return cursor, pinned
