"""Deciding cancellations against the emulator, exactly once: approve, reject with one of TikTok's reasons,
cancel units as the seller; a lost answer, a kill before the ledger write, or a twin never decides twice
or contradicts itself, and the idempotency key (a signed query parameter) is the same on every retry."""

from __future__ import annotations

import threading

import pytest

from connector_core import ChannelUnavailable
from connector_core.aftersales import DecisionRefused
from connector_core.flows.cancellations import CANCELLATION_INTENT, SELLER_CANCEL_INTENT

APPROVE = r"/return_refund/202309/cancellations/\d+/approve"


def requested(world, region: str = "GB") -> dict:
    cipher = world.shop(region)["cipher"]
    ids = world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER")
    order = world.emu.order(ids[0])
    world.emu.request_cancellation(order["id"])
    return order


def intents(world, kind: str = CANCELLATION_INTENT):
    return world.integration.store.list_intents(world.integration.id, kind=kind)


def test_approving_a_request_cancels_the_order_once(make_world):
    world = make_world(orders=600)
    order = requested(world)

    first = world.integration.decide_cancellation(order["id"], "approve")
    again = world.integration.decide_cancellation(order["id"], "approve")

    assert first.outcome == "applied" and first.calls == 1
    assert again.outcome == "already_decided" and again.calls == 0
    assert world.emu.order(order["id"])["status"] == "CANCELLED"
    assert world.emu.cancellations(order["id"])[0]["cancel_status"] == "CANCELLATION_REQUEST_COMPLETE"
    [intent] = intents(world)
    assert intent.status == "done" and intent.payload["action"] == "approve"


def test_rejecting_needs_one_of_tiktoks_reasons_and_lets_the_order_ship(make_world):
    world = make_world(orders=600)
    order = requested(world)
    request_id = world.emu.cancellations(order["id"])[0]["cancel_id"]
    with pytest.raises(DecisionRefused, match="needs one of the channel's reasons"):
        world.integration.decide_cancellation(order["id"], "reject")
    reasons = world.integration.decision_reasons(request_id)
    assert reasons and all(r.name and r.text for r in reasons)

    report = world.integration.decide_cancellation(order["id"], "reject", reason=reasons[0].name)

    assert report.outcome == "applied"
    assert world.emu.cancellations(order["id"])[0]["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"
    [mapped] = world.integration.get_orders([order["id"]]).orders
    assert mapped.cancellation_request is None and mapped.status.value == "awaiting_shipment"
    with pytest.raises(DecisionRefused, match="already rejected"):
        world.integration.decide_cancellation(order["id"], "approve")  # never contradicts itself


def test_a_lost_answer_is_retried_with_the_same_key_and_decides_once(make_world):
    world = make_world(orders=600)
    order = requested(world)
    world.emu.faults.lose_answer(APPROVE)

    with pytest.raises(ChannelUnavailable):
        world.integration.decide_cancellation(order["id"], "approve")
    [pending] = intents(world)
    assert pending.status == "pending"
    with pytest.raises(DecisionRefused, match="no known outcome yet"):
        world.integration.decide_cancellation(order["id"], "reject", reason="any")  # no contradiction

    report = world.integration.decide_cancellation(order["id"], "approve")

    assert report.outcome in ("applied", "already_applied")
    keys = [key for name, key in world.emu.idempotency_keys() if name.startswith("approve/")]
    assert keys == [pending.payload["idempotency_key"]]  # one key, sent twice, replayed by TikTok
    assert world.emu.order(order["id"])["status"] == "CANCELLED"
    assert [i.status for i in intents(world)] == ["done"]


def test_a_kill_between_the_call_and_the_ledger_write_is_settled_by_the_retry(make_world, monkeypatch):
    world = make_world(orders=600)
    order = requested(world)
    store = world.integration.store
    real_finish = store.finish_intent

    def killed(*args, **kwargs):
        raise SystemExit("killed after the call, before the outcome was written")

    monkeypatch.setattr(store, "finish_intent", killed)
    with pytest.raises(SystemExit):
        world.integration.decide_cancellation(order["id"], "approve")
    monkeypatch.setattr(store, "finish_intent", real_finish)
    assert world.emu.order(order["id"])["status"] == "CANCELLED"  # the call had landed

    report = world.integration.decide_cancellation(order["id"], "approve")

    assert report.outcome in ("applied", "already_applied")
    assert [i.status for i in intents(world)] == ["done"]
    assert len(world.emu.cancellations(order["id"])) == 1


def test_twin_deciders_decide_once(make_world):
    world = make_world(orders=600)
    order = requested(world)
    reports, errors = [], []

    def decide() -> None:
        try:
            twin = world.integrations.open(world.integration.id)
            reports.append(twin.decide_cancellation(order["id"], "approve"))
        except Exception as exc:  # a twin that finds the lease taken for too long says so
            errors.append(exc)

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.outcome for r in reports) == ["already_decided", "applied"]
    assert [i.attempts for i in intents(world)] == [1]


def test_cancelling_a_unit_as_the_seller_survives_a_lost_answer(make_world):
    world = make_world(orders=600)
    cipher = world.shop("GB")["cipher"]
    order = next(
        o
        for o in map(world.emu.order, world.emu.order_ids("AWAITING_SHIPMENT", cipher, "SELLER"))
        if len(o["line_items"]) >= 2
    )
    unit = order["line_items"][0]["id"]
    world.emu.faults.lose_answer(r"/return_refund/202309/cancellations$")

    with pytest.raises(ChannelUnavailable):
        world.integration.cancel_order(order["id"], [unit], "seller_cancel_reason_out_of_stock")
    report = world.integration.cancel_order(order["id"], [unit], "seller_cancel_reason_out_of_stock")

    assert report.outcome == "already_applied"  # read back: no second cancellation sent
    assert len(world.emu.cancellations(order["id"])) == 1
    lines = world.emu.order(order["id"])["line_items"]
    assert lines[0]["display_status"] == "CANCELLED" and lines[1]["display_status"] != "CANCELLED"
    assert [i.status for i in intents(world, SELLER_CANCEL_INTENT)] == ["done"]
