"""One raw TikTok order (202309 shape) -> one canonical `Order`.

The quirks handled here: line items are one per *unit* (grouped back into quantities per SKU, every
line-item id kept for shipment confirmation); money is decimal strings; times are Unix seconds; on
TikTok Shipping orders the buyer's name, phone and street are masked with `***`.

Every value is checked here, field by field, and a bad one raises `OrderMappingError` naming the field
(the page reports it as a problem naming the order). What this module builds is therefore valid by
construction: text is `str` or None (`_text`), times are UTC datetimes (`_time`), amounts are `Money`
validated once per distinct price (`_amount`), a line's quantity is the count of its units, an order
has at least one line. So the order and its lines are built without pydantic validating them a second
time (`connector_core.trusted`: the order's validation was about a sixth of the mapping's cost, issue
19; the address and parcels are built the same way since `trusted` got cheaper than their validation);
tests/tiktok_shop/test_order_mapping_valid.py validates every mapped order of the samples and the
emulator again and compares, values and JSON text.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeGuard

from pydantic import ValidationError

from connector_core import (
    Address,
    Cancellation,
    CancellationRequest,
    Fulfilment,
    Money,
    Order,
    OrderLine,
    OrderProblem,
    OrderStatus,
    Parcel,
)
from connector_core.clock import from_unix
from connector_core.trusted import trusted

from .statuses import UNKNOWN_STATUS_WARNING, normalise

MASK = "***"
_UTC = timezone.utc
MASKED_WARNING = (
    "TikTok masked the buyer's name, phone or street (TikTok Shipping order): print TikTok's label; "
    "full buyer details need Seller Shipping (Seller Center > Orders > Shipping Options)"
)
CHANNEL_FIELDS = (
    "shipping_type",
    "fulfillment_type",
    "delivery_option_id",
    "delivery_option_name",
    "delivery_type",
    "warehouse_id",
    "shipping_provider",
    "shipping_provider_id",
    "tracking_number",
    "is_on_hold_order",
    "is_buyer_request_cancel",
    "order_type",
    "is_cod",
    "is_sample_order",
    "is_replacement_order",
    "replaced_order_id",
    "is_exchange_order",
    "exchange_source_order_id",
    "split_or_combine_tag",
    "buyer_email",
    "user_id",
    "seller_note",
    "rts_time",
    "rts_sla_time",
    "shipping_due_time",
    "collection_due_time",
    "delivery_due_time",
    "request_cancel_time",
    "cancel_order_sla_time",
    "commerce_platform",
    "has_updated_recipient_address",
    "is_subscription_order",
)
PARTNER_FULFILMENT = "FULFILLMENT_BY_DILAYANI_TOKOPEDIA"
REQUESTERS = {"BUYER": "buyer", "SELLER": "seller", "SYSTEM": "channel", "OPERATOR": "channel"}
Requests = Mapping[str, Mapping[str, Any]]
"""Open cancellation requests by order id, as Search Cancellations lists them (reference.md#cancellation-requests)."""

StatusMapper = Callable[[str, Mapping[str, Any]], OrderStatus | None]


class OrderMappingError(ValueError):
    """A raw order that cannot become a canonical one; names the field at fault."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


def _is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    # Payloads are dicts; the abstract Mapping check is several times slower and runs ~12 times per order.
    return isinstance(value, (dict, Mapping))


def _list(value: Any) -> list[Any]:
    """A list field, or nothing to iterate when a damaged payload holds something else there."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if type(value) is str:  # exact type: the fast path (~30 calls per order)
        return value.strip() or None
    if value is None:
        return None
    return str(value).strip() or None


def _money(raw: Mapping[str, Any], field: str, currency: str) -> Money:
    if raw.get(field) in (None, ""):
        raise OrderMappingError(f"payment.{field}", "is missing")
    return _optional_money(raw, field, currency) or _amount("0", currency)


@lru_cache(maxsize=512)
def _amount(text: str, currency: str) -> Money:
    """`Money` for a decimal string, validated (a `Decimal`, a 3-letter currency): a page repeats few prices,
    and a frozen `Money` can be shared. The cache is small so an import's memory does not grow with the
    number of distinct prices it met."""
    return Money(amount=Decimal(text), currency=currency)


def _optional_money(raw: Mapping[str, Any], field: str, currency: str) -> Money | None:
    value = raw.get(field)
    if type(value) is str and value:  # the fast path: TikTok sends amounts as decimal strings
        try:
            return _amount(value, currency)
        except (decimal.InvalidOperation, ValidationError):
            raise OrderMappingError(f"payment.{field}", f"{value!r} is not a decimal amount") from None
    if value in (None, ""):
        return None
    try:
        return _amount(str(value), currency)
    except (decimal.InvalidOperation, ValidationError):
        raise OrderMappingError(f"payment.{field}", f"{value!r} is not a decimal amount") from None


def _time(raw: Mapping[str, Any], field: str, required: bool = True) -> Any:
    value = raw.get(field)
    if type(value) is int and value > 0:  # the fast path: what from_unix does with an int
        try:
            return datetime.fromtimestamp(value, _UTC)
        except (ValueError, OverflowError, OSError):
            raise OrderMappingError(field, f"{value!r} is not a Unix time") from None
    if value in (None, "", 0):
        if required:
            raise OrderMappingError(field, "is missing")
        return None
    try:
        return from_unix(value)
    except (TypeError, ValueError, OverflowError, OSError):
        raise OrderMappingError(field, f"{value!r} is not a Unix time") from None


def _is_masked(*values: str | None) -> bool:
    return MASK in "\n".join(filter(None, values))  # filter: no comprehension frame per call


def map_address(raw: Any) -> Address:
    if not _is_mapping(raw):
        raise OrderMappingError("recipient_address", "is missing: the order has no ship-to address")
    # Plain loops, not comprehensions: each comprehension is a function call of its own (Python 3.11).
    lines = []
    for key in ("address_line1", "address_line2", "address_line3", "address_line4"):
        if line := _text(raw.get(key)):
            lines.append(line)
    full = _text(raw.get("full_address"))
    if not lines and not full:
        raise OrderMappingError("recipient_address", "has no street lines: the order has no ship-to address")
    levels = {}
    for d in _list(raw.get("district_info")):
        if _is_mapping(d) and isinstance(level := d.get("address_level"), str):
            levels[level] = _text(d.get("address_name"))
    name = _text(raw.get("name")) or " ".join(
        p for p in (_text(raw.get("first_name")), _text(raw.get("last_name"))) if p
    )
    phone = _text(raw.get("phone_number"))
    return trusted(
        Address,
        name=name or None,
        phone=phone,
        lines=lines or ([full] if full else []),
        # UK addresses name the post town separately (reference.md#post-town); it is the postal city.
        city=_text(raw.get("post_town")) or levels.get("L3") or levels.get("L2"),
        region=levels.get("L1"),
        postal_code=_text(raw.get("postal_code")),
        country_code=_text(raw.get("region_code")),
        full_address=full,
        is_masked=_is_masked(name, phone, full, *lines),
    )


def group_lines(items: Any, currency: str) -> list[OrderLine]:
    """One canonical line per (SKU, unit price), its quantity the number of TikTok line items."""
    if not isinstance(items, list) or not items:
        raise OrderMappingError("line_items", "is empty")
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    # Runs once per unit: raw values make the key (ids need no stripping), text is cleaned once per group.
    for index, item in enumerate(items):
        item_id = item.get("id") if type(item) is dict or _is_mapping(item) else None
        if not item_id or (type(item_id) is str and not item_id.strip()):
            raise OrderMappingError(f"line_items[{index}].id", "is missing")
        key = (str(item.get("sku_id") or item.get("seller_sku") or item_id), str(item.get("sale_price")))
        units = groups.get(key)
        if units is None:
            groups[key] = [item]
        else:
            units.append(item)
    lines = []
    for (_, price), units in groups.items():
        first = units[0]
        variant = _text(first.get("sku_name"))
        try:
            unit_price = _amount(price, _text(first.get("currency")) or currency)
        except (decimal.InvalidOperation, ValidationError):
            raise OrderMappingError(
                f"line_items[{first.get('id')}].sale_price", f"{price!r} is not an amount"
            ) from None
        lines.append(
            trusted(
                OrderLine,
                # Every field in declared order: `trusted` then keeps this call's dict as the line's own.
                sku=_text(first.get("seller_sku")),
                title=_text(first.get("product_name")) or variant or "(untitled item)",
                quantity=len(units),
                unit_price=unit_price,
                channel_sku_id=_text(first.get("sku_id")),
                channel_product_id=_text(first.get("product_id")),
                channel_line_ids=[str(u["id"]) for u in units] if len(units) > 1 else [str(first["id"])],
                variant=variant,
                cancelled_line_ids=[str(u["id"]) for u in units if u.get("display_status") == "CANCELLED"]
                if len(units) > 1 or first.get("display_status") == "CANCELLED"
                else [],
            )
        )
    return lines


def map_parcels(raw: Mapping[str, Any]) -> list[Parcel]:
    """Packages with the line items and tracking each holds (US/UK orders have none before shipping)."""
    # Per package: [line ids, tracking number, carrier], the first tracking and carrier its items name.
    by_package: dict[str, list[Any]] = {}
    for package in _list(raw.get("packages")):
        if _is_mapping(package) and _text(package.get("id")):
            by_package[str(package["id"])] = [[], None, None]
    for item in _list(raw.get("line_items")):
        package_id = item.get("package_id") if type(item) is dict or _is_mapping(item) else None
        if not package_id:
            continue
        key = str(package_id)
        entry = by_package.get(key)
        if entry is None:
            entry = by_package[key] = [[], None, None]
        entry[0].append(str(item.get("id")))
        entry[1] = entry[1] or _text(item.get("tracking_number"))
        entry[2] = entry[2] or _text(item.get("shipping_provider_name"))
    # Every value is text or None, built here: no validation needed (module docstring).
    return [
        trusted(Parcel, id=pid, tracking_number=tracking, carrier=carrier, channel_line_ids=lines)
        for pid, (lines, tracking, carrier) in by_package.items()
    ]


def map_cancellation(raw: Mapping[str, Any], status: str) -> Cancellation | None:
    reason = _text(raw.get("cancel_reason"))
    initiator = _text(raw.get("cancellation_initiator"))
    if status != "CANCELLED" and not reason and not initiator:
        return None
    return Cancellation(
        reason=reason, initiator=initiator, cancelled_at=_time(raw, "cancel_time", required=False)
    )


def map_fulfilment(raw: Mapping[str, Any]) -> Fulfilment:
    """Who ships it (reference.md#fulfilment-type): TikTok's warehouse, a partner, or the seller (own
    carrier, or TikTok Shipping's label)."""
    kind = _text(raw.get("fulfillment_type")) or "FULFILLMENT_BY_SELLER"
    if kind == "FULFILLMENT_BY_TIKTOK":
        return Fulfilment.CHANNEL_WAREHOUSE
    if kind != "FULFILLMENT_BY_SELLER":  # Tokopedia's and any later partner model: not the seller's to ship
        return Fulfilment.THIRD_PARTY
    return Fulfilment.CHANNEL_LABEL if raw.get("shipping_type") == "TIKTOK" else Fulfilment.SELLER


def map_cancellation_request(
    raw: Mapping[str, Any], status: str, request: Mapping[str, Any] | None
) -> CancellationRequest | None:
    """The open cancellation request: the order's flag, completed by Search Cancellations when it was read."""
    if status == "CANCELLED" or not (raw.get("is_buyer_request_cancel") or request):
        return None
    request = request or {}
    deadlines = [
        int(a["deadline"])
        for a in _list(request.get("seller_next_action_response"))
        if _is_mapping(a) and str(a.get("deadline") or "").isdigit()
    ]
    role = _text(request.get("role")) or "BUYER"
    return CancellationRequest(
        id=_text(request.get("cancel_id")),
        requested_by=REQUESTERS.get(role.upper(), "buyer"),  # type: ignore[arg-type]
        requested_at=_time(raw, "request_cancel_time", required=False)
        or _time(request, "create_time", required=False),
        respond_by=from_unix(min(deadlines)) if deadlines else None,
        reason=_text(request.get("cancel_reason_text")) or _text(request.get("cancel_reason")),
    )


def map_order(
    raw: Mapping[str, Any],
    map_status: StatusMapper,
    account_id: str | None = None,
    requests: Requests | None = None,
) -> Order:
    """Map one raw order; raises `OrderMappingError` naming the field when it cannot."""
    order_id = _text(raw.get("id"))
    if order_id is None:
        raise OrderMappingError("id", "is missing")
    channel_status = _text(raw.get("status"))
    if channel_status is None:
        raise OrderMappingError("status", "is missing")
    payment = raw.get("payment")
    if not _is_mapping(payment):
        raise OrderMappingError("payment", "is missing")
    currency = _text(payment.get("currency"))
    if currency is None or len(currency) != 3:
        raise OrderMappingError("payment.currency", f"{payment.get('currency')!r} is not a currency code")
    warnings = []
    normalised = normalise(channel_status)
    status = map_status(normalised, raw)
    if status is None:
        status = OrderStatus.ON_HOLD
        warnings.append(UNKNOWN_STATUS_WARNING.format(status=channel_status))
    elif type(status) is not OrderStatus:
        status = OrderStatus(status)  # a host's hook may answer with the plain value
    fulfilment = map_fulfilment(raw)
    ship_to = map_address(raw.get("recipient_address"))
    if ship_to.is_masked:
        warnings.append(MASKED_WARNING)
    try:
        return trusted(
            Order,
            id=order_id,
            status=status,
            channel_status=channel_status,
            created_at=_time(raw, "create_time"),
            updated_at=_time(raw, "update_time"),
            paid_at=_time(raw, "paid_time", required=False),
            ship_by=_time(raw, "rts_sla_time", required=False),
            collected_at=_time(raw, "collection_time", required=False),
            delivered_at=_time(raw, "delivery_time", required=False),
            account_id=account_id,
            currency=currency,
            subtotal=_money(payment, "sub_total", currency),
            shipping=_optional_money(payment, "shipping_fee", currency) or _amount("0", currency),
            tax=_optional_money(payment, "tax", currency),
            total=_money(payment, "total_amount", currency),
            ship_to=ship_to,
            lines=group_lines(raw.get("line_items"), currency),
            shipping_by="seller"
            if raw.get("shipping_type") == "SELLER" and fulfilment == Fulfilment.SELLER
            else "channel",
            buyer_note=_text(raw.get("buyer_message")),
            parcels=map_parcels(raw),
            cancellation=map_cancellation(raw, normalised),
            cancellation_request=map_cancellation_request(raw, normalised, (requests or {}).get(order_id)),
            fulfilment=fulfilment,
            warnings=warnings,
            channel_data={k: raw[k] for k in CHANNEL_FIELDS if k in raw},
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise OrderMappingError(field, first["msg"]) from None


def map_or_report(
    raw: Any, map_status: StatusMapper, account_id: str | None = None, requests: Requests | None = None
) -> Order | OrderProblem:
    """The order, or a problem naming the order id and the field: one bad order never sinks its page."""
    if not _is_mapping(raw):
        return OrderProblem(order_id=None, message=f"not an order object: {type(raw).__name__}")
    try:
        return map_order(raw, map_status, account_id, requests)
    except OrderMappingError as exc:
        order_id = _text(raw.get("id"))  # read only for the problem: map_order reads it itself
        return OrderProblem(order_id=order_id, message=f"order {order_id or '(no id)'}: {exc}")
