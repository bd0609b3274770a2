"""Shipment confirmations: the parcels the host shipped with its own carrier, what the kit may refuse to
ship (and the host override), and the outcome per parcel."""

from __future__ import annotations

import enum
from typing import Literal

from pydantic import Field

from .base import Model, UtcDatetime


class ShipmentLine(Model):
    sku: str | None = None
    quantity: int | None = Field(default=None, ge=1)
    channel_line_ids: list[str] = Field(default_factory=list)


class ShipmentParcel(Model):
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


class Shipment(Model):
    order_id: str = Field(min_length=1)
    parcels: list[ShipmentParcel] = Field(min_length=1)
    shipped_at: UtcDatetime | None = None
    overrides: list[Interception] = Field(
        default_factory=list, description="ship despite these (the host decided, knowingly); empty: refuse"
    )


ParcelOutcome = Literal["confirmed", "already_confirmed", "tracking_updated", "rejected"]


class ParcelResult(Model):
    tracking_number: str
    carrier: str
    outcome: ParcelOutcome
    package_id: str | None = None
    channel_line_ids: list[str] = Field(default_factory=list)
    code: str | None = None
    message: str | None = None
    warnings: list[str] = Field(default_factory=list)


class ShipmentReport(Model):
    order_id: str
    parcels: list[ParcelResult]
    calls: int = 0
