"""A parcel's identity is decided once, from what the host asked (normalised), and a tracking correction
is explicit.

Found by the one-process attacks: a retry after a lost answer spelling the carrier differently ('DPD'
then 'd-p-d') was a new parcel, so it shipped a second unit under the same tracking; confirming a new
tracking number for an order whose units all shipped (meant as T2TYPO -> T2) re-tracked whichever unit
came first, another parcel's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matrix_support import (
    DEFAULT_CARRIER,
    calls_to,
    quick_http,
    repeated_sku,
    shipment_violations,
    shippable_orders,
)
from reliability_support import connect

from connector_core import Shipment, ShipmentLine, ShipmentParcel
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

PACKAGES = r"^/fulfillment/\d+/orders/\d+/packages$"
SHIPPING_INFO = r"shipping_info/update$"


@pytest.fixture
def emu() -> TikTokShopEmulator:
    with TikTokShopEmulator(EmulatorConfig(orders=600, seed=7)) as emulator:
        yield emulator


def _one(order_id: str, tracking: str, sku: str, carrier: str = DEFAULT_CARRIER, **extra: str) -> Shipment:
    parcel = ShipmentParcel(
        tracking_number=tracking, carrier=carrier, lines=[ShipmentLine(sku=sku, quantity=1)], **extra
    )
    return Shipment(order_id=order_id, parcels=[parcel])


def _two_units(emu: TikTokShopEmulator) -> str:
    """An order with exactly two units of one SKU: two parcels of one unit each ship all of it."""
    return next(
        i
        for i in shippable_orders(emu, "GB", units_of_one_sku=2)
        if sum(li["seller_sku"] == repeated_sku(emu.order(i)) for li in emu.order(i)["line_items"]) == 2
    )


def _units_with(emu: TikTokShopEmulator, order_id: str, tracking: str) -> int:
    return sum(1 for li in emu.order(order_id)["line_items"] if li.get("tracking_number") == tracking)


def test_a_retry_spelling_the_carrier_differently_is_the_same_parcel(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "s.sqlite3", http_clients=quick_http())
    order_id = shippable_orders(emu, "GB", units_of_one_sku=2)[0]
    sku = repeated_sku(emu.order(order_id))
    emu.faults.lose_answer(PACKAGES, times=10)
    with pytest.raises(Exception):  # noqa: B017 - the answer is lost whatever the client makes of it
        integration.confirm_shipment(_one(order_id, "TRK-ID1", sku, "DPD"))
    emu.faults.clear()
    assert _units_with(emu, order_id, "TRK-ID1") == 1

    report = integration.confirm_shipment(_one(order_id, " trk-id1 ", sku, "d-p-d"))

    assert [p.outcome for p in report.parcels] == ["already_confirmed"]
    assert _units_with(emu, order_id, "TRK-ID1") == 1, "one unit under this tracking, not two"
    assert shipment_violations(emu, integration, order_id) == []


def test_a_new_tracking_for_a_shipped_unit_never_retracks_another_parcels_unit(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "s.sqlite3", http_clients=quick_http())
    order_id = _two_units(emu)
    sku = repeated_sku(emu.order(order_id))
    integration.confirm_shipment(_one(order_id, "T1", sku))
    integration.confirm_shipment(_one(order_id, "T2TYPO", sku))
    before = calls_to(emu, SHIPPING_INFO)

    implicit = integration.confirm_shipment(_one(order_id, "T2", sku))  # no unit left for a new parcel

    [result] = implicit.parcels
    assert result.outcome == "rejected" and "replaces" in (result.message or "")
    assert calls_to(emu, SHIPPING_INFO) == before
    assert (_units_with(emu, order_id, "T1"), _units_with(emu, order_id, "T2TYPO")) == (1, 1)


def test_an_explicit_correction_retracks_exactly_the_corrected_parcel(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "s.sqlite3", http_clients=quick_http())
    order_id = _two_units(emu)
    sku = repeated_sku(emu.order(order_id))
    integration.confirm_shipment(_one(order_id, "T1", sku))
    typo = integration.confirm_shipment(_one(order_id, "T2TYPO", sku)).parcels[0]

    fixed = integration.confirm_shipment(
        Shipment(
            order_id=order_id,
            parcels=[ShipmentParcel(tracking_number="T2", carrier=DEFAULT_CARRIER, replaces="T2TYPO")],
        )
    )

    [result] = fixed.parcels
    assert result.outcome == "tracking_updated"
    assert result.channel_line_ids == typo.channel_line_ids
    assert (_units_with(emu, order_id, "T1"), _units_with(emu, order_id, "T2")) == (1, 1)
    again = integration.confirm_shipment(
        Shipment(
            order_id=order_id,
            parcels=[ShipmentParcel(tracking_number="T2", carrier=DEFAULT_CARRIER, replaces="T2TYPO")],
        )
    )
    assert [p.outcome for p in again.parcels] == ["already_confirmed"] and again.calls == 0


def test_correcting_a_tracking_number_never_confirmed_is_refused(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "s.sqlite3", http_clients=quick_http())
    order_id = shippable_orders(emu, "GB")[0]
    parcel = ShipmentParcel(tracking_number="T9", carrier=DEFAULT_CARRIER, replaces="NEVER-SENT")

    [result] = integration.confirm_shipment(Shipment(order_id=order_id, parcels=[parcel])).parcels

    assert result.outcome == "rejected" and "NEVER-SENT" in (result.message or "")
    assert _units_with(emu, order_id, "T9") == 0
