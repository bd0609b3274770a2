"""A client written from the wire reference alone, doing what the PHP and Node.js SDKs do, against the emulator.

It shares nothing with the connector or the other emulator tests: standard-library HTTP, its own signing (reference.md#signing),
PHP's `json_encode([])` body for an empty filter, the Node SDK's `grant_type=authorized_code` on refresh, and
newer version paths. If the emulator agrees only with this project's own connector, these calls find out.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


class ReferenceClient:
    """The smallest client reference.md#signing and #oauth-consent describe: signed queries, token header, JSON envelopes."""

    def __init__(self, api_host: str, auth_host: str, app_key: str, app_secret: str) -> None:
        self.api_host, self.auth_host = api_host, auth_host
        self.app_key, self.app_secret = app_key, app_secret
        self.access_token = ""
        self.refresh_token = ""

    def _sign(self, path: str, params: dict[str, str], body: bytes) -> str:
        # secret + path + each sorted key+value (without sign and access_token) + body + secret, HMAC-SHA256.
        joined = "".join(k + params[k] for k in sorted(params) if k not in ("sign", "access_token"))
        message = self.app_secret + path + joined + body.decode("utf-8") + self.app_secret
        return hmac.new(self.app_secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _send(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
        """One request straight to the host (no proxy), the JSON envelope whatever the HTTP status."""
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        try:
            connection.request(method, f"{parts.path}?{parts.query}", body=body, headers=headers)
            document: dict[str, Any] = json.loads(connection.getresponse().read())
        finally:
            connection.close()
        return document

    def token(self, resource: str, **params: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"app_key": self.app_key, "app_secret": self.app_secret, **params})
        document = self._send("GET", f"{self.auth_host}/api/v2/token/{resource}?{query}", None, {})
        if document["code"] == 0:
            self.access_token = document["data"]["access_token"]
            self.refresh_token = document["data"]["refresh_token"]
        return document

    def call(
        self, method: str, path: str, *, shop_cipher: str | None = None, body: bytes = b"", **query: str
    ) -> dict[str, Any]:
        params = {**query, "app_key": self.app_key, "timestamp": str(int(time.time()))}
        if shop_cipher is not None:
            params["shop_cipher"] = shop_cipher
        params["sign"] = self._sign(path, params, body)
        headers = {"Content-Type": "application/json", "x-tts-access-token": self.access_token}
        url = f"{self.api_host}{path}?{urllib.parse.urlencode(params)}"
        return self._send(method, url, body if method != "GET" else None, headers)


def php_json_encode(value: Any) -> bytes:
    """PHP encodes an empty array as `[]`, whether it was meant as a list or as a map: the SDK's empty filter."""
    return b"[]" if value in ({}, []) else json.dumps(value, separators=(",", ":")).encode()


@pytest.fixture
def started() -> Iterator[tuple[TikTokShopEmulator, ReferenceClient]]:
    # Real time: this client signs with its own clock, as a client outside the test suite would.
    with TikTokShopEmulator(EmulatorConfig(orders=200, seed=11, auto_approve=True)) as emu:
        creds = emu.credentials
        client = ReferenceClient(emu.api_base_url, emu.auth_base_url, creds["app_key"], creds["app_secret"])
        yield emu, client


def test_an_sdk_style_session_from_consent_to_newer_versions(
    started: tuple[TikTokShopEmulator, ReferenceClient],
) -> None:
    emu, client = started
    assert client.token("get", auth_code=emu.authorize(), grant_type="authorized_code")["code"] == 0
    first_access = client.access_token

    # The Node.js SDK sends the token-get grant type on refresh too.
    refreshed = client.token("refresh", refresh_token=client.refresh_token, grant_type="authorized_code")
    assert refreshed["code"] == 0, refreshed
    assert client.access_token and first_access

    shops = client.call("GET", "/authorization/202309/shops")
    assert shops["code"] == 0, shops
    cipher = shops["data"]["shops"][0]["cipher"]

    orders = client.call(
        "POST", "/order/202309/orders/search", shop_cipher=cipher, body=php_json_encode({}), page_size="50"
    )
    assert orders["code"] == 0, orders
    ids = [order["id"] for order in orders["data"]["orders"]]
    assert ids

    detail = client.call("GET", "/order/202507/orders", shop_cipher=cipher, ids=",".join(ids[:10]))
    assert detail["code"] == 0, detail
    assert [o["id"] for o in detail["data"]["orders"]] == ids[:10]
    assert all("payment_method_code" in o for o in detail["data"]["orders"])

    products = client.call(
        "POST",
        "/product/202502/products/search",
        shop_cipher=cipher,
        body=php_json_encode([]),
        page_size="20",
    )
    assert products["code"] == 0, products
    assert all("product_families" in p for p in products["data"]["products"])

    stock = client.call("POST", "/product/202309/inventory/search", shop_cipher=cipher, body=b"[]")
    assert stock["code"] == 0, stock
    assert stock["data"]["inventory"]


def test_a_wrong_secret_is_still_refused_for_this_client(
    started: tuple[TikTokShopEmulator, ReferenceClient],
) -> None:
    emu, client = started
    client.token("get", auth_code=emu.authorize(), grant_type="authorized_code")
    client.app_secret = "not-the-secret"
    refused = client.call("GET", "/authorization/202309/shops")
    assert refused["code"] == 106001


def _signed_pairs(client: ReferenceClient, path: str, pairs: list[tuple[str, str]], joined: str) -> str:
    message = client.app_secret + path + joined + client.app_secret
    signature = hmac.new(client.app_secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urllib.parse.urlencode([*pairs, ("sign", signature)])


@pytest.mark.parametrize("reading", ["each pair", "comma joined"])
def test_an_id_given_several_times_is_signed_and_read_as_the_gateway_plausibly_does(
    started: tuple[TikTokShopEmulator, ReferenceClient], reading: str
) -> None:
    # One independent client sends order-detail ids as `ids=a&ids=b`; the reference does not say how the
    # gateway signs a repeated key, so each plausible reading is accepted and every id is read.
    emu, client = started
    client.token("get", auth_code=emu.authorize(), grant_type="authorized_code")
    cipher = client.call("GET", "/authorization/202309/shops")["data"]["shops"][0]["cipher"]
    ids = emu.order_ids(shop_cipher=cipher)[:2]
    path = "/order/202309/orders"
    base = [("app_key", client.app_key), ("shop_cipher", cipher), ("timestamp", str(int(time.time())))]
    pairs = [*base, ("ids", ids[0]), ("ids", ids[1])]
    by_key = sorted(pairs, key=lambda kv: kv[0])
    joined = (
        "".join(k + v for k, v in by_key)
        if reading == "each pair"
        else "".join(k + v for k, v in sorted([*base, ("ids", ",".join(ids))]))
    )
    headers = {"Content-Type": "application/json", "x-tts-access-token": client.access_token}

    answer = client._send(
        "GET", f"{client.api_host}{path}?{_signed_pairs(client, path, pairs, joined)}", None, headers
    )

    assert answer["code"] == 0, answer
    assert [o["id"] for o in answer["data"]["orders"]] == ids
    forged = client._send(
        "GET", f"{client.api_host}{path}?{_signed_pairs(client, path, pairs, joined + 'x')}", None, headers
    )
    assert forged["code"] == 106001


def test_the_202610_mark_shipped_shape_one_generated_client_sends_is_served(
    started: tuple[TikTokShopEmulator, ReferenceClient],
) -> None:
    emu, client = started
    client.token("get", auth_code=emu.authorize(), grant_type="authorized_code")
    shop = next(s for s in emu.shops if s["region"] == "US")
    order_id = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=shop["cipher"], shipping_type="SELLER")[
        0
    ]
    order = emu.order(order_id)

    option = order["delivery_option_id"]
    providers = client.call(
        "GET", f"/logistics/202309/delivery_options/{option}/shipping_providers", shop_cipher=shop["cipher"]
    )["data"]["shipping_providers"]
    body = {
        "order_line_list": [{"order_line_item_id": line["id"]} for line in order["line_items"]],
        "tracking_number": "GEN202610",
        "shipping_provider_id": providers[0]["id"],
    }
    shipped = client.call(
        "POST",
        f"/fulfillment/202610/orders/{order_id}/packages",
        shop_cipher=shop["cipher"],
        body=json.dumps(body, separators=(",", ":")).encode(),
    )

    assert shipped["code"] == 0, shipped
    assert {li["tracking_number"] for li in emu.order(order_id)["line_items"]} == {"GEN202610"}
