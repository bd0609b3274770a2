"""Stock per (SKU, warehouse): seeded at start, changed by inventory updates, read by search and detail calls."""

from __future__ import annotations

import threading

from tiktok_shop_emulator.state.mixing import seeded
from tiktok_shop_emulator.state.world import World


class Inventory:
    """Thread-safe available and committed quantities of every SKU in every sales warehouse of its shop."""

    def __init__(self, world: World, seed: int) -> None:
        self._lock = threading.Lock()
        self._available: dict[tuple[str, str], int] = {}
        self._committed: dict[tuple[str, str], int] = {}
        rng = seeded(seed, 0x494E56)
        for shop in world.shops:
            for product in shop.products:
                for sku in product.skus:
                    for warehouse in shop.sales_warehouses:
                        self._available[(sku.id, warehouse.id)] = rng.randint(0, 250)
                        self._committed[(sku.id, warehouse.id)] = rng.randint(0, 5)
        self._warehouses: dict[str, list[str]] = {}
        for sku_id, warehouse_id in self._available:
            self._warehouses.setdefault(sku_id, []).append(warehouse_id)

    def warehouses_of(self, sku_id: str) -> list[str]:
        return list(self._warehouses.get(sku_id, []))

    def available(self, sku_id: str) -> dict[str, int]:
        """Available quantity per warehouse ID."""
        with self._lock:
            return {w: self._available[(sku_id, w)] for w in self._warehouses.get(sku_id, [])}

    def committed(self, sku_id: str) -> dict[str, int]:
        """Committed (sold, not yet shipped) quantity per warehouse ID."""
        with self._lock:
            return {w: self._committed[(sku_id, w)] for w in self._warehouses.get(sku_id, [])}

    def set_many(self, updates: list[tuple[str, str, int]]) -> None:
        """Apply (sku_id, warehouse_id, quantity) triples atomically."""
        with self._lock:
            for sku_id, warehouse_id, quantity in updates:
                self._available[(sku_id, warehouse_id)] = quantity
