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
