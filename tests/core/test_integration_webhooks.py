"""Webhooks through a connector double: a bad signature refused, a redelivery returned once, and the
authorization events (withdrawn, expiring) reflected on the integration."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

import pytest
from core_support import (
    FakeChannel,
)

from connector_core import (
    Integration,
    ReauthorizationRequired,
    WebhookRejected,
)


def delivery(channel: FakeChannel, **event: Any) -> tuple[dict[str, str], bytes]:
    body = json.dumps(event).encode()
    return {"X-Signature": channel.sign(body)}, body


def test_a_webhook_with_a_bad_signature_is_rejected(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e1", type="ORDER", order_id="o1")

    with pytest.raises(WebhookRejected, match="signature does not verify"):
        connected.receive_webhook({"X-Signature": "0" * 64}, body)

    assert connected.receive_webhook(headers, body)[0].id == "e1"  # not remembered by the rejected attempt


def test_a_redelivered_event_is_returned_once(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e1", type="ORDER", order_id="o1")

    first = connected.receive_webhook(headers, body)
    again = connected.receive_webhook(headers, body)

    assert [e.order_id for e in first] == ["o1"]
    assert again == []


def test_a_deauthorization_event_marks_the_integration(connected: Integration, channel: FakeChannel) -> None:
    headers, body = delivery(channel, id="e2", type="DEAUTH")

    connected.receive_webhook(headers, body)

    assert connected.reauthorization().needs_reauthorization
    with pytest.raises(ReauthorizationRequired, match="withdrew the authorization"):
        connected.access_token()


def test_an_expiry_warning_moves_the_deadline(connected: Integration, channel: FakeChannel) -> None:
    deadline = datetime.combine(date(2027, 1, 31), datetime.min.time(), tzinfo=timezone.utc)
    headers, body = delivery(channel, id="e3", type="EXPIRING", reauthorize_by=deadline.isoformat())

    connected.receive_webhook(headers, body)

    state = connected.reauthorization()
    assert state.deadline == deadline
    assert not state.needs_reauthorization
