"""A delivery that names no shop is for every connection of the app that signed it: its signature is
checked once per app of the connector (the cost is the number of apps), and the connections of the app that
verified are found through the store's index on the app, without reading or decrypting any other connection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from core_support import FAKE_ID, GOOD_CREDENTIALS, FakeChannel

from connector_core import Integrations, SQLiteStore
from connector_core.flows.webhook_routing import route_delivery


def test_a_delivery_naming_no_shop_reaches_the_connections_of_the_app_that_signed_it(
    integrations: Integrations, channel: FakeChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = integrations.create_app(FAKE_ID, GOOD_CREDENTIALS)
    other = integrations.create_app(FAKE_ID, {**GOOD_CREDENTIALS, "app_secret": "another-app-secret-42"})
    mine = [integrations.create_connection(ours.id).id for _ in range(3)]
    for _ in range(3):
        integrations.create_connection(other.id)

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("an app-wide delivery read every connection")

    monkeypatch.setattr(SQLiteStore, "list_integrations", refuse)
    body = json.dumps({"id": "e1", "type": "ORDER", "order_id": "o1", "shop": ""}).encode()

    routed = route_delivery(
        integrations, integrations.host.get(FAKE_ID), {"x-signature": channel.sign(body)}, body
    )

    assert routed.refusal is None, routed.message
    assert sorted(routed.targets) == sorted(mine) and routed.apps_verified == 1
