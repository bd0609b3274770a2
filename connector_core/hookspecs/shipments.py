"""The shipment hooks: planning a confirmation against the order as the channel has it, and confirming."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..context import ConnectorContext
    from ..models import Shipment, ShipmentReport


@hookspec(firstresult=True)
def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str]) -> Shipment:  # type: ignore[empty-body]
    """Resolve every parcel to the exact channel line ids it covers, reading the order; change nothing.

    Called once per parcel the core has not recorded yet, before anything is sent: the core records the
    ids this returns and confirms with exactly those ids on every attempt, so a retry after a lost answer
    never picks other units. Resolve parcels in order (two "SKU x 1" parcels of an order holding two
    units get one unit each); a parcel without lines means every line not shipped yet. Choose only units
    not shipped yet: a shipped unit is another parcel's. `held_line_ids` are lines an earlier parcel of
    this order holds (confirmed or still uncertain): never choose them.
    Returns a `Shipment` with the same parcels in the same order, each with `lines` carrying
    `channel_line_ids`. Raises `ShipmentRejected` naming the parcel or SKU when a parcel cannot be
    matched (nothing is recorded), `ShipmentNotAllowed` when the channel ships the order itself.
    Optional: without it the core records the line ids the host gave. ``firstresult``.
    """


@hookspec(firstresult=True)
def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:  # type: ignore[empty-body]
    """Tell the channel an order (or part of it) shipped, with tracking, one call per parcel as needed.

    Called with one parcel at a time, with the line ids `plan_shipment` chose and the core recorded
    (a parcel already confirmed never reaches the connector). The same parcel may come again after a
    lost answer, an exception or a kill: read the order back first and report lines that already carry
    this tracking number as ``already_confirmed`` without a call. A new tracking number on shipped
    lines (an explicit correction: the core sends the lines of the parcel `replaces` names) updates the
    earlier confirmation (``tracking_updated``). Returns a `ShipmentReport` with one
    result per parcel; ``rejected`` only when the channel said no (nothing applied). Raise (do not
    report ``rejected``) when the outcome is unknown: an outage or a lost answer; the core retries.
    Raises `ShipmentNotAllowed` when the channel ships the order itself. ``firstresult``.
    """
