"""All the emulator's state: clock, tokens, webhooks, faults, limits and counters shared by every seller, and
per seller its world, orders, stock and labels (one ``Backend`` per seller, the first one owning the shared
parts; the others are built from the seed when a call first names them)."""

from __future__ import annotations

import threading
import time
from typing import Any

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.state import sellers
from tiktok_shop_emulator.state.aftersales import Cancellations
from tiktok_shop_emulator.state.faults import Faults
from tiktok_shop_emulator.state.grants import AuthState
from tiktok_shop_emulator.state.label_docs import DocumentUrls
from tiktok_shop_emulator.state.labels import LabelState
from tiktok_shop_emulator.state.limits import ApiLimits
from tiktok_shop_emulator.state.mixing import mix64
from tiktok_shop_emulator.state.notifications import Webhooks
from tiktok_shop_emulator.state.orderbook import OrderBook
from tiktok_shop_emulator.state.ordergen import ORDER_ID_BASE, PACKAGE_ID_BASE, PACKAGE_SLOTS, OrderSpace
from tiktok_shop_emulator.state.ordersearch import OrderSearch
from tiktok_shop_emulator.state.returns import Returns
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.state.stats import Stats
from tiktok_shop_emulator.state.stock import Inventory
from tiktok_shop_emulator.state.world import Shop, World


class Backend:
    """Shared by both HTTP servers and the Python control object; every part is thread-safe."""

    def __init__(self, config: EmulatorConfig, seller: int = 0, shared: Backend | None = None) -> None:
        self.config = config
        self.seller = seller
        if shared is None:
            self.start = int(time.time()) if config.start_time is None else int(config.start_time)
            self.clock = Clock(self.start)
            self.auth = AuthState(config, self.clock)
            self.webhooks = Webhooks(config, self.clock)
            self.faults = Faults(config.seed)
            self.limits = ApiLimits(config, self.clock)
            self.stats = Stats()
            self.urls: dict[str, str] = {}
            self.inactive: dict[str, tuple[int, str]] = {}
            self.deauthorized: set[str] = set()
            self.label_docs = DocumentUrls(config.seed)
            self.apps = config.app_specs()
            self.app_numbers = {app.key: number for number, app in enumerate(self.apps)}
            self._sellers: dict[int, Backend] = {0: self}
            self._sellers_lock = threading.Lock()
        else:
            self.start, self.clock, self.auth, self.webhooks = (
                shared.start,
                shared.clock,
                shared.auth,
                shared.webhooks,
            )
            self.faults, self.limits, self.stats, self.urls = (
                shared.faults,
                shared.limits,
                shared.stats,
                shared.urls,
            )
            self.label_docs, self.apps, self.app_numbers = shared.label_docs, shared.apps, shared.app_numbers
            self._sellers, self._sellers_lock = shared._sellers, shared._sellers_lock
            self.inactive, self.deauthorized = shared.inactive, shared.deauthorized
        seed = config.seed if seller == 0 else mix64(config.seed ^ (seller << 20))
        layout = sellers.layout(config.seed, seller)
        self.world = World(config.seed, config.products_per_shop, self.start, config.skus_per_product, layout)
        self.delisted: set[str] = set()
        """Product ids a seller took down (`TikTokShopEmulator.delist`): searches skip them, updates fail."""
        self.space = OrderSpace(
            self.world,
            seed,
            config.orders_of(seller),
            self.start,
            config.history_seconds,
            seller * sellers.ORDER_STRIDE,
        )
        self.book = OrderBook(self.space, self.clock)
        self.search = OrderSearch(self.book)
        self.inventory = Inventory(self.world, seed)
        self.labels = LabelState()
        self.cancellations = Cancellations()
        self.returns = Returns()
        self.book.add_status_listener(self._publish_status_change)

    # --- sellers --------------------------------------------------------------------------------------------

    def seller_backend(self, seller: int) -> Backend | None:
        """The state of seller ``seller`` (built on first use), or None when there is no such seller."""
        if not 0 <= seller < self.config.sellers:
            return None
        found = self._sellers.get(seller)
        if found is not None:
            return found
        with self._sellers_lock:
            found = self._sellers.get(seller)
            if found is None:
                found = self._sellers[seller] = Backend(self.config, seller, self._sellers[0])
            return found

    def locate(self, cipher: str) -> tuple[Backend, Shop] | None:
        """The seller and shop a cipher names, or None."""
        first = self._sellers[0]
        shop = first.world.by_cipher.get(cipher)
        if shop is not None:
            return first, shop
        number = sellers.shop_number_of(cipher)
        if number is None:
            return None
        owner = self.seller_backend(number // sellers.SHOPS_PER_SELLER)
        if owner is None or owner.seller == 0:
            return None
        shop = owner.world.by_cipher.get(cipher)
        return None if shop is None else (owner, shop)

    def order_owner(self, order_id_text: str) -> Backend:
        """The seller whose order (or package) ID this is; the first seller for what is no one's."""
        number = int(order_id_text) - ORDER_ID_BASE if order_id_text.isdigit() else -1
        owner = self.seller_backend(number // sellers.ORDER_STRIDE) if number >= 0 else None
        return owner or self._sellers[0]

    def package_owner(self, package_id_text: str) -> Backend:
        """The seller whose package ID this is (package IDs follow their order's index); the first seller
        for what is no one's."""
        if not package_id_text.isdigit() or int(package_id_text) < PACKAGE_ID_BASE:
            return self._sellers[0]
        index = (int(package_id_text) - PACKAGE_ID_BASE) // PACKAGE_SLOTS
        return self.seller_backend(index // sellers.ORDER_STRIDE) or self._sellers[0]

    def shop_by_cipher(self, cipher: str) -> Shop | None:
        """A shop of this seller."""
        return self.world.by_cipher.get(cipher)

    def describe_seller(self, seller: int) -> dict[str, Any]:
        """A seller's profile and shops, computed from the seed without building the seller."""
        person = self.auth.seller(seller)
        return {
            "seller": seller,
            "open_id": person.open_id,
            "seller_name": person.name,
            "seller_base_region": person.base_region,
            "shops": [
                sellers.brief(spec, self.config.seed) for spec in sellers.layout(self.config.seed, seller)
            ],
        }

    # --- events ---------------------------------------------------------------------------------------------

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
        """This seller deauthorizes the app: tokens die and subscribers hear SELLER_DEAUTHORIZATION."""
        self.auth.revoke_all(self.seller)
        for shop in self.world.shops:
            self.webhooks.publish(
                shop.id,
                "SELLER_DEAUTHORIZATION",
                {"message": f"Shop_id {shop.id} is deauthorized from your APP by merchant."},
            )
