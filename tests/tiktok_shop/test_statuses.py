"""The default TikTok -> canonical status table, settings overrides, and unknown statuses."""

from __future__ import annotations

import pytest

from connector_core import OrderStatus
from connectors.tiktok_shop.statuses import DEFAULT_STATUS_MAP, map_status

DESIGN_TABLE = {
    "UNPAID": "awaiting_payment",
    "ON_HOLD": "on_hold",
    "AWAITING_SHIPMENT": "awaiting_shipment",
    "PARTIALLY_SHIPPING": "partially_shipped",
    "AWAITING_COLLECTION": "shipped",
    "IN_TRANSIT": "shipped",
    "DELIVERED": "delivered",
    "COMPLETED": "delivered",
    "CANCELLED": "cancelled",
}


@pytest.mark.parametrize(("tiktok", "canonical"), DESIGN_TABLE.items())
def test_default_table_is_the_design_table(tiktok, canonical):
    assert map_status(tiktok, {}) == OrderStatus(canonical)


def test_all_nine_statuses_are_covered():
    assert set(DEFAULT_STATUS_MAP) == set(DESIGN_TABLE)


def test_settings_override_wins_case_insensitively():
    assert (
        map_status("on_hold", {"status_overrides": {"ON_HOLD": "awaiting_shipment"}})
        == OrderStatus.AWAITING_SHIPMENT
    )


def test_unknown_status_is_left_to_the_caller():
    assert map_status("AWAITING_TELEPORT", {}) is None


def test_legacy_numeric_codes_still_map():
    assert map_status("140", {}) == OrderStatus.CANCELLED
