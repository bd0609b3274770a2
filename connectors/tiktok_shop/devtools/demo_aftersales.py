"""The demo's after-sales step: a buyer's cancellation intercepted before shipping, and a return received."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connector_core import Interception, OrderIntercepted, OrderStatus, Shipment, ShipmentParcel
from tiktok_shop_emulator import TikTokShopEmulator


def after_the_sale(demo: Any, emu: TikTokShopEmulator, orders: dict[str, Any]) -> None:
    """Run against the served shop: `demo` is the `Demo` (its `live` integration, `heading`, `summary`)."""
    from .demo import heading

    heading("After the sale: a cancellation intercepted before shipping, a return received")
    live = demo.live
    account = live.context().account
    cipher = account.selector if account else None
    waiting = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER")
    if not waiting:
        print("  no seller-shipped order awaits shipment in this world; the interception part is skipped")
    else:
        order = live.get_orders([waiting[-1]]).orders[0]
        request = emu.request_cancellation(order.id)
        print(f"  the buyer asks to cancel order {order.id} (TikTok request {request['cancel_id']})")
        parcel = ShipmentParcel(
            tracking_number="DEMO-HOLD", carrier=demo._carrier(order.channel_data.get("delivery_option_id"))
        )
        try:
            live.confirm_shipment(Shipment(order_id=order.id, parcels=[parcel]))
            print("  the shipment went through (unexpected)")
        except OrderIntercepted as refused:
            print(f"  shipping it is refused: {refused}")
        decided = live.decide_cancellation(order.id, "approve")
        again = live.decide_cancellation(order.id, "approve")
        print(
            f"  the seller approves: {decided.outcome}; approving again: {again.outcome}, {again.calls} call(s)"
        )
        print(f"  TikTok now says the order is {emu.order(order.id)['status']}; no parcel left the warehouse")
        demo.summary.append(
            f"intercepted a shipment of order {order.id} (buyer asked to cancel; override: "
            f"'{Interception.CANCELLATION_REQUESTED.value}'), approved the cancellation once"
        )
    delivered = [o for o in orders.values() if o.status is OrderStatus.DELIVERED]
    if not delivered:
        print("  no delivered order in this world to return; skipped")
        return
    order_id = delivered[0].id
    opened = emu.open_return(order_id, "RETURN_AND_REFUND")
    return_id = opened["return_id"]
    print(f"  the buyer asks to return order {order_id} (return {return_id})")
    live.decide_return(return_id, "approve_return")
    emu.ship_return(return_id, tracking="DEMO-RETURN-1", carrier="Royal Mail")
    demo.clock.advance(timedelta(seconds=2))  # past the second TikTok stamped the change with
    seen = {r.id: r for page in live.pull_returns() for r in page.returns}
    ret = seen[return_id]
    print(
        f"  approved; the buyer ships it back: {ret.status.value}, tracking {ret.tracking_number} ({ret.carrier})"
    )
    live.decide_return(return_id, "mark_received")
    refund = f"{ret.refund_total.amount} {ret.refund_total.currency}" if ret.refund_total else "-"
    print(f"  the warehouse marks it received: TikTok says {emu.returns(order_id)[0]['return_status']}, "
          f"refund {refund} (TikTok's amount)")  # fmt: skip
    demo.summary.append(f"return {return_id} approved, its parcel marked received once")
