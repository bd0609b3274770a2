"""Webhook subscriptions and signed, retried, non-blocking delivery (reference.md#webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from emulator_support import SAMPLES, OpenApi, Receiver

from tiktok_shop_emulator import TikTokShopEmulator, webhook_signature

HOOKS = "/event/202309/webhooks"


def _wait(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_sample_signature_vector() -> None:
    path = SAMPLES / "webhook_order_status_change.json"
    if not path.exists():
        pytest.skip("reference samples are not present")
    body = path.read_bytes().rstrip(b"\n")
    assert (
        webhook_signature("testappkey", "testsecret", body)
        == "453d711c791b425bfc9cf7c381f664bd26b1e444b68a5f72e79e201d91f6e5b3"
    )


def test_subscribe_list_and_delete(api: OpenApi, ciphers: dict[str, str], receiver: Receiver) -> None:
    body = {"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"}
    assert api.ok("PUT", HOOKS, body=body, shop=ciphers["GB"]) == {}
    listed = api.ok("GET", HOOKS, shop=ciphers["GB"])
    assert listed["total_count"] == 1 and listed["webhooks"][0]["address"] == receiver.url
    assert api.ok("GET", HOOKS, shop=ciphers["US"])["total_count"] == 0
    assert api.ok("DELETE", HOOKS, body={"event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["GB"]) == {}
    assert api.ok("DELETE", HOOKS, body={"event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["GB"]) == {}
    assert api.ok("GET", HOOKS, shop=ciphers["GB"])["total_count"] == 0


@pytest.mark.parametrize(
    "address",
    [
        "https://example.com/hook",
        "http://10.0.0.1/hook",
        "ftp://127.0.0.1/x",
        "http://127.0.0.1/" + "x" * 260,
    ],
)
def test_only_loopback_addresses_may_subscribe(api: OpenApi, ciphers: dict[str, str], address: str) -> None:
    status, code, _ = api.fails(
        "PUT", HOOKS, body={"address": address, "event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["GB"]
    )
    assert (status, code) == (400, 36009004)


def test_status_change_posts_a_signed_webhook(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str], receiver: Receiver
) -> None:
    api.ok(
        "PUT", HOOKS, body={"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["GB"]
    )
    order_id = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=ciphers["GB"], shipping_type="SELLER")[0]
    order = emu.order(order_id)
    provider = api.ok(
        "GET",
        f"/logistics/202309/delivery_options/{order['delivery_option_id']}/shipping_providers",
        shop=ciphers["GB"],
    )["shipping_providers"][0]["id"]
    api.ok(
        "POST",
        f"/fulfillment/202309/orders/{order_id}/packages",
        body={
            "order_line_item_ids": [li["id"] for li in order["line_items"]],
            "tracking_number": "RM1",
            "shipping_provider_id": provider,
        },
        shop=ciphers["GB"],
    )
    assert receiver.event.wait(5)
    headers, body = receiver.received[0]
    creds = emu.credentials
    expected = hmac.new(
        creds["app_secret"].encode(), creds["app_key"].encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["authorization"] == expected
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    shop_id = next(s["id"] for s in emu.shops if s["cipher"] == ciphers["GB"])
    assert payload["type"] == 1 and payload["shop_id"] == shop_id and payload["tts_notification_id"].isdigit()
    assert payload["data"] == {
        "order_id": order_id,
        "order_status": "AWAITING_COLLECTION",
        "is_on_hold_order": order["is_on_hold_order"],
        "update_time": emu.order(order_id)["update_time"],
    }


def test_delivery_is_retried_a_bounded_number_of_times(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str], receiver: Receiver
) -> None:
    receiver.status = 500
    api.ok(
        "PUT", HOOKS, body={"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["US"]
    )
    emu.set_order_status(emu.order_ids(status="ON_HOLD", shop_cipher=ciphers["US"])[0], "AWAITING_SHIPMENT")
    delivery = emu.webhook_deliveries[0]
    _wait(lambda: delivery.attempts == 3)  # one try plus the two configured retries
    time.sleep(0.3)
    assert delivery.attempts == 3 and not delivery.delivered and len(receiver.received) == 3


def test_a_dead_receiver_never_blocks_the_api(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str], receiver: Receiver
) -> None:
    api.ok(
        "PUT", HOOKS, body={"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"}, shop=ciphers["US"]
    )
    receiver.close()
    started = time.monotonic()
    emu.set_order_status(emu.order_ids(status="UNPAID", shop_cipher=ciphers["US"])[0], "CANCELLED")
    assert time.monotonic() - started < 0.5
    _wait(lambda: emu.webhook_deliveries[0].attempts == 3)
    assert not emu.webhook_deliveries[0].delivered


def test_revocation_notifies_deauthorization_subscribers(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str], receiver: Receiver
) -> None:
    api.ok(
        "PUT",
        HOOKS,
        body={"address": receiver.url, "event_type": "SELLER_DEAUTHORIZATION"},
        shop=ciphers["DE"],
    )
    emu.revoke_tokens()
    assert receiver.event.wait(5)
    payload = json.loads(receiver.received[0][1])
    assert payload["type"] == 6 and "deauthorized" in payload["data"]["message"]
