"""POST /webhooks/<connector>: verified, routed to the shop's integrations, de-duplicated, handed off, answered."""

from __future__ import annotations

import json
import logging
from typing import Any

from web_support import Web

from connector_core import WebhookKind
from connectors.tiktok_shop.devtools import emulator_form


def _stored_event_ids(web: Web, integration_id: str) -> bool:
    # remember_event answers False for an id it already holds: probing with a fresh id must stay True.
    return web.integrations.store.remember_event(integration_id, "probe-never-sent")


def test_a_signed_delivery_for_a_connected_shop_is_acknowledged_and_handed_to_the_sink(web: Web) -> None:
    web.connect()
    order_id = web.emu.order_ids()[3]
    body, headers = web.delivery(web.shop_ids()[0], order_id=order_id)
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "message": "received", "integrations": 1, "new_events": 1}
    [(integration_id, events)] = web.sink.events
    assert integration_id == web.integration_id
    assert [(e.kind, e.order_id) for e in events] == [(WebhookKind.ORDER_STATUS_CHANGED, order_id)]


def test_a_duplicate_delivery_is_acknowledged_but_handed_over_once(web: Web) -> None:
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0])
    for _ in range(3):
        assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    assert len(web.sink.events) == 1


def test_a_bad_signature_is_401_and_nothing_is_stored_or_handed_over(web: Web) -> None:
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0])
    tampered = body.replace(b"AWAITING_SHIPMENT", b"CANCELLED")
    for bad in (
        {"Authorization": "0" * 64},
        {},
        {"Authorization": "ü".encode() * 32},
        {"Authorization": headers["Authorization"].upper() + "00"},
    ):
        answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=bad)
        assert answer.status_code == 401, bad
    assert web.client.post("/webhooks/tiktok_shop", content=tampered, headers=headers).status_code == 401
    assert web.sink.events == []
    assert web.emu.credentials["app_secret"] not in answer.text


def test_a_delivery_for_a_shop_no_integration_serves_answers_like_a_forged_one(web: Web, caplog: Any) -> None:
    # Whether a shop id is served here is nobody's business without a secret: a signed delivery for a shop
    # nobody serves gets byte for byte the answer a forged delivery for a served shop gets.
    web.connect()
    forged_body, _ = web.delivery(web.shop_ids()[0])
    forged = web.client.post(
        "/webhooks/tiktok_shop", content=forged_body, headers={"Authorization": "0" * 64}
    )
    body, headers = web.delivery("9999999999999999999", notification="7327112393057379555")
    with caplog.at_level(logging.WARNING, logger="connector_core.web.webhooks"):
        unserved = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert (unserved.status_code, unserved.content) == (forged.status_code, forged.content)
    assert forged.status_code == 401
    assert "9999999999999999999" not in unserved.text
    assert web.sink.events == []
    # Nothing remembered: the same notification id is still new to the integration.
    assert web.integrations.store.remember_event(web.integration_id, "7327112393057379555")
    # The operator still sees which it was.
    assert any("serves shop 9999999999999999999" in r.getMessage() for r in caplog.records)


def test_before_any_connect_every_delivery_is_refused_like_a_forged_one(web: Web) -> None:
    # Routing comes first (the shop index): a shop nobody here serves is refused before any signature is
    # checked, which costs one index lookup whoever sent it, and the answer says no more than 401 does.
    body, headers = web.delivery(web.shop_ids()[0])
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["message"] == "the signature does not verify; the delivery was ignored"
    assert web.sink.events == []


def test_an_oversized_body_is_413_before_anything_is_verified(make_web: Any) -> None:
    web = make_web(webhook_body_limit=2048)
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0], filler="x" * 4096)
    assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 413

    def chunks() -> Any:  # no Content-Length: the cap holds while streaming
        yield body[:1000]
        yield body[1000:]

    assert web.client.post("/webhooks/tiktok_shop", content=chunks(), headers=headers).status_code == 413
    assert web.sink.events == []


def test_a_signed_body_that_is_not_json_is_400(web: Web) -> None:
    web.connect()
    from tiktok_shop_emulator import webhook_signature

    body = b"\xff\xfe not json"
    creds = web.emu.credentials
    headers = {"Authorization": webhook_signature(creds["app_key"], creds["app_secret"], body)}
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 400
    assert "not JSON" in answer.json()["message"]


def test_an_unknown_connector_is_404(web: Web) -> None:
    assert web.client.post("/webhooks/shopify", content=b"{}").status_code == 404
    assert web.client.get("/webhooks/tiktok_shop").status_code == 405


def test_two_integrations_of_the_same_app_and_shop_each_get_the_event_once(web: Web) -> None:
    web.connect()
    twin = web.integrations.create("tiktok_shop", emulator_form(web.emu), {"stock_sync": True}, name="Twin")
    web.connect(twin.id)
    body, headers = web.delivery(web.shop_ids()[0])
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.json()["integrations"] == 2
    assert sorted(i for i, _ in web.sink.events) == sorted([web.integration_id, twin.id])


def test_an_integration_of_another_app_does_not_verify_and_gets_nothing(web: Web) -> None:
    web.connect()
    other = web.integrations.create(
        "tiktok_shop", emulator_form(web.emu, app_secret="another-app-secret-0001"), {"stock_sync": True}
    )
    web.integrations.store.save_accounts(other.id, web.integrations.store.list_accounts(web.integration_id))
    body, headers = web.delivery(web.shop_ids()[0])
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 200
    assert [i for i, _ in web.sink.events] == [web.integration_id]


def test_a_deauthorization_is_applied_before_the_answer(web: Web) -> None:
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0], event_type=6, notification="7327112393057370006")
    assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    assert web.integrations.open(web.integration_id).reauthorization().needs_reauthorization


def test_the_answer_holds_no_secret(web: Web) -> None:
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0])
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    text = json.dumps(answer.json()) + str(answer.headers)
    tokens = web.integrations.store.load_tokens(web.integration_id)
    assert tokens is not None
    for secret in (web.emu.credentials["app_secret"], tokens.tokens.access_token.get_secret_value()):
        assert secret not in text
