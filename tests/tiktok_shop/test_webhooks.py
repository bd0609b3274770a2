"""Webhook signatures (reference §8.4 vector) and typed events."""

from __future__ import annotations

import pytest

from connector_core import WebhookKind
from connectors.tiktok_shop.webhooks import parse, verify

SIGNATURE = "453d711c791b425bfc9cf7c381f664bd26b1e444b68a5f72e79e201d91f6e5b3"


@pytest.fixture
def raw(sample_bytes):
    return sample_bytes


def test_reference_signature_verifies(raw):
    assert verify("testappkey", "testsecret", raw("webhook_order_status_change.json"), SIGNATURE)


@pytest.mark.parametrize(
    "header", [None, "", SIGNATURE.upper()[:-1] + "0", "Bearer " + SIGNATURE, SIGNATURE[:-2]]
)
def test_wrong_or_missing_signature_fails(raw, header):
    assert not verify("testappkey", "testsecret", raw("webhook_order_status_change.json"), header)


def test_a_single_changed_byte_fails(raw):
    body = raw("webhook_order_status_change.json").replace(b"AWAITING_SHIPMENT", b"AWAITING_SHIPMENS")
    assert not verify("testappkey", "testsecret", body, SIGNATURE)


def test_order_status_event(raw):
    (event,) = parse(raw("webhook_order_status_change.json"))
    assert event.kind is WebhookKind.ORDER_STATUS_CHANGED
    assert event.id == "7327112393057371001"
    assert event.order_id == "576461413038785001"
    assert event.status is not None and event.status.value == "awaiting_shipment"


def test_authorization_expiry_carries_the_deadline(raw):
    (event,) = parse(raw("webhook_upcoming_authorization_expiration.json"))
    assert event.kind is WebhookKind.AUTHORIZATION_EXPIRING
    assert event.reauthorize_by is not None and int(event.reauthorize_by.timestamp()) == 1767225600


def test_deauthorization_event(raw):
    (event,) = parse(raw("webhook_seller_deauthorization.json"))
    assert event.kind is WebhookKind.DEAUTHORIZED
    assert event.account_id == "7494049642642441001"


def test_unknown_type_is_a_generic_event_not_an_error():
    (event,) = parse(b'{"type":999,"shop_id":"1","timestamp":1700000000,"data":{}}')
    assert event.kind is WebhookKind.OTHER and event.channel_type == "999"


def test_event_without_notification_id_gets_a_stable_digest_id(raw):
    body = raw("webhook_seller_deauthorization.json")
    assert parse(body)[0].id == parse(body)[0].id
