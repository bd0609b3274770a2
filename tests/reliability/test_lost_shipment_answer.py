"""A shipment confirmation whose answer is lost (TikTok applied it, the connection dropped before the
answer came back) and then retried: TikTok holds one shipment, the ledger one confirmation."""

from __future__ import annotations

import pytest
from reliability_support import connect, shop_cipher

from connector_core import ChannelUnavailable, Shipment, ShipmentParcel
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

# GB marks line items as shipped (a new package per call); DE ships the order's existing package by id.
SHIP_PATHS = {
    "GB": r"^/fulfillment/202309/orders/\d+/packages$",
    "DE": r"^/fulfillment/202309/packages/\d+/ship$",
}
TRACKING = "LOST-ANSWER-0001"


def seller_shipped_order(emu: TikTokShopEmulator, region: str) -> dict:
    order_id = emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=shop_cipher(emu, region), shipping_type="SELLER"
    )[-1]
    return emu.order(order_id)


def ship_calls(emu: TikTokShopEmulator) -> int:
    return sum(n for path, n in emu.stats.by_path().items() if path.startswith("/fulfillment/"))


@pytest.mark.parametrize("region", ["GB", "DE"])
def test_a_retried_confirmation_whose_answer_was_lost_ships_once(store_url: str, region: str) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=300, seed=9)) as emu:
        integration = connect(emu, store_url, region)
        order = seller_shipped_order(emu, region)
        packages_before = len(order["packages"])
        shipment = Shipment(
            order_id=order["id"], parcels=[ShipmentParcel(tracking_number=TRACKING, carrier="DPD")]
        )

        emu.faults.lose_answer(SHIP_PATHS[region])
        with pytest.raises(ChannelUnavailable):
            integration.confirm_shipment(shipment)
        applied = emu.order(order["id"])
        assert {line["tracking_number"] for line in applied["line_items"]} == {TRACKING}, (
            "TikTok did not apply it"
        )
        assert ship_calls(emu) == 1
        # the outcome was unknown: nothing is recorded as done
        assert (
            integration.store.list_intents(integration.id, key_prefix=f"{order['id']}/", status="done") == []
        )

        retry = integration.confirm_shipment(shipment)
        assert [p.outcome for p in retry.parcels] in (["already_confirmed"], ["confirmed"])
        assert retry.calls == 0
        assert ship_calls(emu) == 1, "the retry shipped again"
        after = emu.order(order["id"])
        shipped_in = {line["package_id"] for line in after["line_items"]}
        assert len(shipped_in) == 1, f"the lines went into several packages: {shipped_in}"
        new_packages = len(after["packages"]) - packages_before
        assert new_packages == (1 if region == "GB" else 0)  # DE shipped its existing package
        ledger = integration.store.list_intents(integration.id, key_prefix=f"{order['id']}/", status="done")
        assert len(ledger) == 1 and ledger[0].payload["tracking_number"] == TRACKING

        calls_before = emu.stats.calls()
        again = integration.confirm_shipment(shipment)
        assert [p.outcome for p in again.parcels] == ["already_confirmed"]
        assert emu.stats.calls() == calls_before, "a confirmation already in the ledger made a call"
        assert len(integration.store.list_intents(integration.id, key_prefix=f"{order['id']}/")) == 1
