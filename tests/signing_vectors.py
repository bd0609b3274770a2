"""TikTok's request-signing vectors (docs/tiktok_shop/reference.md#signing-vectors), written once for every
test that checks a signer or a verifier against them: the connector's, the emulator's, the tests' own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class SigningVector:
    name: str
    secret: str
    path: str
    query: dict[str, str]
    body: bytes
    sign: str


V6_BODY = b'{"update_time_ge":1699990000,"update_time_lt":1700000000}'
V6_QUERY = {
    "app_key": "testappkey",
    "page_size": "50",
    "shop_cipher": "ROW_testcipher",
    "sort_field": "update_time",
    "sort_order": "ASC",
    "timestamp": "1700000000",
}
V8_QUERY = {
    "app_key": "testappkey",
    "page_size": "20",
    "shop_cipher": "ROW_testcipher",
    "timestamp": "1700000000",
}

VECTORS = [
    SigningVector(
        "V1-official-example",
        "e59af819cc",
        "/authorization/202309/shops",
        {"app_key": "29a39d", "timestamp": "1623812664"},
        b"",
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8",
    ),
    SigningVector(
        "V5-php-sdk",
        "app_secret",
        "/test-api",
        {"foo": "bar"},
        b"",
        "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f",
    ),
    SigningVector(
        "V6-post-with-body",
        "testsecret",
        "/order/202309/orders/search",
        V6_QUERY,
        V6_BODY,
        "dbcf883cafe95780283acff9e07452b5bb94e279facd95760e52ba113783756b",
    ),
    SigningVector(
        "V7-comma-joined-ids",
        "testsecret",
        "/order/202309/orders",
        {
            "app_key": "testappkey",
            "ids": "576461413038785752,576461413038785753",
            "shop_cipher": "ROW_testcipher",
            "timestamp": "1700000000",
        },
        b"",
        "45d39d6233afac1fc78ce8a0ef94b00ff722a2966c317878d2077f62b47161db",
    ),
    SigningVector(
        "V8-empty-object-appended",
        "testsecret",
        "/order/202309/orders/search",
        V8_QUERY,
        b"{}",
        "9197253033c012e345904be0914bf29346fa2472386c53a6e023fc53e41eb3be",
    ),
    SigningVector(
        "V8-no-body",
        "testsecret",
        "/order/202309/orders/search",
        V8_QUERY,
        b"",
        "355fd85c43f3554abd4acf0d41b9638e8d69d9c277cf55e870f9309c156cc670",
    ),
]
BY_NAME = {vector.name: vector for vector in VECTORS}

every_vector = pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
"""Parametrize a test over every vector, each named as the reference names it."""
