"""Webhook subscriptions (GET/PUT/DELETE /event/202309/webhooks) and signed delivery in a background thread.

Payloads use the envelope of reference.md#webhooks; the ``Authorization`` header is
hex(HMAC-SHA256(key=app_secret, msg=app_key + raw_body)) (reference.md#webhook-signature). Only loopback may subscribe, so the
emulator never calls out of the machine. Failed deliveries are retried on the configured schedule, then given up.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import itertools
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.envelope import encode

log = logging.getLogger("tiktok_shop_emulator")

EVENT_TYPES = {
    "ORDER_STATUS_CHANGE": 1,
    "REVERSE_STATUS_UPDATE": 2,
    "RECIPIENT_ADDRESS_UPDATE": 3,
    "PACKAGE_UPDATE": 4,
    "PRODUCT_STATUS_CHANGE": 5,
    "SELLER_DEAUTHORIZATION": 6,
    "UPCOMING_AUTHORIZATION_EXPIRATION": 7,
    "CANCELLATION_STATUS_CHANGE": 11,
    "RETURN_STATUS_CHANGE": 12,
    "PRODUCT_INFORMATION_CHANGE": 15,
    "PRODUCT_CREATION": 16,
}
NOTIFICATION_ID_BASE = 7327112393057371000


def webhook_signature(app_key: str, app_secret: str, body: bytes) -> str:
    """The ``Authorization`` header value TikTok sends with a webhook."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def is_loopback_url(address: str) -> bool:
    """http(s) URL on 127.0.0.0/8, ::1 or localhost."""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


@dataclass
class Delivery:
    """One webhook and what became of it."""

    event_type: str
    address: str
    body: bytes
    signature: str
    attempts: int = 0
    status: int | None = None
    delivered: bool = False
    error: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


class Webhooks:
    """Per-shop subscriptions and the delivery worker."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._apps = config.app_specs()
        # shop id -> (app number, event type) -> subscription: each app subscribes for itself.
        self._subs: dict[str, dict[tuple[int, str], dict[str, Any]]] = {}
        self._queue: queue.PriorityQueue[tuple[float, int, Delivery | None]] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._notification = itertools.count(1)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.deliveries: list[Delivery] = []

    # --- subscriptions ----------------------------------------------------------------------------------------

    def subscribe(self, shop_id: str, event_type: str, address: str, app: int = 0) -> None:
        if event_type not in EVENT_TYPES:
            raise error_codes.invalid_param(f"Unknown `event_type` {event_type!r}.")
        if not isinstance(address, str) or not address or len(address) > 255:
            raise error_codes.invalid_param("`address` must be a URL of at most 255 characters.")
        if not is_loopback_url(address):
            raise error_codes.invalid_param(
                "`address` must be a loopback URL (127.0.0.1, ::1 or localhost) in the emulator."
            )
        now = self.clock.unix()
        with self._lock:
            shop = self._subs.setdefault(shop_id, {})
            created = shop.get((app, event_type), {}).get("create_time", now)
            shop[(app, event_type)] = {
                "event_type": event_type,
                "address": address,
                "create_time": created,
                "update_time": now,
            }

    def unsubscribe(self, shop_id: str, event_type: str, app: int = 0) -> None:
        with self._lock:
            self._subs.get(shop_id, {}).pop((app, event_type), None)

    def subscriptions(self, shop_id: str, app: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(item) for (owner, _), item in self._subs.get(shop_id, {}).items() if owner == app]

    # --- publishing -------------------------------------------------------------------------------------------

    def publish(self, shop_id: str, event_type: str, data: dict[str, Any]) -> None:
        """Queue an event for each app subscribed to it on the shop; never blocks on the network."""
        with self._lock:
            subs = [
                (app, sub) for (app, kind), sub in self._subs.get(shop_id, {}).items() if kind == event_type
            ]
        for app, sub in subs:
            self._publish_to(app, sub, shop_id, event_type, data)

    def _publish_to(
        self, app: int, sub: dict[str, Any], shop_id: str, event_type: str, data: dict[str, Any]
    ) -> None:
        payload = {
            "type": EVENT_TYPES[event_type],
            "tts_notification_id": str(NOTIFICATION_ID_BASE + next(self._notification)),
            "shop_id": shop_id,
            "timestamp": self.clock.unix(),
            "data": data,
        }
        body = encode(payload)
        delivery = Delivery(
            event_type,
            sub["address"],
            body,
            webhook_signature(self._apps[app].key, self._apps[app].secret, body),
            payload=payload,
        )
        with self._lock:
            self.deliveries.append(delivery)
        self._queue.put((time.monotonic(), next(self._seq), delivery))

    # --- worker ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tiktok-emulator-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._queue.put((0.0, -1, None))
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            due, seq, delivery = self._queue.get()
            if delivery is None:
                return
            wait = due - time.monotonic()
            if wait > 0:
                self._queue.put((due, seq, delivery))
                self._stop.wait(min(wait, 0.05))
                continue
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        delivery.attempts += 1
        # The address was checked to be an http(s) loopback URL when it was subscribed.
        request = urllib.request.Request(  # noqa: S310
            delivery.address,
            data=delivery.body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": delivery.signature},
        )
        try:
            with self._opener.open(request, timeout=self.config.webhook_timeout) as answer:
                delivery.status = answer.status
        except urllib.error.HTTPError as exc:
            delivery.status, delivery.error = exc.code, f"HTTP {exc.code}"
        except OSError as exc:
            delivery.error = type(exc).__name__
        delivery.delivered = delivery.status is not None and 200 <= delivery.status < 300
        log.info(
            "webhook %s attempt %d -> %s",
            delivery.event_type,
            delivery.attempts,
            delivery.status or delivery.error,
        )
        retries = self.config.webhook_retry_delays
        if not delivery.delivered and delivery.attempts <= len(retries):
            self._queue.put((time.monotonic() + retries[delivery.attempts - 1], next(self._seq), delivery))
