"""Labels the channel sells: the boxes to label, the services and hand-over choices on offer, the bought
label with its document, and the outcome per box."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, field_serializer

from .base import Model, UtcDatetime
from .orders import Money


class Weight(Model):
    value: Decimal = Field(gt=0)
    unit: Literal["g", "kg", "lb", "oz"]

    @field_serializer("value")
    def _value_as_string(self, value: Decimal) -> str:
        # As Money: a string keeps every digit, and it pins the published schema to "string" (pydantic
        # describes a bare Decimal differently from one pydantic-core release to the next).
        return str(value)


class Dimensions(Model):
    length: Decimal = Field(gt=0)
    width: Decimal = Field(gt=0)
    height: Decimal = Field(gt=0)
    unit: Literal["cm", "in"]

    @field_serializer("length", "width", "height")
    def _lengths_as_strings(self, value: Decimal) -> str:
        return str(value)


class LabelParcel(Model):
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


class ShippingService(Model):
    id: str
    name: str
    carrier: str | None = None
    price: Money | None = Field(
        default=None, description="the channel's estimate; the bought label may differ"
    )
    delivery_days_min: int | None = None
    delivery_days_max: int | None = None
    is_default: bool = False


class HandoverChoice(Model):
    """How the parcel reaches the carrier: collected in a time slot, or dropped off by the seller."""

    method: Literal["pickup", "drop_off"]
    slot_start: UtcDatetime | None = None
    slot_end: UtcDatetime | None = None
    available: bool = True
    drop_off_points_url: str | None = None


class Label(Model):
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


class LabelResult(Model):
    channel_line_ids: list[str]
    outcome: LabelOutcome
    label: Label | None = None
    code: str | None = None
    message: str | None = None


class LabelReport(Model):
    order_id: str
    results: list[LabelResult]
