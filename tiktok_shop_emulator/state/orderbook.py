"""The orders as they are now: generated orders plus the few that calls have changed (copy-on-write).

Only changed orders are stored. Each change replaces the stored dict with a new one, so readers can hand out
the stored object without copying; ``version`` moves on every change so cached search results go stale.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tiktok_shop_emulator.state.ordergen import GENERATED_SLOTS, PACKAGE_SLOTS, OrderSpace, Sketch, package_id
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire import error_codes

StatusListener = Callable[[Shop, dict[str, Any], str], None]


class OrderBook:
    """Thread-safe access to every order, generated or changed."""

    def __init__(self, space: OrderSpace, clock: Clock) -> None:
        self.space = space
        self.clock = clock
        self._lock = threading.RLock()
        self._changed: dict[int, dict[str, Any]] = {}
        self._next_slot: dict[int, int] = {}
        self._package_meta: dict[str, dict[str, Any]] = {}
        self._listeners: list[StatusListener] = []
        self.version = 0

    def add_status_listener(self, listener: StatusListener) -> None:
        """Called as ``listener(shop, order, previous_status)`` after any status change."""
        self._listeners.append(listener)

    # --- reading --------------------------------------------------------------------------------------------

    def changed_indices(self) -> list[int]:
        with self._lock:
            return list(self._changed)

    def is_changed(self, index: int) -> bool:
        return index in self._changed

    def order(self, index: int) -> dict[str, Any]:
        """The current order object; do not mutate it (it may be shared)."""
        stored = self._changed.get(index)
        return stored if stored is not None else self.space.build(index)

    def sketch(self, index: int) -> Sketch:
        """Searchable fields of the current state of order ``index``."""
        stored = self._changed.get(index)
        if stored is None:
            return self.space.sketch(index)
        base = self.space.sketch(index)
        return base._replace(status=stored["status"], update_time=stored["update_time"])

    def shop_of(self, index: int) -> Shop:
        return self.space.world.shops[index % self.space.n_shops]

    def find(self, shop: Shop, order_id: str) -> int:
        """The index of ``order_id`` in ``shop``; 21008111 when it is unknown or another shop's."""
        index = self.space.index_of(order_id)
        if index is None or index % self.space.n_shops != shop.index:
            raise error_codes.not_seller_resource()
        return index

    def find_package(self, shop: Shop, pkg: str) -> int:
        """The index of the order holding package ``pkg``; 21008111 when there is no such package here."""
        index = self.space.index_of_package(pkg)
        if index is None or index % self.space.n_shops != shop.index:
            raise error_codes.not_seller_resource()
        if not any(line.get("package_id") == pkg for line in self.order(index)["line_items"]):
            raise error_codes.not_seller_resource()
        return index

    def package_meta(self, pkg: str) -> dict[str, Any]:
        """Facts about a package that the order object does not carry (handover method, pickup slot)."""
        with self._lock:
            return dict(self._package_meta.get(pkg, {}))

    # --- changing ---------------------------------------------------------------------------------------------

    @contextmanager
    def change(self, index: int) -> Iterator[dict[str, Any]]:
        """Edit a private copy of the order; on success it replaces the current one, with a new update_time.

        An exception inside the block discards the copy, so a rejected call changes nothing.
        """
        with self._lock:
            draft = copy.deepcopy(self.order(index))
            previous = draft["status"]
            yield draft
            draft["update_time"] = max(self.clock.unix(), draft["update_time"])
            self._changed[index] = draft
            self.version += 1
        if draft["status"] != previous:
            for listener in self._listeners:
                listener(self.shop_of(index), draft, previous)

    def new_package_id(self, index: int, meta: dict[str, Any]) -> str:
        """Allocate the next package ID of an order (call inside ``change``)."""
        with self._lock:
            slot = self._next_slot.get(index, GENERATED_SLOTS)
            if slot >= PACKAGE_SLOTS:
                raise error_codes.invalid_param("Too many packages for one order.")
            self._next_slot[index] = slot + 1
            pkg = package_id(index, slot)
            self._package_meta[pkg] = meta
            return pkg

    def set_package_meta(self, pkg: str, **meta: Any) -> None:
        with self._lock:
            self._package_meta.setdefault(pkg, {}).update(meta)
