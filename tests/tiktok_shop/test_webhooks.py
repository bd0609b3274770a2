"""Webhook signatures (reference.md#webhook-signature vector) and typed events."""

from __future__ import annotations

import pytest

from connector_core import InvalidInput, WebhookKind
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


@pytest.mark.parametrize("header", ["é" * 64, "\u2603" + SIGNATURE[1:], "\x00" * 64, SIGNATURE + "\n\x7f"])
def test_a_non_ascii_or_malformed_signature_header_simply_does_not_verify(raw, header):
    assert not verify("testappkey", "testsecret", raw("webhook_order_status_change.json"), header)


def test_every_event_carries_its_shop_and_time(raw):
    for name in (
        "webhook_order_status_change.json",
        "webhook_seller_deauthorization.json",
        "webhook_upcoming_authorization_expiration.json",
    ):
        (event,) = parse(raw(name))
        assert event.account_id == "7494049642642441001"
        assert event.occurred_at is not None


def test_a_numeric_shop_id_becomes_text():
    (event,) = parse(b'{"type":6,"shop_id":7494049642642441001,"timestamp":1770249600,"data":{}}')
    assert event.account_id == "7494049642642441001"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"type":1,"shop_id":"1","timestamp":1700000000,"data":"AWAITING_SHIPMENT"}', "data"),
        (b'{"type":1,"shop_id":"1","timestamp":1700000000,"data":[1,2]}', "data"),
        (b'{"type":1,"shop_id":"1","timestamp":"yesterday","data":{}}', "timestamp"),
        (b'{"type":1,"shop_id":"1","timestamp":true,"data":{}}', "timestamp"),
        (b'{"type":1,"shop_id":"1","timestamp":1e300,"data":{}}', "timestamp"),
        (b'{"type":1,"shop_id":"1","data":{}}', "timestamp"),
        (b'{"type":1,"timestamp":1700000000,"data":{}}', "shop_id"),
        (b'{"type":1,"shop_id":{"id":1},"timestamp":1700000000,"data":{}}', "shop_id"),
        (b'{"type":1,"shop_id":"1","timestamp":1700000000,"data":{"order_id":{"x":1}}}', "data.order_id"),
        (
            b'{"type":7,"shop_id":"1","timestamp":1700000000,"data":{"expiration_time":"soon"}}',
            "data.expiration_time",
        ),
    ],
)
def test_a_signed_but_malformed_delivery_is_a_clear_rejection_naming_the_field(body, field):
    with pytest.raises(InvalidInput) as raised:
        parse(body)
    assert [e.field for e in raised.value.errors] == [field]
