"""The TikTok Shop connector's contract suite: the kit's `ConnectorContract`, plus what only TikTok knows.

Replay (the default) needs nothing but the cassettes in cassettes/tiktok_shop/. Recording:

    pytest tests/contract --channel-record-mode=rewrite                         # against the local emulator
    pytest tests/contract --channel-record-mode=rewrite --channel-target=live   # against TikTok (env below)

Recording against the emulator pins its world (seed, order count, start time) and stops its clock, so a
re-recording differs from the committed cassettes only where the data did. The live target reads the
environment variables documented in docs/contract-testing.md (`LIVE_ENV`). That world, the live target
and the webhook signature are in tiktok_world.py; this module is the suite itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr
from tiktok_world import (
    API_ALIAS,
    AUTH_ALIAS,
    CARRIER,
    CASSETTES,
    SHOP_REGION,
    STOCK_QUANTITIES,
    TRACKING_NUMBER,
    LiveTikTok,
    emulator_config,
    query_params,
    stop_clock,
    tiktok_webhook_signature,
)

from connector_core import (
    Account,
    Integration,
    OrderIntercepted,
    OrderWindow,
    Shipment,
    ShipmentParcel,
    StockLevel,
    TokenSet,
)
from connector_core.testing import ConnectorContract
from connectors.tiktok_shop.devtools import emulator_form
from connectors.tiktok_shop.statuses import DEFAULT_STATUS_MAP
from tiktok_shop_emulator import TikTokShopEmulator
from tiktok_shop_emulator.config import DEFAULT_APP_KEY, DEFAULT_APP_SECRET


class TestTikTokShopContract(ConnectorContract):
    connector_id = "tiktok_shop"
    cassette_dir = CASSETTES
    settings: ClassVar[Mapping[str, Any]] = {"stock_sync": True, "import_unpaid_orders": True}
    expected_channel_statuses = frozenset(DEFAULT_STATUS_MAP)
    unknown_order_id = "576999999999999999"
    response_secret_fields = ("cipher",)  # the shop cipher addresses a shop on every call: kept out too
    volatile_response_fields = ("request_id",)
    volatile_headers = ("X-Tt-Logid",)
    token_patterns: ClassVar[Mapping[str, str]] = {
        "a TikTok token, auth code or shop cipher (ROW_/TTP_ prefix)": r"\b(?:ROW|TTP)_[A-Za-z0-9_-]{24,}",
    }
    emulator_overrides: ClassVar[dict[str, Any]] = {}
    """Changes to the recorded world (the re-record test changes one datum through it)."""

    # --- the channel ---------------------------------------------------------------------------------------

    def open_channel(self, target: str) -> Any:
        if target == "live":
            return nullcontext(LiveTikTok.from_environment())
        return self._emulator()

    @contextmanager
    def _emulator(self) -> Iterator[TikTokShopEmulator]:
        with TikTokShopEmulator(emulator_config(**self.emulator_overrides)) as emu:
            stop_clock(emu)
            yield emu

    def credentials(self, channel: Any, target: str) -> Mapping[str, Any]:
        if isinstance(channel, LiveTikTok):
            creds = {
                "environment": "production",
                "region": channel.env.get("TIKTOK_SHOP_REGION", "non_us"),
                "app_key": channel.env["TIKTOK_SHOP_APP_KEY"],
                "app_secret": channel.env["TIKTOK_SHOP_APP_SECRET"],
            }
            optional = {
                "service_id": "TIKTOK_SHOP_SERVICE_ID",
                "base_url": "TIKTOK_SHOP_BASE_URL",
                "auth_base_url": "TIKTOK_SHOP_AUTH_BASE_URL",
            }
            creds.update(
                {field: channel.env[name] for field, name in optional.items() if channel.env.get(name)}
            )
            return creds
        emu: TikTokShopEmulator = channel
        return emulator_form(emu)

    def replay_credentials(self) -> Mapping[str, Any]:
        return {
            "environment": "production",
            "region": "non_us",
            "app_key": "replayappkey",
            "app_secret": "replay-app-secret",
            "service_id": "7000000000000000000",
            "base_url": API_ALIAS,
            "auth_base_url": AUTH_ALIAS,
            "authorize_url": AUTH_ALIAS + "/open/authorize",
        }

    def host_aliases(self, channel: Any) -> Mapping[str, str]:
        if isinstance(channel, TikTokShopEmulator):
            return {channel.api_base_url: API_ALIAS, channel.auth_base_url: AUTH_ALIAS}
        return {}

    def recording_secrets(self, channel: Any) -> Mapping[str, str]:
        if isinstance(channel, LiveTikTok):
            return {
                channel.env[name]: f"environment variable {name}"
                for name in ("TIKTOK_SHOP_ACCESS_TOKEN", "TIKTOK_SHOP_REFRESH_TOKEN", "TIKTOK_SHOP_AUTH_CODE")
                if channel.env.get(name)
            }
        return {}

    def known_secrets(self) -> Mapping[str, str]:
        # Public (they only open the loopback emulator), yet a cassette holding them shows a filter gap.
        return {DEFAULT_APP_SECRET: "emulator app secret", DEFAULT_APP_KEY: "emulator app key"}

    def recording_time(self, channel: Any, target: str) -> int:
        if isinstance(channel, TikTokShopEmulator):
            return channel.clock.unix()
        return int(time.time())

    # --- connect -------------------------------------------------------------------------------------------

    def issue_tokens(self, channel: Any) -> TokenSet:
        if isinstance(channel, LiveTikTok):
            now = int(time.time())
            access_expiry = int(channel.env.get("TIKTOK_SHOP_ACCESS_TOKEN_EXPIRES_AT") or now + 3600)
            refresh_expiry = int(channel.env.get("TIKTOK_SHOP_REFRESH_TOKEN_EXPIRES_AT") or now + 30 * 86400)
            return TokenSet(
                access_token=SecretStr(channel.env["TIKTOK_SHOP_ACCESS_TOKEN"]),
                access_expires_at=datetime.fromtimestamp(access_expiry, timezone.utc),
                refresh_token=SecretStr(channel.env["TIKTOK_SHOP_REFRESH_TOKEN"]),
                refresh_expires_at=datetime.fromtimestamp(refresh_expiry, timezone.utc),
            )
        data = channel.issue_tokens()
        return TokenSet(
            access_token=SecretStr(data["access_token"]),
            access_expires_at=datetime.fromtimestamp(data["access_token_expire_in"], timezone.utc),
            refresh_token=SecretStr(data["refresh_token"]),
            refresh_expires_at=datetime.fromtimestamp(data["refresh_token_expire_in"], timezone.utc),
            scopes=list(data.get("granted_scopes") or []),
        )

    def seller_consent(self, channel: Any, authorization_url: str) -> Mapping[str, str]:
        state = query_params(authorization_url).get("state", "")
        if isinstance(channel, LiveTikTok):
            code = channel.get(
                "TIKTOK_SHOP_AUTH_CODE", f"the code exchange (consent page: {authorization_url})"
            )
            return {"code": code, "state": state}
        emu: TikTokShopEmulator = channel
        return {
            "app_key": emu.config.app_key,
            "code": emu.authorize(),  # the seller approved on the consent page
            "locale": "en",
            "shop_region": emu.config.seller_base_region,
            "state": state,
        }

    def check_authorization_url(self, url: str, credentials: Mapping[str, Any]) -> None:
        query = query_params(url)
        if credentials.get("authorize_url"):
            assert url.startswith(str(credentials["authorize_url"]) + "?")
        if credentials.get("service_id"):
            assert query["service_id"] == credentials["service_id"]
        assert query["state"], "the consent URL carries the OAuth state"

    def choose_account(self, channel: Any, accounts: Sequence[Account]) -> Account:
        if isinstance(channel, LiveTikTok):
            cipher = channel.env.get("TIKTOK_SHOP_SHOP_CIPHER")
            return next((a for a in accounts if a.selector == cipher), accounts[0])
        return next(a for a in accounts if a.region == SHOP_REGION)

    # --- orders, stock, shipments, webhooks ---------------------------------------------------------------

    def order_window(self, channel: Any, now: datetime) -> tuple[datetime, datetime]:
        if isinstance(channel, LiveTikTok) and channel.env.get("TIKTOK_SHOP_ORDERS_SINCE"):
            day = date.fromisoformat(channel.env["TIKTOK_SHOP_ORDERS_SINCE"])
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), now
        return now - timedelta(days=30), now

    def stock_levels(self, channel: Any, integration: Integration) -> list[StockLevel]:
        if isinstance(channel, LiveTikTok):
            sku = channel.get("TIKTOK_SHOP_STOCK_SKU", "a stock push")
            quantity = int(channel.get("TIKTOK_SHOP_STOCK_QUANTITY", "a stock push"))
            return [StockLevel(sku=sku, quantity=quantity)]
        live = [p for p in channel.products(_cipher(integration)) if p["status"] == "ACTIVATE"]
        skus = [sku["seller_sku"] for product in live for sku in product["skus"]][: len(STOCK_QUANTITIES)]
        return [StockLevel(sku=sku, quantity=q) for sku, q in zip(skus, STOCK_QUANTITIES, strict=True)]

    def shipment(self, channel: Any, integration: Integration) -> Shipment:
        if isinstance(channel, LiveTikTok):
            order_id = channel.get("TIKTOK_SHOP_SHIP_ORDER_ID", "a shipment confirmation")
            carrier = channel.get("TIKTOK_SHOP_CARRIER", "a shipment confirmation")
            tracking = channel.get("TIKTOK_SHOP_TRACKING_NUMBER", "a shipment confirmation")
        else:
            order_id = self._awaiting_seller_shipment(channel, integration)
            carrier, tracking = CARRIER, TRACKING_NUMBER
        return Shipment(
            order_id=order_id, parcels=[ShipmentParcel(tracking_number=tracking, carrier=carrier)]
        )

    def label_boxes(self, channel: Any, integration: Integration) -> dict[str, Any]:
        if isinstance(channel, LiveTikTok):
            pytest.skip(
                "buying a TikTok Shipping label costs money: the label flow runs against the emulator only"
            )
        order_id = channel.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration), shipping_type="TIKTOK"
        )[0]
        ids = [line["id"] for line in channel.order(order_id)["line_items"]]
        return {"order_id": order_id, "boxes": [ids[:1], ids[1:]] if len(ids) > 1 else [ids]}

    def webhook_body(self, channel: Any, integration: Integration) -> bytes:
        account = integration.context().account
        assert account is not None
        if isinstance(channel, LiveTikTok):
            order_id = channel.env.get("TIKTOK_SHOP_WEBHOOK_ORDER_ID") or channel.get(
                "TIKTOK_SHOP_SHIP_ORDER_ID", "the webhook test"
            )
            status, updated, sent = "AWAITING_SHIPMENT", int(time.time()), int(time.time())
        else:
            order_id = self._awaiting_seller_shipment(channel, integration)
            order = channel.order(order_id)
            status, updated, sent = order["status"], order["update_time"], channel.clock.unix()
        payload = {  # reference.md#webhooks: what TikTok POSTs for an order status change
            "type": 1,
            "tts_notification_id": "7327112393057371001",
            "shop_id": account.id,
            "timestamp": sent,
            "data": {
                "order_id": order_id,
                "order_status": status,
                "is_on_hold_order": False,
                "update_time": updated,
            },
        }
        return json.dumps(payload, separators=(",", ":")).encode("utf-8")

    def sign_webhook(self, credentials: Mapping[str, Any], body: bytes) -> dict[str, str]:
        signature = tiktok_webhook_signature(
            str(credentials["app_key"]), str(credentials["app_secret"]), body
        )
        return {"Authorization": signature, "Content-Type": "application/json"}

    @staticmethod
    def _awaiting_seller_shipment(emu: TikTokShopEmulator, integration: Integration) -> str:
        return emu.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration), shipping_type="SELLER"
        )[0]

    # --- after the sale (TikTok-specific: emulator only, these are real decisions) ------------------------

    def _emulator_only(self, channel: Any, what: str) -> TikTokShopEmulator:
        if isinstance(channel, LiveTikTok):
            pytest.skip(f"{what} writes a real decision: it runs against the emulator only")
        assert isinstance(channel, TikTokShopEmulator)
        return channel

    def test_cancellation_decisions(self, contract: Any) -> None:
        """Search Cancellations, Get Reject Reasons, Reject and Approve Cancellation, Cancel Order."""
        integration = contract.connected()

        def requests(channel: Any) -> dict[str, str]:
            emu = self._emulator_only(channel, "the cancellation flow")
            taken = self._awaiting_seller_shipment(emu, integration)  # the shipment test's order
            waiting = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration))
            first, second, third = [order_id for order_id in waiting if order_id != taken][:3]
            return {
                "approve": first,
                "reject": second,
                "reject_id": emu.request_cancellation(second)["cancel_id"],
                "approve_id": emu.request_cancellation(first)["cancel_id"],
                "seller": third,
            }

        facts = contract.fact("cancellation_orders", requests)
        [order] = integration.get_orders([facts["approve"]]).orders
        assert order.cancellation_request is not None and order.cancellation_request.id == facts["approve_id"]
        with pytest.raises(OrderIntercepted):
            integration.confirm_shipment(
                Shipment(
                    order_id=facts["approve"],
                    parcels=[ShipmentParcel(tracking_number=TRACKING_NUMBER + "X", carrier=CARRIER)],
                )
            )
        assert integration.decide_cancellation(facts["approve"], "approve").outcome == "applied"
        reasons = integration.decision_reasons(facts["reject_id"])
        assert (
            integration.decide_cancellation(facts["reject"], "reject", reasons[0].name).outcome == "applied"
        )
        cancelled = integration.cancel_order(facts["seller"], [], "seller_cancel_reason_out_of_stock")
        assert cancelled.outcome == "applied"

    def test_returns(self, contract: Any) -> None:
        """Search Returns, Approve Return (return, then received parcel), Reject Return."""
        integration = contract.connected()

        def opened(channel: Any) -> dict[str, str]:
            emu = self._emulator_only(channel, "the returns flow")
            delivered = emu.order_ids(status="DELIVERED", shop_cipher=_cipher(integration))
            kept = emu.open_return(delivered[0], "RETURN_AND_REFUND")["return_id"]
            refused = emu.open_return(delivered[1], "REFUND")["return_id"]
            return {"return": kept, "refund": refused}

        facts = contract.fact("returns", opened)
        now = integration.clock.now()
        window = OrderWindow(since=now - timedelta(days=1), until=now + timedelta(hours=1))
        pages = integration.connector.fetch_returns(integration.context(), window, None)
        imported = {r.id for page in pages for r in page.returns}
        assert {facts["return"], facts["refund"]} <= imported
        assert integration.decide_return(facts["return"], "approve_return").outcome == "applied"
        reason = integration.decision_reasons(facts["refund"])[0].name
        assert integration.decide_return(facts["refund"], "reject", reason).outcome == "applied"

    # --- faults (emulator only) ---------------------------------------------------------------------------

    def expire_access_token(self, channel: Any) -> None:
        channel.expire_access_tokens()

    def rate_limit(self, channel: Any) -> None:
        # One call a second on the shop list: of two quick connection checks, the second hears 429 once.
        channel.faults.rate_limit(1, retry_after=1, path="^/authorization/")

    def revoke_authorization(self, channel: Any) -> None:
        channel.revoke_tokens()


def _cipher(integration: Integration) -> str:
    account = integration.context().account
    assert account is not None and account.selector, "the flow selected a shop"
    return account.selector
