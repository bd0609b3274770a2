"""Returns against the emulator: the incremental import (own cursor per shop) maps TikTok's returns, and the
seller's decisions (approve the return, mark the parcel received, reject with a reason, partial refund)
happen exactly once, with the same idempotency key on a retry after a lost answer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from connector_core import ChannelUnavailable, Money
from connector_core.aftersales import DecisionRefused, ReturnKind, ReturnStatus
from connector_core.flows.returns import RETURN_INTENT


def shipped_order(world, region: str = "GB") -> str:
    return world.emu.order_ids(status="DELIVERED", shop_cipher=world.shop(region)["cipher"])[0]


def imported(world) -> dict:
    world.clock.advance(timedelta(seconds=2))  # past the second the emulator stamped the change with
    return {r.id: r for page in world.integration.pull_returns() for r in page.returns}


def test_returns_are_imported_incrementally_with_their_lines_and_amounts(make_world):
    world = make_world(orders=600)
    order_id = shipped_order(world)
    opened = world.emu.open_return(order_id, "RETURN_AND_REFUND")

    first = imported(world)
    assert list(first) == [opened["return_id"]]
    ret = first[opened["return_id"]]
    assert ret.kind == ReturnKind.RETURN_AND_REFUND and ret.status == ReturnStatus.REQUESTED
    assert ret.order_id == order_id and ret.respond_by is not None
    assert [line.channel_line_id for line in ret.lines] == [
        opened["return_line_items"][0]["order_line_item_id"]
    ]
    assert ret.refund_total is not None and ret.refund_total.amount > 0
    assert "refund_total" in ret.amounts

    later_order = world.emu.order_ids(status="DELIVERED", shop_cipher=world.shop("GB")["cipher"])[1]
    later = world.emu.open_return(later_order, "REFUND")
    second = imported(world)  # from the saved watermark (less a few minutes' overlap), not from the start
    assert later["return_id"] in second and second[later["return_id"]].kind == ReturnKind.REFUND_ONLY


def test_a_return_is_approved_then_its_parcel_marked_received_once(make_world):
    world = make_world(orders=600)
    return_id = world.emu.open_return(shipped_order(world))["return_id"]

    approved = world.integration.decide_return(return_id, "approve_return")
    world.emu.ship_return(return_id, tracking="RET-123", carrier="Royal Mail")
    ret = imported(world)[return_id]
    assert ret.status == ReturnStatus.RETURN_IN_TRANSIT and ret.tracking_number == "RET-123"
    received = world.integration.decide_return(return_id, "mark_received")
    again = world.integration.decide_return(return_id, "mark_received")

    assert (approved.outcome, received.outcome, again.outcome) == ("applied", "applied", "already_decided")
    assert world.emu.returns(ret.order_id)[0]["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"


def test_a_lost_answer_on_a_return_decision_is_retried_with_the_same_key(make_world):
    world = make_world(orders=600)
    return_id = world.emu.open_return(shipped_order(world), "REFUND")["return_id"]
    world.emu.faults.lose_answer(r"/return_refund/202309/returns/\d+/approve")

    with pytest.raises(ChannelUnavailable):
        world.integration.decide_return(return_id, "approve_refund")
    with pytest.raises(DecisionRefused, match="no known outcome yet"):
        world.integration.decide_return(return_id, "reject", reason="seller_reject_apply_item_is_correct")
    report = world.integration.decide_return(return_id, "approve_refund")

    assert report.outcome in ("applied", "already_applied")
    [intent] = world.integration.store.list_intents(world.integration.id, kind=RETURN_INTENT)
    keys = [key for name, key in world.emu.idempotency_keys() if name.startswith("return_approve/")]
    assert keys == [intent.payload["idempotency_key"]] and intent.status == "done"


def test_rejecting_a_return_needs_a_reason_and_a_partial_refund_needs_an_amount(make_world):
    world = make_world(orders=600)
    first = world.emu.open_return(shipped_order(world), "REFUND")["return_id"]
    with pytest.raises(DecisionRefused, match="reasons"):
        world.integration.decide_return(first, "reject")
    reasons = world.integration.decision_reasons(first)
    assert world.integration.decide_return(first, "reject", reason=reasons[0].name).outcome == "applied"

    order_id = world.emu.order_ids(status="DELIVERED", shop_cipher=world.shop("GB")["cipher"])[1]
    second = world.emu.open_return(order_id, "REFUND")["return_id"]
    offer = Money(amount=Decimal("2.50"), currency="GBP")
    assert world.integration.decide_return(second, "partial_refund", amount=offer).outcome == "applied"
    assert world.emu.returns(order_id)[0]["return_status"] == "AWAITING_BUYER_RESPONSE"
