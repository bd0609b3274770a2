"""The label hooks, for channels that sell the label: services, splitting an order into boxes, buying,
fetching and voiding a label, and the hand-over choices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..context import ConnectorContext
    from ..models import HandoverChoice, Interception, Label, LabelParcel, ShippingService


@hookspec(firstresult=True)
def shipping_services(ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:  # type: ignore[empty-body]
    """List the shipping services the channel offers for this box, with price and delivery estimate where given.

    Called when the operator or host wants to choose before buying. Read-only. Returns an empty list when
    the channel assigns the carrier itself (nothing to choose). Raises `LabelNotAllowed` when the order
    cannot get a channel label at all. ``firstresult``.
    """


@hookspec(firstresult=True)
def split_parcels(ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:  # type: ignore[empty-body]
    """Make the channel hold one package per box, where it needs the split before labels are bought.

    Called once per label set, before any `create_label`, with every box of the order (one box too), after
    the core recorded a "split" intent. Check the channel's split rules first and raise `LabelNotAllowed`
    naming what the channel refuses. Must be safe to repeat: read the order back and make no call when its
    lines are already grouped as asked. Returns the parcels, in order, with `package_id` set where the
    channel has a package for the box (left None where the label call itself creates it). ``firstresult``.
    """


@hookspec(firstresult=True)
def create_label(  # type: ignore[empty-body]
    ctx: ConnectorContext,
    parcel: LabelParcel,
    service_id: str | None,
    handover: HandoverChoice | None,
    overrides: Sequence[Interception],
) -> Label:
    """Buy (or arrange) the label for one box and return it with its document bytes.

    Called once per box after the core recorded a "label" intent with these exact line ids; called again
    only when an earlier attempt's outcome is unknown (lost answer, crash). So read back first: when the
    channel already has a label for exactly these lines, return it without buying another. `service_id`
    None means the channel's default; `handover` None means the connector's sensible default. Raise
    `LabelRefused` when the channel refuses this box (nothing bought), `LabelNotAllowed` for the order.
    `overrides` are the interception reasons the host decided to label despite (`Interception`): the core
    already checked the order; a connector that re-checks right before buying honours them.
    Returns the `Label`, its document as bytes. ``firstresult``.
    """


@hookspec(firstresult=True)
def fetch_label(ctx: ConnectorContext, package_id: str) -> Label:  # type: ignore[empty-body]
    """Fetch a bought label's document again (reprint): a fresh copy, since channel URLs expire.

    Called when the operator reprints a label. Read-only. Returns the `Label` with fresh bytes. Raises
    `LabelRefused` when the channel no longer serves it (for example after pickup).
    ``firstresult``.
    """


@hookspec(firstresult=True)
def handover_choices(ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:  # type: ignore[empty-body]
    """List how this box can reach the carrier: pickup slots and/or drop-off.

    Called before a label is created, when the seller wants to pick a pickup slot. Read-only. Returns an
    empty list where the channel arranges the handover without the seller's say.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def void_label(ctx: ConnectorContext, package_id: str) -> bool:  # type: ignore[empty-body]
    """Void a bought label. Returns True when the channel voided it.

    Called when the operator voids a label. A channel that cannot void through its API raises
    `LabelVoidUnsupported` saying where the seller does it (never pretend). ``firstresult``.
    """
