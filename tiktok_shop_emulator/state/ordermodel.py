"""Order-model fields beyond the samples' keys: deadlines, milestones, relations (docs/tiktok_shop/reference.md#order-fields).

Every value is derived from the order's own times, so they stay consistent: the deadlines follow from payment,
``collection_time`` <= ``delivery_time`` <= ``update_time``, and a status reached last is the ``update_time``.
Deadlines that the reference ties to other markets (SEA pick-up cut-off, TH/PH fast dispatch) are still sent,
consistent with the rest, so clients that read them find plausible values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HOUR, DAY = 3600, 86400
HANDLING_DAYS = 2  # rts_sla_time is payment + HANDLING_DAYS calendar days
REPLACEMENT_SHARE = 50  # one order in this many replaces an earlier order of the same shop
EXCHANGE_SHARE = 80  # one US/GB order in this many is an exchange (the model says US/UK only)


def deadlines(start: int) -> dict[str, Any]:
    """The SLA and due times of an order paid (or, unpaid, created) at ``start``, in a consistent order."""
    rts_sla = start + HANDLING_DAYS * DAY
    return {
        "rts_sla_time": rts_sla,
        "tts_sla_time": rts_sla + DAY,
        "shipping_due_time": rts_sla,
        "collection_due_time": rts_sla + 2 * DAY,
        "delivery_due_time": rts_sla + 9 * DAY,
        "cancel_order_sla_time": rts_sla,
        "fast_dispatch_sla_time": rts_sla + 12 * HOUR,
        "pick_up_cut_off_time": rts_sla + DAY,
        "delivery_sla_time": rts_sla + 5 * DAY,
        "delivery_option_required_delivery_time": rts_sla + 7 * DAY,
        "handling_duration": {"days": str(HANDLING_DAYS), "type": "CALENDAR_DAY"},
    }


def relations(
    index: int, n_shops: int, region: str, h: int, order_id: Callable[[int], str]
) -> dict[str, Any]:
    """Replacement and exchange flags with the ID of the earlier order of the same shop they refer to."""
    earlier = index - n_shops * (1 + (h >> 52) % 20)
    replacement = earlier >= 0 and (h >> 24) % REPLACEMENT_SHARE == 0
    exchange = earlier >= 0 and not replacement and region in ("US", "GB") and (h >> 32) % EXCHANGE_SHARE == 0
    return {
        "is_replacement_order": replacement,
        "replaced_order_id": order_id(earlier) if replacement else "",
        "is_exchange_order": exchange,
        "exchange_source_order_id": order_id(earlier) if exchange else "",
        "auto_combine_group_id": "",
    }


def generated_milestones(order: dict[str, Any]) -> None:
    """``collection_time``/``delivery_time`` of a generated order, between its shipment and its update_time."""
    status, update_time = order["status"], order["update_time"]
    shipped = order.get("rts_time") or update_time
    span = max(update_time - shipped, 0)
    if status == "IN_TRANSIT":
        order["collection_time"] = update_time
    elif status == "DELIVERED":
        order["collection_time"] = shipped + span // 3
        order["delivery_time"] = update_time
    elif status == "COMPLETED":
        order["collection_time"] = shipped + span // 4
        order["delivery_time"] = shipped + span // 2


def record_milestone(order: dict[str, Any], status: str, now: int) -> None:
    """A live status change: stamp the milestone it reaches (earlier milestones keep their time)."""
    if status in ("IN_TRANSIT", "DELIVERED", "COMPLETED"):
        order.setdefault("collection_time", now)
    if status in ("DELIVERED", "COMPLETED"):
        order.setdefault("delivery_time", now)
