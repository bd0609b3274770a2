"""Canonical models: what every connector hands the host, whatever the channel.

The host only ever sees these shapes. Channel quirks (TikTok's one-line-per-unit items, Shopify's
fulfillment orders, ...) are flattened into them by the connector; what does not fit goes into
`channel_data`, kept verbatim so nothing is lost. Their JSON Schemas are generated into `schemas/core/`.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_serializer,
)

# Re-exported: its home is capabilities.py, so the hook specs import no pydantic.
from .capabilities import Capability as Capability


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
"""A datetime that is always timezone-aware and normalised to UTC."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Money(_Model):
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")

    @field_serializer("amount")
    def _amount_as_string(self, amount: Decimal) -> str:
        # A string keeps every digit; a JSON float would not.
        return str(amount)


class Address(_Model):
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


class OrderLine(_Model):
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


class Parcel(_Model):
    """A package the order already has on the channel (tracking may be empty before it ships)."""

    id: str | None = None
    tracking_number: str | None = None
    carrier: str | None = None
    channel_line_ids: list[str] = Field(default_factory=list)


class Cancellation(_Model):
    reason: str | None = None
    initiator: str | None = None
    cancelled_at: UtcDatetime | None = None


class CancellationRequest(_Model):
    """A cancellation someone asked for that is not decided yet: the order must not ship meanwhile."""

    id: str | None = Field(default=None, description="the channel's id of the request, when it has one")
    requested_by: Literal["buyer", "seller", "channel"] | None = None
    requested_at: UtcDatetime | None = None
    respond_by: UtcDatetime | None = Field(
        default=None, description="the channel decides by itself after this (usually: it approves)"
    )
    reason: str | None = None


class Order(_Model):
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


class OrderProblem(_Model):
    """An order that could not be imported: reported, skipped, and the rest of its page goes on."""

    order_id: str | None
    message: str


class OrderPage(_Model):
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


class OrderWindow(_Model):
    """Orders updated in [since, until)."""

    since: UtcDatetime
    until: UtcDatetime


class StockLevel(_Model):
    sku: str = Field(min_length=1)
    quantity: int
    warehouse: str | None = Field(
        default=None, description="the host's warehouse code; mapped by the connector's settings"
    )
    as_of: int | UtcDatetime | None = Field(
        default=None,
        description="how new this level is: a version number that only grows, or the time the host counted "
        "it (timezone-aware); the ledger refuses a level older than the one applied. Use one kind per host",
    )

    def freshness(self) -> int | None:
        """`as_of` as one comparable number: a version as is, a time as microseconds since 1970."""
        if self.as_of is None or isinstance(self.as_of, int):
            return self.as_of
        return round(self.as_of.timestamp() * 1_000_000)


StockOutcome = Literal["updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale"]
"""`stale`: the level is older (`as_of`) than one already applied or in flight; it was not sent."""


class StockResult(_Model):
    sku: str
    warehouse: str | None = None
    outcome: StockOutcome
    quantity: int | None = Field(default=None, description="the quantity sent (after clamping)")
    code: str | None = None
    message: str | None = None


