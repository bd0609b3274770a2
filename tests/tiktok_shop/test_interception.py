"""Interception against the emulator: no shipment or label for an order TikTok says must not ship now.

A pending buyer cancellation, cancelled units, an FBT order or an address changed after the host's copy
stop `confirm_shipment` and `create_labels` with one line naming the order and what to do; the check reads
TikTok's current state, a host may override it explicitly, and a cancellation that arrives between the plan
and the call is caught right before the write.
"""

from __future__ import annotations

import pytest
from seller_orders import carrier_for, seller_order

from connector_core import (
    Fulfilment,
    Interception,
    OrderIntercepted,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentParcel,
    hookimpl,
)
from connector_core.flows.interception import record_handed_over
from connector_core.flows.shipments import SHIPMENT_INTENT


def shipment_of(world, order: dict, tracking: str = "TRK-X1", **extra) -> Shipment:
    return Shipment(
        order_id=order["id"],
        parcels=[ShipmentParcel(tracking_number=tracking, carrier=carrier_for(world, order))],
        **extra,
    )


def test_an_order_with_a_pending_buyer_cancellation_is_not_shipped(make_world):
    world = make_world(orders=600)
    world.use_shop("US")  # in the US TikTok would ship it and silently reject the buyer's request
    order = seller_order(world, region="US")
    world.emu.request_cancellation(order["id"])

    with pytest.raises(OrderIntercepted) as refused:
        world.integration.confirm_shipment(shipment_of(world, order))

    message = str(refused.value)
    assert order["id"] in message and "asked to cancel" in message and "\n" not in message
    assert refused.value.reason == Interception.CANCELLATION_REQUESTED
    assert world.emu.order(order["id"])["status"] == "AWAITING_SHIPMENT"
    assert world.emu.cancellations(order["id"])[0]["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    assert world.integration.store.list_intents(world.integration.id, kind=SHIPMENT_INTENT) == []


def test_the_canonical_order_says_who_asked_when_and_by_when_to_answer(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    record = world.emu.request_cancellation(order["id"])

    [mapped] = world.integration.get_orders([order["id"]]).orders

    request = mapped.cancellation_request
    assert request is not None and request.requested_by == "buyer"
    assert request.id == record["cancel_id"]
    assert request.requested_at is not None and request.respond_by is not None
    assert (request.respond_by - request.requested_at).total_seconds() == 2 * 86400  # GB: 48 hours
    assert mapped.status == OrderStatus.ON_HOLD  # the default mapping holds it while the request is open
    assert mapped.fulfilment == Fulfilment.SELLER


def test_a_host_may_ship_despite_a_pending_cancellation_when_it_says_so(make_world):
    world = make_world(orders=600)
    world.use_shop("US")
    order = seller_order(world, region="US")
    world.emu.request_cancellation(order["id"])

    report = world.integration.confirm_shipment(
        shipment_of(world, order, overrides=[Interception.CANCELLATION_REQUESTED])
    )

    assert [p.outcome for p in report.parcels] == ["confirmed"]
    # TikTok's US rule: shipping rejects the buyer's request
    assert world.emu.cancellations(order["id"])[0]["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"


def test_an_fbt_order_is_never_offered_for_shipment(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    world.emu.fulfil_by_tiktok(order["id"])

    [mapped] = world.integration.get_orders([order["id"]]).orders
    assert mapped.fulfilment == Fulfilment.CHANNEL_WAREHOUSE and mapped.shipping_by == "channel"
    with pytest.raises(OrderIntercepted, match="fulfilled by the channel's warehouse") as refused:
        world.integration.confirm_shipment(
            shipment_of(world, order, overrides=list(Interception))  # no override opens this one
        )
    assert refused.value.reason is None
    with pytest.raises(OrderIntercepted, match="nothing to label"):
        world.integration.create_labels(order["id"], [[order["line_items"][0]["id"]]])


def test_a_shipment_planned_on_the_old_address_waits_for_the_host_to_see_the_new_one(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    integration = world.integration
    [handed] = integration.get_orders([order["id"]]).orders
    record_handed_over(integration.store, integration.id, integration.account_id, [handed])
    world.emu.change_address(order["id"])

    with pytest.raises(OrderIntercepted, match="changed the ship-to address") as refused:
        integration.confirm_shipment(shipment_of(world, order))
    assert refused.value.reason == Interception.ADDRESS_CHANGED

    [new_version] = integration.get_orders([order["id"]]).orders
    assert new_version.updated_at > handed.updated_at and new_version.ship_to != handed.ship_to
    record_handed_over(integration.store, integration.id, integration.account_id, [new_version])
    report = integration.confirm_shipment(shipment_of(world, order))
    assert [p.outcome for p in report.parcels] == ["confirmed"]


def test_cancelled_units_are_refused_and_never_shipped(make_world):
    world = make_world(orders=600)
    order = seller_order(world, min_units=2)
    first, second, *_ = order["line_items"]
    ctx = world.integration.context()
    from connectors.tiktok_shop.cancellations import cancel_lines

    cancel_lines(ctx, order["id"], [first["id"]], "seller_cancel_reason_out_of_stock")
    [mapped] = world.integration.get_orders([order["id"]]).orders
    assert first["id"] in {i for line in mapped.lines for i in line.cancelled_line_ids}

    with pytest.raises(OrderIntercepted, match="were cancelled"):
        world.integration.confirm_shipment(shipment_of(world, order))
    # A parcel that leaves the cancelled unit out is the host saying it knows.
    named = Shipment(
        order_id=order["id"],
        parcels=[
            ShipmentParcel(
                tracking_number="TRK-KEEP",
                carrier=carrier_for(world, order),
                lines=[ShipmentLine(channel_line_ids=[second["id"]])],
            )
        ],
    )
    assert [p.outcome for p in world.integration.confirm_shipment(named).parcels] == ["confirmed"]
    assert world.emu.order(order["id"])["line_items"][0]["tracking_number"] == ""


class CancelAfterPlan:
    """A host-wide plugin that lets the buyer ask to cancel right after the core planned the parcel."""

    def __init__(self, emu) -> None:
        self.emu = emu

    @hookimpl(hookwrapper=True)
    def plan_shipment(self, ctx, shipment, held_line_ids):
        outcome = yield
        if outcome.excinfo is None:
            self.emu.request_cancellation(shipment.order_id)


def test_a_cancellation_between_the_plan_and_the_call_stops_the_write(make_world):
    world = make_world(orders=600)
    world.use_shop("US")
    order = seller_order(world, region="US")
    integration = world.integration
    integration.connector.pm.register(CancelAfterPlan(world.emu))

    with pytest.raises(OrderIntercepted, match="asked to cancel"):
        integration.confirm_shipment(shipment_of(world, order))

    assert world.emu.order(order["id"])["status"] == "AWAITING_SHIPMENT"
    assert world.emu.cancellations(order["id"])[0]["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    [intent] = integration.store.list_intents(integration.id, kind=SHIPMENT_INTENT)
    assert intent.status == "refused"  # nothing was sent: a later decision may plan it again


def test_no_label_is_bought_for_an_order_the_buyer_asked_to_cancel(make_world):
    world = make_world(orders=600)
    cipher = world.shop("GB")["cipher"]
    order_id = world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="TIKTOK")[0]
    order = world.emu.order(order_id)
    world.emu.request_cancellation(order_id)
    box = [[li["id"] for li in order["line_items"]]]

    with pytest.raises(OrderIntercepted, match="asked to cancel") as refused:
        world.integration.create_labels(order_id, box)

    assert refused.value.reason == Interception.CANCELLATION_REQUESTED
    assert world.integration.labels(order_id) == []
    assert all(li["tracking_number"] == "" for li in world.emu.order(order_id)["line_items"])


def test_an_address_change_webhook_is_typed_and_makes_the_order_re_read(offline_ctx):
    from connector_core import WebhookKind
    from connector_core.work.outbox import _needs_reread
    from connectors.tiktok_shop.webhooks import parse

    body = b'{"type":3,"shop_id":"7494049642642441002","timestamp":1767225600,"data":{"order_id":"5","update_time":1767225600}}'
    [event] = parse(body)

    assert event.kind == WebhookKind.ADDRESS_CHANGED and event.order_id == "5"
    assert _needs_reread(event)
