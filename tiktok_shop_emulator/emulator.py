"""``TikTokShopEmulator``: the Python face of the emulator (context manager, control object, test helpers)."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.server import API_ROLE, AUTH_ROLE, EmulatorHTTPServer, start_server
from tiktok_shop_emulator.state import buyers, returns, shipping
from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.state.faults import Faults
from tiktok_shop_emulator.state.notifications import Delivery
from tiktok_shop_emulator.state.ordergen import order_id
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.state.stats import Stats

log = logging.getLogger("tiktok_shop_emulator")


class TikTokShopEmulator:
    """A local TikTok Shop: an Open API host and an auth host on 127.0.0.1, plus a control object.

    ``port``/``auth_port`` 0 pick free ports. Use it as a context manager, or call ``start()``/``stop()``.
    """

    def __init__(self, config: EmulatorConfig | None = None, port: int = 0, auth_port: int = 0) -> None:
        self.config = config or EmulatorConfig()
        self._backend = Backend(self.config)
        self._ports = (port, auth_port)
        self._servers: list[tuple[EmulatorHTTPServer, threading.Thread]] = []

    # --- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> TikTokShopEmulator:
        """Bind both hosts and start serving; returns self."""
        if self._servers:
            return self
        api = start_server(self._ports[0], API_ROLE, self._backend)
        try:
            auth = start_server(self._ports[1], AUTH_ROLE, self._backend)
        except OSError:
            api[0].shutdown()
            api[0].server_close()
            raise
        self._servers = [api, auth]
        self._backend.urls.update(
            {
                "api": self.api_base_url,
                "auth": self.auth_base_url,
                "consent": self.consent_base_url,
                "control": self.control_url,
            }
        )
        self._backend.webhooks.start()
        log.info(
            "emulator serving api=%s auth=%s (%d orders, seed %d)",
            self.api_base_url,
            self.auth_base_url,
            self.config.orders,
            self.config.seed,
        )
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and the webhook worker."""
        for server, thread in self._servers:
            server.shutdown()
            server.close_connections()
            server.server_close()
            thread.join(timeout=5)
        self._servers = []
        self._backend.webhooks.stop()

    def __enter__(self) -> TikTokShopEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses and credentials ----------------------------------------------------------------------------

    def _url(self, position: int) -> str:
        if not self._servers:
            raise RuntimeError("the emulator is not running; use it as a context manager or call start()")
        return f"http://127.0.0.1:{self._servers[position][0].port}"

    @property
    def api_base_url(self) -> str:
        """The Open API host role (open-api.tiktokglobalshop.com)."""
        return self._url(0)

    @property
    def auth_base_url(self) -> str:
        """The token host role (auth.tiktok-shops.com): /api/v2/token/get and /refresh."""
        return self._url(1)

    @property
    def consent_base_url(self) -> str:
        """Where /open/authorize and /oauth/authorize live (the auth host)."""
        return self._url(1)

    @property
    def control_url(self) -> str:
        """Base of the loopback control endpoint."""
        return self.api_base_url + "/_emulator"

    @property
    def credentials(self) -> dict[str, str]:
        """The emulated app's test credentials."""
        return {
            "app_key": self.config.app_key,
            "app_secret": self.config.app_secret,
            "service_id": self.config.service_id,
        }

    # --- control objects --------------------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The emulator clock: ``now()`` (aware datetime), ``unix()``, ``advance(seconds)``."""
        return self._backend.clock

    @property
    def faults(self) -> Faults:
        return self._backend.faults

    @property
    def stats(self) -> Stats:
        return self._backend.stats

    @property
    def shops(self) -> list[dict[str, Any]]:
        """The authorized shops: id, name, region, cipher, code, warehouse_ids, how they ship..."""
        return [shop.summary() for shop in self._backend.world.shops]

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Every webhook queued so far, with its attempts and outcome."""
        return list(self._backend.webhooks.deliveries)

    # --- OAuth helpers ----------------------------------------------------------------------------------------

    def authorize(self, seller: int = 0, app: int = 0) -> str:
        """Issue an auth code as if seller ``seller`` had just consented to app ``app``."""
        if self._backend.seller_backend(seller) is None or not 0 <= app < len(self._backend.apps):
            raise KeyError(f"seller {seller} / app {app}")
        return self._backend.auth.issue_code(seller, app)

    def issue_tokens(self, seller: int = 0, app: int = 0) -> dict[str, Any]:
        """Consent plus token get in one step: the ``data`` of a token response."""
        return self._backend.auth.exchange_code(self.authorize(seller, app), app)

    def mint_authorizations(self, first: int = 1, count: int = 1, app: int = 0) -> list[dict[str, Any]]:
        """Token-get ``data`` plus ``seller`` and ``shops`` for sellers first..first+count-1 (test tooling)."""
        if first < 0 or count < 0 or first + count > self.config.sellers:
            raise KeyError(f"sellers {first}..{first + count - 1}")
        return self._backend.auth.mint(range(first, first + count), app, self._backend.describe_seller)

    def seller(self, seller: int) -> dict[str, Any]:
        """A seller's open_id, name, region and shops (id, name, region, cipher, code)."""
        if self._backend.seller_backend(seller) is None:
            raise KeyError(seller)
        return self._backend.describe_seller(seller)

    def app_credentials(self, app: int = 0) -> dict[str, str]:
        """Credentials of app ``app`` (0 is ``credentials``)."""
        spec = self._backend.apps[app]
        return {"app_key": spec.key, "app_secret": spec.secret, "service_id": spec.service_id}

    @property
    def refused_by_limits(self) -> int:
        """Calls the rate-limit profile answered with 429."""
        return self._backend.limits.refused

    def revoke_tokens(self, seller: int = 0) -> None:
        """The seller removes the app: refresh -> 36004005, API calls -> 105001."""
        owner = self._backend.seller_backend(seller)
        if owner is None:
            raise KeyError(seller)
        owner.revoke()

    def expire_refresh_tokens(self) -> None:
        """Refresh tokens expire now: refresh -> 36004001 "rt has expired"."""
        self._backend.auth.expire_refresh_tokens()

    def expire_access_tokens(self) -> None:
        """Access tokens expire now: API calls -> 105002."""
        self._backend.auth.expire_access_tokens()

    # --- world inspection -------------------------------------------------------------------------------------

    def order(self, order_id_text: str) -> dict[str, Any]:
        """The current order object, exactly as the API returns it."""
        owner = self._backend.order_owner(order_id_text)
        index = owner.space.index_of(order_id_text)
        if index is None:
            raise KeyError(order_id_text)
        return owner.book.order(index)

    def order_ids(
        self,
        status: str | None = None,
        shop_cipher: str | None = None,
        shipping_type: str | None = None,
        seller: int = 0,
    ) -> list[str]:
        """IDs of the orders of a seller (in creation order) that match every given filter."""
        backend = self._backend.seller_backend(seller)
        if backend is None:
            raise KeyError(seller)
        shop = None if shop_cipher is None else backend.shop_by_cipher(shop_cipher)
        if shop_cipher is not None and shop is None:
            raise KeyError(shop_cipher)
        result = []
        for index in range(backend.space.base, backend.space.base + backend.space.count):
            if shop is not None and index % backend.space.n_shops != shop.index:
                continue
            sk = backend.book.sketch(index)
            if (status is None or sk.status == status) and (
                shipping_type is None or sk.shipping_type == shipping_type
            ):
                result.append(order_id(index))
        return result

    def seller_skus(self, shop_cipher: str | None = None) -> list[str]:
        """Seller SKUs of one shop, or of all shops (deduplicated, sorted)."""
        shops = self._backend.world.shops if shop_cipher is None else [self._shop(shop_cipher)]
        return sorted({sku.seller_sku for shop in shops for product in shop.products for sku in product.skus})

    def products(self, shop_cipher: str) -> list[dict[str, Any]]:
        """Products of a shop: id, status and SKUs (id, seller_sku)."""
        return [
            {
                "id": p.id,
                "title": p.title,
                "status": p.status,
                "skus": [{"id": s.id, "seller_sku": s.seller_sku} for s in p.skus],
            }
            for p in self._shop(shop_cipher).products
        ]

    def delist(self, shop_cipher: str, seller_sku: str) -> None:
        """The seller takes the shop's product holding `seller_sku` down: product searches no longer find it
        and its inventory updates are refused as for a product that does not exist (other shops keep theirs)."""
        shop = self._shop(shop_cipher)
        product = next(p for p in shop.products if any(s.seller_sku == seller_sku for s in p.skus))
        self._backend.delisted.add(product.id)

    def inventory(self, sku_id: str) -> dict[str, int]:
        """Available quantity of a SKU per warehouse ID."""
        if sku_id not in self._backend.world.skus:
            raise KeyError(sku_id)
        return self._backend.inventory.available(sku_id)

    def set_order_status(self, order_id_text: str, status: str) -> dict[str, Any]:
        """Move an order to ``status`` (shipping what must be shipped), bump update_time, fire the webhook."""
        return shipping.set_status(self._backend.order_owner(order_id_text), order_id_text, status)

    # --- what buyers and TikTok do (reference.md#cancellations, #address-update, #fulfilment-type) ----------

    def request_cancellation(self, order_id_text: str) -> dict[str, Any]:
        """The buyer asks to cancel: a pending request with a deadline (accepted at once while ON_HOLD)."""
        return buyers.request_cancellation(self._backend, order_id_text)

    def change_address(self, order_id_text: str, street: str = "1 Changed Street") -> dict[str, Any]:
        """The buyer changes the ship-to address before shipment (webhook 3 follows)."""
        return buyers.change_address(self._backend, order_id_text, street)

    def fulfil_by_tiktok(self, order_id_text: str) -> dict[str, Any]:
        """Turn the order into an FBT order (TikTok's warehouse ships it)."""
        return buyers.fulfil_by_tiktok(self._backend, order_id_text)

    def cancellations(self, order_id_text: str) -> list[dict[str, Any]]:
        """The order's cancellation records, as Search Cancellations returns them."""
        return [dict(r) for r in self._backend.cancellations.of_order(order_id_text)]

    def open_return(self, order_id_text: str, return_type: str = "RETURN_AND_REFUND") -> dict[str, Any]:
        """The buyer asks for a refund (REFUND), a return (RETURN_AND_REFUND) or a REPLACEMENT."""
        return returns.open_return(self._backend, order_id_text, return_type)

    def ship_return(
        self, return_id: str, tracking: str = "RET-0001", carrier: str = "Royal Mail"
    ) -> dict[str, Any]:
        """The buyer sends the item back with this tracking (the return must be approved)."""
        return returns.buyer_ships(self._backend, return_id, tracking, carrier)

    def returns(self, order_id_text: str) -> list[dict[str, Any]]:
        """The order's return records, as Search Returns returns them."""
        return [dict(r) for r in self._backend.returns.all() if r["order_id"] == order_id_text]

    def deactivate(self, shop_id: str, seller: bool = False) -> None:
        """The shop (or its whole seller account) becomes inactive: the gateway refuses its calls with HTTP
        401 and 36009043 (shop) or 36009044 (seller), as TikTok does from 2026-07-20."""
        code = (36009044, "The seller is inactive.") if seller else (36009043, "The shop is inactive.")
        self._backend.inactive[shop_id] = code

    def idempotency_keys(self) -> list[tuple[str, str]]:
        """(call, idempotency_key) of every after-sales write that carried a key, first use only."""
        return [(name, key) for (_, name, key) in self._backend.cancellations.replies]

    def applied_idempotency_keys(self) -> list[tuple[str, str]]:
        """(call, idempotency_key) of every after-sales write TikTok applied (its first answer was not an
        error): what a seller's decision changed."""
        replies = self._backend.cancellations.replies
        return [(name, key) for (_, name, key), reply in replies.items() if reply["error"] is None]

    def freeze_order(self, order_id_text: str, frozen: bool = True) -> None:
        """Put the order's package in freeze status (a risk hold): label and split calls answer 10007014."""
        if self._backend.space.index_of(order_id_text) is None:
            raise KeyError(order_id_text)
        self._backend.labels.freeze(order_id_text, frozen)

    def _shop(self, cipher: str) -> Any:
        shop = self._backend.shop_by_cipher(cipher)
        if shop is None:
            raise KeyError(cipher)
        return shop