class StockReport(_Model):
    results: list[StockResult]
    calls: int = Field(0, description="update calls made to the channel")

    def count(self, outcome: StockOutcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


class ShipmentLine(_Model):
    sku: str | None = None
    quantity: int | None = Field(default=None, ge=1)
    channel_line_ids: list[str] = Field(default_factory=list)


class ShipmentParcel(_Model):
    tracking_number: str = Field(min_length=1)
    carrier: str = Field(min_length=1)
    lines: list[ShipmentLine] = Field(
        default_factory=list, description="empty: every line of the order not shipped yet"
    )
    replaces: str | None = Field(
        default=None,
        min_length=1,
        description="a correction: the tracking number of a parcel of this order confirmed before; exactly "
        "its units get this tracking and carrier (`lines` must be empty). Without it a parcel only ever "
        "takes units not shipped yet",
    )


class Interception(str, enum.Enum):
    """Why the kit refuses to ship or label an order that a host may still ship on purpose (`overrides`).

    An order the channel cancelled, or one the channel's warehouse fulfils, is refused with no override.
    """

    CANCELLATION_REQUESTED = "cancellation_requested"
    """Someone asked to cancel the order and nobody decided yet."""
    LINES_CANCELLED = "lines_cancelled"
    """Some units of the order were cancelled; the parcel must leave them out."""
    ADDRESS_CHANGED = "address_changed"
    """The buyer changed the address after the version the host was handed."""


class Shipment(_Model):
    order_id: str = Field(min_length=1)
    parcels: list[ShipmentParcel] = Field(min_length=1)
    shipped_at: UtcDatetime | None = None
    overrides: list[Interception] = Field(
        default_factory=list, description="ship despite these (the host decided, knowingly); empty: refuse"
    )


ParcelOutcome = Literal["confirmed", "already_confirmed", "tracking_updated", "rejected"]


class ParcelResult(_Model):
    tracking_number: str
    carrier: str
    outcome: ParcelOutcome
    package_id: str | None = None
    channel_line_ids: list[str] = Field(default_factory=list)
    code: str | None = None
    message: str | None = None
    warnings: list[str] = Field(default_factory=list)


class ShipmentReport(_Model):
    order_id: str
    parcels: list[ParcelResult]
    calls: int = 0


class Weight(_Model):
    value: Decimal = Field(gt=0)
    unit: Literal["g", "kg", "lb", "oz"]

    @field_serializer("value")
    def _value_as_string(self, value: Decimal) -> str:
        # As Money: a string keeps every digit, and it pins the published schema to "string" (pydantic
        # describes a bare Decimal differently from one pydantic-core release to the next).
        return str(value)


class Dimensions(_Model):
    length: Decimal = Field(gt=0)
    width: Decimal = Field(gt=0)
    height: Decimal = Field(gt=0)
    unit: Literal["cm", "in"]

    @field_serializer("length", "width", "height")
    def _lengths_as_strings(self, value: Decimal) -> str:
        return str(value)


class LabelParcel(_Model):
    """One box to label: which of the order's lines (the channel's line ids) it holds, and its size."""

    order_id: str = Field(min_length=1)
    channel_line_ids: list[str] = Field(
        min_length=1, description="the channel's ids of the units in this box"
    )
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    package_id: str | None = Field(
        default=None, description="the channel's package for this box, once it exists (after a split)"
    )


class ShippingService(_Model):
    id: str
    name: str
    carrier: str | None = None
    price: Money | None = Field(
        default=None, description="the channel's estimate; the bought label may differ"
    )
    delivery_days_min: int | None = None
    delivery_days_max: int | None = None
    is_default: bool = False


class HandoverChoice(_Model):
    """How the parcel reaches the carrier: collected in a time slot, or dropped off by the seller."""

    method: Literal["pickup", "drop_off"]
    slot_start: UtcDatetime | None = None
    slot_end: UtcDatetime | None = None
    available: bool = True
    drop_off_points_url: str | None = None


class Label(_Model):
    """A bought label: the channel's package, its tracking, and the document (kept: channel URLs expire)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    order_id: str
    package_id: str
    channel_line_ids: list[str] = Field(default_factory=list)
    tracking_number: str | None = None
    carrier: str | None = None
    service: str | None = None
    document: bytes = Field(repr=False, description="the label document itself (base64 in JSON)")
    document_format: Literal["pdf", "png", "zpl"] = "pdf"
    document_url: str | None = Field(
        default=None, repr=False, description="the channel's URL, if it gave one"
    )
    document_url_expires_at: UtcDatetime | None = None
    handover: HandoverChoice | None = None
    warnings: list[str] = Field(default_factory=list)


LabelOutcome = Literal["created", "already_created", "refused"]


class LabelResult(_Model):
    channel_line_ids: list[str]
    outcome: LabelOutcome
    label: Label | None = None
    code: str | None = None
    message: str | None = None


class LabelReport(_Model):
    order_id: str
    results: list[LabelResult]


class TokenSet(_Model):
    """Tokens from an OAuth exchange or refresh. Expiries are absolute UTC instants, never durations."""

    access_token: SecretStr
    access_expires_at: UtcDatetime
    refresh_token: SecretStr | None = None
    refresh_expires_at: UtcDatetime | None = None
    scopes: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict, description="non-secret facts from the response")


class Account(_Model):
    """A shop or seller account the authorization covers."""

    id: str
    name: str | None = None
    region: str | None = None
    selector: str | None = Field(
        default=None,
        description="what the channel needs on each call to address this account (TikTok: the shop cipher)",
    )
    extra: dict[str, Any] = Field(default_factory=dict)


class ConnectionCheck(_Model):
    ok: bool
    message: str
    needs_reauthorization: bool = Field(
        default=False, description="the seller must authorize again: show the Connect button, not a retry"
    )
    accounts: list[Account] = Field(default_factory=list)


class WebhookKind(str, enum.Enum):
    ORDER_STATUS_CHANGED = "order_status_changed"
    ORDER_CANCELLATION = "order_cancellation"
    PACKAGE_UPDATED = "package_updated"
    DEAUTHORIZED = "deauthorized"
    AUTHORIZATION_EXPIRING = "authorization_expiring"
    ADDRESS_CHANGED = "address_changed"
    RETURN_CHANGED = "return_changed"
    OTHER = "other"


class WebhookEvent(_Model):
    id: str = Field(description="for de-duplication: the channel's notification id, or a digest of the body")
    kind: WebhookKind
    channel_type: str = Field(description="the event type as the channel names it")
    account_id: str | None = None
    occurred_at: UtcDatetime | None = None
    order_id: str | None = None
    channel_status: str | None = None
    status: OrderStatus | None = None
    reauthorize_by: UtcDatetime | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class ReauthorizationState(_Model):
    """How long the seller's authorization lasts, and whether the channel has already withdrawn it."""

    deadline: UtcDatetime | None
    needs_reauthorization: bool = False
    reason: str | None = None


class Manifest(_Model):
    """What a connector says about itself. Schema paths are absolute; secret_parameters feed the cassette
    filters."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    version: str
    capabilities: frozenset[Capability]
    credentials_schema: str
    settings_schema: str | None = None
    ui_schema: str | None = Field(default=None, description="the credential form's RJSF uiSchema")
    settings_ui_schema: str | None = Field(default=None, description="the settings form's RJSF uiSchema")
    secret_parameters: tuple[str, ...] = Field(
        default=(), description="query/header/body names whose values are secret on the wire"
    )
    docs_url: str | None = None
    callback_path: str = Field(
        default="/callback", description="the OAuth redirect path hosts register with the channel's app"
    )


CANONICAL_MODELS: tuple[type[BaseModel], ...] = (
    Order,
    OrderPage,
    StockLevel,
    StockReport,
    Shipment,
    ShipmentReport,
    Account,
    WebhookEvent,
    ReauthorizationState,
    LabelParcel,
    ShippingService,
    HandoverChoice,
    Label,
    LabelReport,
)
"""The models whose JSON Schemas are published in schemas/core/ (nested models come along as $defs)."""
