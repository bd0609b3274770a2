"""Which shop a call is for, when the caller does not say: every authorized shop is served, none is picked.

- Pulls cover every active shop, each with its own cursor (`Integration.pull_orders`).
- An order's shop is remembered as its page is imported (one cache write per page, keyed by order id), so
  a shipment or a label for it goes to that shop; an order never imported here is looked up in each
  active shop (a read), and one found nowhere is refused naming the order.
- Stock goes to the shops whose settings sync stock and that list the SKU (see `flows/stock_routing.py`).
"""

from __future__ import annotations

from ..errors import FieldError, InvalidInput
from ..models import OrderPage
from .session import Session

ORDER_SHOP = "order_shop"
"""Cache namespace (not per shop): order id -> the id of the shop it was imported from."""


def remember_order_shops(session: Session, page: OrderPage) -> None:
    if session.account_id and page.orders:
        session.store.cache_put(session.id, ORDER_SHOP, {o.id: session.account_id for o in page.orders})


def remembered_shop(session: Session, order_id: str) -> str | None:
    found = session.store.cache_get(session.id, ORDER_SHOP, order_id)
    return found if isinstance(found, str) and found else None


def active_shop_ids(session: Session) -> list[str]:
    return [a.id for a in session.store.list_accounts(session.id)]


def unknown_order(order_id: str, shops: list[str]) -> InvalidInput:
    return InvalidInput(
        "order",
        [
            FieldError(
                "order_id",
                f"{order_id} is in none of this connection's shops ({', '.join(shops) or 'none'}): pull "
                "orders first or name the shop (shop=...)",
            )
        ],
    )


def unknown_shop(shop: str, shops: list[str]) -> InvalidInput:
    return InvalidInput(
        "shop",
        [
            FieldError(
                "shop", f"{shop!r} is not an active shop of this connection ({', '.join(shops) or 'none'})"
            )
        ],
    )
