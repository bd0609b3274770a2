"""Webhook subscriptions against the emulator: the shop is subscribed to every event the kit needs, the
state is visible, and drift (a topic removed or pointed elsewhere) is repaired by a check."""

from __future__ import annotations

from connectors.tiktok_shop.webhooks import NEEDED_EVENTS

ADDRESS = "http://127.0.0.1:9/webhooks/tiktok_shop"


def states(world, **kwargs) -> dict[str, str]:
    return {s.event: s.state for s in world.integration.webhook_subscriptions(**kwargs)}


def test_the_check_subscribes_every_needed_event_and_repairs_drift(make_world):
    world = make_world(orders=100)
    assert set(states(world, address=ADDRESS).values()) == {"missing"}

    assert states(world, address=ADDRESS, repair=True) == dict.fromkeys(NEEDED_EVENTS, "repaired")
    assert states(world, address=ADDRESS) == dict.fromkeys(NEEDED_EVENTS, "subscribed")

    from connectors.tiktok_shop.webhooks import subscribe

    subscribe(world.integration.context(), "http://127.0.0.1:9/elsewhere", "RETURN_STATUS_CHANGE")
    drifted = states(world, address=ADDRESS)
    assert drifted["RETURN_STATUS_CHANGE"] == "elsewhere"
    assert states(world, address=ADDRESS, repair=True)["RETURN_STATUS_CHANGE"] == "repaired"


def test_connect_subscribes_the_shop_when_the_webhook_url_is_configured(make_world, monkeypatch):
    monkeypatch.setenv("CHANNEL_CONNECTORS_WEBHOOK_BASE_URL", "http://127.0.0.1:9")
    world = make_world(orders=100)

    assert states(world) == dict.fromkeys(NEEDED_EVENTS, "subscribed")
    assert {s.address for s in world.integration.webhook_subscriptions()} == {ADDRESS}


def test_status_and_the_connection_detail_show_what_each_shop_is_subscribed_to(make_world):
    from datetime import datetime, timezone

    from connector_core.cli.status import status_document, status_lines
    from connector_core.web import facts
    from connectors.tiktok_shop.webhooks import subscribe

    world = make_world(orders=100)
    shop = world.integration.account_id
    assert world.integration.status().webhook_subscriptions == {}  # never compared: nothing claimed

    world.integration.webhook_subscriptions(address=ADDRESS, repair=True)
    subscribe(world.integration.context(), "http://127.0.0.1:9/elsewhere", "RETURN_STATUS_CHANGE")
    world.integration.webhook_subscriptions(address=ADDRESS)  # the check sees the drift

    status = world.integration.status()
    seen = status_document(status)["webhook_subscriptions"][shop]
    assert seen["missing"] == ["RETURN_STATUS_CHANGE"]
    assert set(seen["subscribed"]) == set(NEEDED_EVENTS) - {"RETURN_STATUS_CHANGE"}
    text = "\n".join(status_lines(status))
    assert f"webhooks {shop}: {len(NEEDED_EVENTS) - 1} subscribed, MISSING RETURN_STATUS_CHANGE" in text
    assert "--repair" in text
    detail = facts.detail(world.integration, datetime.now(timezone.utc))
    assert detail["webhook_subscriptions"][shop]["missing"] == ["RETURN_STATUS_CHANGE"]

    world.integration.webhook_subscriptions(address=ADDRESS, repair=True)
    assert world.integration.status().webhook_subscriptions[shop]["missing"] == []
