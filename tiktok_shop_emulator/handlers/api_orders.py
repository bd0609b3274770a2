"""Order search and detail (docs/tiktok_shop/reference.md#orders-search), and order detail 202507: the 202309 order plus a few
fields (docs/tiktok_shop/reference.md#newer-versions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state import cancelling
from tiktok_shop_emulator.state.ordergen import STATUSES
from tiktok_shop_emulator.state.ordersearch import OrderQuery
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

MAX_DETAIL_IDS = 50
SORT_FIELDS = ("create_time", "update_time")
SORT_ORDERS = ("ASC", "DESC")
SHIPPING_TYPES = ("TIKTOK", "SELLER")


def _choice(value: Any, allowed: tuple[str, ...], name: str) -> Any:
    if value is not None and value not in allowed:
        raise error_codes.invalid_param(f"`{name}` must be one of {', '.join(allowed)}.")
    return value


def _query(call: Call) -> OrderQuery:
    body = call.body
    warehouses = call.body_str_list("warehouse_ids")
    if warehouses is not None and len(warehouses) > 100:
        raise error_codes.invalid_param("`warehouse_ids` accepts at most 100 IDs.")
    cancel_request = body.get("is_buyer_request_cancel")
    if cancel_request is not None and not isinstance(cancel_request, bool):
        raise error_codes.invalid_param("`is_buyer_request_cancel` must be a boolean.")
    buyer = body.get("buyer_user_id")
    if buyer is not None and not isinstance(buyer, str):
        raise error_codes.invalid_param("`buyer_user_id` must be a string.")
    return OrderQuery(
        shop=call.shop.index,
        sort_field=_choice(call.query.get("sort_field", "create_time"), SORT_FIELDS, "sort_field"),
        sort_order=_choice(call.query.get("sort_order", "DESC"), SORT_ORDERS, "sort_order"),
        status=_choice(body.get("order_status"), STATUSES, "order_status"),
        shipping_type=_choice(body.get("shipping_type"), SHIPPING_TYPES, "shipping_type"),
        create_ge=call.body_int("create_time_ge"),
        create_lt=call.body_int("create_time_lt"),
        update_ge=call.body_int("update_time_ge"),
        update_lt=call.body_int("update_time_lt"),
        buyer_user_id=buyer,
        warehouse_ids=None if warehouses is None else tuple(warehouses),
        is_buyer_request_cancel=cancel_request,
    )


def search_orders(call: Call) -> dict[str, Any]:
    """POST /order/202309/orders/search."""
    cancelling.expire(call.backend)
    page_size = call.page_size(100)
    query = _query(call)
    backend = call.backend
    _churn(backend, query)
    page = backend.search.page(query, page_size, call.query.get("page_token") or None, backend.clock.unix())
    return {
        "orders": [backend.book.order(i) for i in page.indices],
        "next_page_token": page.next_page_token,
        "total_count": page.total_count,
    }


def _churn(backend: Backend, query: OrderQuery) -> None:
    """A busy shop (faults.churn_orders): some matching orders change before this page is served."""
    matching = backend.search.matching(query, backend.clock.unix())
    for position in backend.faults.churn(len(matching)):
        with backend.book.change(matching[position]):
            pass  # a change TikTok does not show in the order's fields (a note, an internal state): a new update_time


def order_detail(call: Call) -> dict[str, Any]:
    """GET /order/202309/orders?ids=a,b,c (at most 50); IDs of other shops or unknown IDs are left out."""
    return {"orders": _detail_orders(call)}


def order_detail_202507(call: Call) -> dict[str, Any]:
    """GET /order/202507/orders: the same request and order object, with the fields 202507 added."""
    return {"orders": [_with_202507_fields(order) for order in _detail_orders(call)]}


def _detail_orders(call: Call) -> list[dict[str, Any]]:
    cancelling.expire(call.backend)  # requests past their deadline are approved before anyone reads
    ids = [part.strip() for part in call.query.get("ids", "").split(",") if part.strip()]
    if not ids:
        raise error_codes.invalid_param("`ids` is required.")
    if len(ids) > MAX_DETAIL_IDS:
        raise error_codes.invalid_param(f"`ids` accepts at most {MAX_DETAIL_IDS} order IDs.")
    book, shop = call.backend.book, call.shop
    orders = []
    for order_id in ids:
        index = book.space.index_of(order_id)
        if index is not None and index % book.space.n_shops == shop.index:
            orders.append(book.order(index))
    return orders


# 202507 payment method codes for the display names the generator uses.
PAYMENT_METHOD_CODES = {"Card": "CARD", "PayPal": "PAYPAL", "Apple Pay": "APPLE_PAY"}


def _with_202507_fields(order: dict[str, Any]) -> dict[str, Any]:
    """A copy of a 202309 order with the 202507 additions; the stored order is shared and stays untouched."""
    method = order["payment_method_name"]
    address = order["recipient_address"]
    post_town = next(
        (d["address_name"] for d in address["district_info"] if d["address_level_name"] == "Post town"), ""
    )
    return {
        **order,
        "channel_entity_national_registry_id": "",
        "payment_auth_code": "",
        "payment_card_type": "VISA" if method == "Card" else "",
        "payment_method_code": PAYMENT_METHOD_CODES.get(method, "OTHER"),
        "payment": {**order["payment"], "item_insurance_tax": "0"},
        "recipient_address": {**address, "post_town": post_town},
        "line_items": [
            {**line, "gift_retail_price": line["sale_price"] if line["is_gift"] else "0", "pfand_fee": "0"}
            for line in order["line_items"]
        ],
    }


ROUTES = (
    ("POST", "/order/202309/orders/search", search_orders, True),
    ("GET", "/order/202309/orders", order_detail, True),
    ("GET", "/order/202507/orders", order_detail_202507, True),
)
FILTER_BODIES = frozenset({"/order/202309/orders/search"})
