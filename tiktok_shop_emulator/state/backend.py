"""All the emulator's state in one object: clock, world, orders, stock, tokens, webhooks, faults and counters."""

from __future__ import annotations

import time
from typing import Any

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.state.aftersales import Cancellations
from tiktok_shop_emulator.state.faults import Faults
from tiktok_shop_emulator.state.grants import AuthState
from tiktok_shop_emulator.state.label_docs import DocumentUrls
from tiktok_shop_emulator.state.labels import LabelState
from tiktok_shop_emulator.state.notifications import Webhooks
from tiktok_shop_emulator.state.orderbook import OrderBook
from tiktok_shop_emulator.state.ordergen import OrderSpace
from tiktok_shop_emulator.state.ordersearch import OrderSearch
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.state.stats import Stats
from tiktok_shop_emulator.state.stock import Inventory
from tiktok_shop_emulator.state.world import Shop, World


class Backend:
    """Shared by both HTTP servers and the Python control object; every part is thread-safe."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        start = int(time.time()) if config.start_time is None else int(config.start_time)
        self.clock = Clock(start)
        self.world = World(config.seed, config.products_per_shop, start, config.skus_per_product)
        self.space = OrderSpace(self.world, config.seed, config.orders, start, config.history_seconds)
        self.book = OrderBook(self.space, self.clock)
        self.search = OrderSearch(self.book)
        self.inventory = Inventory(self.world, config.seed)
        self.auth = AuthState(config, self.clock)
        self.webhooks = Webhooks(config, self.clock)
        self.faults = Faults(config.seed)
        self.stats = Stats()
        self.urls: dict[str, str] = {}
        self.labels = LabelState()
        self.cancellations = Cancellations()
        self.label_docs = DocumentUrls(config.seed)
        self.book.add_status_listener(self._publish_status_change)

    def shop_by_cipher(self, cipher: str) -> Shop | None:
        return self.world.by_cipher.get(cipher)

    def _publish_status_change(self, shop: Shop, order: dict[str, Any], previous: str) -> None:
        self.webhooks.publish(
            shop.id,
            "ORDER_STATUS_CHANGE",
            {
                "order_id": order["id"],
                "order_status": order["status"],
                "is_on_hold_order": order["is_on_hold_order"],
                "update_time": order["update_time"],
            },
        )

    def revoke(self) -> None:
        """The seller deauthorizes the app: tokens die and subscribers hear SELLER_DEAUTHORIZATION."""
        self.auth.revoke_all()
        for shop in self.world.shops:
            self.webhooks.publish(
                shop.id,
                "SELLER_DEAUTHORIZATION",
                {"message": f"Shop_id {shop.id} is deauthorized from your APP by merchant."},
            )
