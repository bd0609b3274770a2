"""Orders as the host receives them: status, lines, money, address, parcels and cancellations, and the
pages an import hands over."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_serializer

from .base import Model, UtcDatetime


class OrderStatus(str, enum.Enum):
    """Where an order stands, in the host's words. Every channel status maps onto one of these."""

    AWAITING_PAYMENT = "awaiting_payment"
    ON_HOLD = "on_hold"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Fulfilment(str, enum.Enum):
    """Who gets the parcel to the buyer, which decides what the host may do with the order."""

    SELLER = "seller"
    """The seller ships with its own carrier and confirms the tracking (`confirm_shipment`)."""
    CHANNEL_LABEL = "channel_label"
    """The seller ships, with a label bought from the channel (`create_labels`)."""
    CHANNEL_WAREHOUSE = "channel_warehouse"
    """The channel's own warehouse picks, packs and ships (TikTok: FBT): nothing for the host to ship."""
    THIRD_PARTY = "third_party"
    """A logistics partner the channel appoints fulfils it (e.g. a 4PL): nothing for the host to ship."""


class Money(Model):
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")

    @field_serializer("amount")
    def _amount_as_string(self, amount: Decimal) -> str:
        # A string keeps every digit; a JSON float would not.
        return str(amount)


class Address(Model):
    name: str | None = None
    phone: str | None = None
    lines: list[str] = Field(default_factory=list, description="street lines, most specific last")
    city: str | None = None
    region: str | None = Field(default=None, description="state, county or province")
    postal_code: str | None = None
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    full_address: str | None = None
    is_masked: bool = Field(
        default=False,
        description=(
            "the channel hid part of it (for example, channel-arranged shipping); do not print labels from it"
        ),
    )


class OrderLine(Model):
    sku: str | None = Field(description="the seller's SKU (None when the channel has none for this item)")
    title: str
    quantity: int = Field(ge=1)
    unit_price: Money
    channel_sku_id: str | None = None
    channel_product_id: str | None = None
    channel_line_ids: list[str] = Field(
        default_factory=list,
        description="the channel's ids for the units of this line; shipment confirmation uses them",
    )
    variant: str | None = None
    cancelled_line_ids: list[str] = Field(
        default_factory=list,
        description="the units of this line the channel cancelled (a subset of channel_line_ids); never ship them",
    )


class Parcel(Model):
    """A package the order already has on the channel (tracking may be empty before it ships)."""

    id: str | None = None
    tracking_number: str | None = None
    carrier: str | None = None
    channel_line_ids: list[str] = Field(default_factory=list)


class Cancellation(Model):
    reason: str | None = None
    initiator: str | None = None
    cancelled_at: UtcDatetime | None = None


class CancellationRequest(Model):
    """A cancellation someone asked for that is not decided yet: the order must not ship meanwhile."""

    id: str | None = Field(default=None, description="the channel's id of the request, when it has one")
    requested_by: Literal["buyer", "seller", "channel"] | None = None
    requested_at: UtcDatetime | None = None
    respond_by: UtcDatetime | None = Field(
        default=None, description="the channel decides by itself after this (usually: it approves)"
    )
    reason: str | None = None


class Order(Model):
    id: str = Field(description="the channel's order id")
    status: OrderStatus
    channel_status: str = Field(description="the status exactly as the channel sent it")
    created_at: UtcDatetime
    updated_at: UtcDatetime
    paid_at: UtcDatetime | None = None
    ship_by: UtcDatetime | None = Field(
        default=None, description="the latest time the seller may ship without a late-shipment penalty"
    )
    collected_at: UtcDatetime | None = Field(
        default=None, description="when the carrier took the order over (in transit from then on)"
    )
    delivered_at: UtcDatetime | None = Field(default=None, description="when the order reached the buyer")
    account_id: str | None = Field(default=None, description="the shop or account the order belongs to")
    currency: str
    subtotal: Money
    shipping: Money
    tax: Money | None = None
    total: Money
    ship_to: Address
    lines: list[OrderLine] = Field(min_length=1)
    shipping_by: Literal["seller", "channel"] = Field(
        description="seller: the seller ships and confirms; channel: the channel arranges the label"
    )
    buyer_note: str | None = None
    parcels: list[Parcel] = Field(default_factory=list)
    cancellation: Cancellation | None = None
    cancellation_request: CancellationRequest | None = Field(
        default=None, description="a cancellation waiting for a decision; shipping is refused meanwhile"
    )
    fulfilment: Fulfilment | None = Field(
        default=None, description="who gets the parcel to the buyer (None: the connector does not say)"
    )
    warnings: list[str] = Field(default_factory=list)
    channel_data: dict[str, Any] = Field(default_factory=dict, description="channel fields kept verbatim")


class OrderProblem(Model):
    """An order that could not be imported: reported, skipped, and the rest of its page goes on."""

    order_id: str | None
    message: str


class OrderPage(Model):
    """One page of imported orders. `resume` is the connector's opaque cursor to continue after this page."""

    orders: list[Order]
    problems: list[OrderProblem] = Field(default_factory=list)
    resume: str | None = None
    total: int | None = Field(
        default=None, description="how many orders the whole window holds, if the channel says"
    )
    left_out: dict[str, int] = Field(
        default_factory=dict,
        description="orders of this page not imported on purpose, counted by reason (e.g. unpaid ones the "
        "settings leave out); with orders and problems they add up to the page's share of total",
    )


class OrderWindow(Model):
    """Orders updated in [since, until)."""

    since: UtcDatetime
    until: UtcDatetime
