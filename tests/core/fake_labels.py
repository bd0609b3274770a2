"""The fake connector's label hooks: an in-memory channel that sells labels, for the core's label-flow tests.

Honest like the rest of the fake: it reads back before buying (a box whose lines already have a label
returns that label), refuses boxes over its weight limit, and can lose the answer after a purchase the
way a dropped connection does (the label is bought, the caller hears nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from connector_core import (
    ChannelUnavailable,
    ConnectorContext,
    HandoverChoice,
    Label,
    LabelNotAllowed,
    LabelParcel,
    LabelRefused,
    LabelVoidUnsupported,
    ShippingService,
    hookimpl,
)

FAKE_PDF = b"%PDF-1.4\n%fake label\n%%EOF\n"
MAX_KG = Decimal(30)


@dataclass
class FakeLabelDesk:
    """The channel's label counter: package id -> the order and the line ids in it."""

    packages: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    purchases: Counter[str] = field(default_factory=Counter)
    lose_answers: int = 0
    reprints: int = 0

    def package_with(self, order_id: str, line_ids: Sequence[str]) -> str | None:
        for package_id, (order, lines) in self.packages.items():
            if order == order_id and set(lines) == set(line_ids):
                return package_id
        return None

    def labelled_lines(self, order_id: str) -> set[str]:
        return {line for order, lines in self.packages.values() if order == order_id for line in lines}


def _label(package_id: str, order_id: str, lines: Sequence[str], service: str | None) -> Label:
    return Label(
        order_id=order_id,
        package_id=package_id,
        channel_line_ids=list(lines),
        tracking_number=f"FAKE{package_id}",
        carrier="Fake Post",
        service=service,
        document=FAKE_PDF,
    )


class FakeLabelHooks:
    """Mixed into the fake connector: every hook of the labels capability."""

    desk: FakeLabelDesk

    @hookimpl
    def shipping_services(self, parcel: LabelParcel) -> list[ShippingService]:
        return [ShippingService(id="std", name="Fake Standard", carrier="Fake Post", is_default=True)]

    @hookimpl
    def split_parcels(self, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:
        return list(parcels)  # the fake makes the package with the label, like TikTok in the US

    @hookimpl
    def create_label(
        self,
        ctx: ConnectorContext,
        parcel: LabelParcel,
        service_id: str | None,
        handover: HandoverChoice | None,
    ) -> Label:
        desk = self.desk
        existing = desk.package_with(parcel.order_id, parcel.channel_line_ids)
        if existing is not None:
            return _label(existing, parcel.order_id, parcel.channel_line_ids, service_id)
        taken = desk.labelled_lines(parcel.order_id) & set(parcel.channel_line_ids)
        if taken:
            raise LabelNotAllowed(f"lines {sorted(taken)} already have a label")
        weight = parcel.weight
        if weight is not None and weight.unit == "kg" and weight.value > MAX_KG:
            raise LabelRefused(f"box over {MAX_KG} kg: split it", code="too_heavy")
        package_id = f"pkg-{len(desk.packages) + 1}"
        desk.packages[package_id] = (parcel.order_id, tuple(parcel.channel_line_ids))
        desk.purchases[parcel.order_id] += 1
        if desk.lose_answers:
            desk.lose_answers -= 1
            raise ChannelUnavailable(
                "Fake Channel", "ConnectionError", "POST /labels failed: ConnectionError"
            )
        return _label(package_id, parcel.order_id, parcel.channel_line_ids, service_id)

    @hookimpl
    def fetch_label(self, package_id: str) -> Label:
        if package_id not in self.desk.packages:
            raise LabelRefused(f"package {package_id}: no such label")
        self.desk.reprints += 1
        order_id, lines = self.desk.packages[package_id]
        return _label(package_id, order_id, lines, None)

    @hookimpl
    def handover_choices(self, parcel: LabelParcel) -> list[HandoverChoice]:
        return []

    @hookimpl
    def void_label(self, package_id: str) -> bool:
        raise LabelVoidUnsupported(f"package {package_id}: void it in the Fake Seller Portal")
