"""A label whose purchase answer was lost (TikTok bought it, the connection dropped before the answer came
back), then retried, and a host killed between the purchase and the ledger write: TikTok holds one label per
box, the ledger one label per box, and nothing is bought twice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from kill_points import killed_before_the_outcome_is_written
from reliability_support import connect, reopen, shop_cipher

from connector_core import ChannelUnavailable
from connector_core.flows import LABEL_INTENT
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

WRITE_PATHS = {
    "US": r"^/fulfillment/202309/packages$",  # Create Packages buys the label
    "GB": r"^/fulfillment/202309/packages/\d+/ship$",  # Ship Package arranges it
}


def two_line_order(emu: TikTokShopEmulator, region: str) -> dict[str, Any]:
    ids = emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=shop_cipher(emu, region), shipping_type="TIKTOK"
    )
    return next(emu.order(i) for i in ids if len(emu.order(i)["line_items"]) >= 2)


def writes(emu: TikTokShopEmulator, region: str) -> int:
    return sum(n for path, n in emu.stats.by_path().items() if re.match(WRITE_PATHS[region], path))


@pytest.mark.parametrize("region", ["US", "GB"])
def test_a_retried_label_whose_answer_was_lost_is_bought_once(tmp_path: Path, region: str) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=1200, seed=7)) as emu:
        integration = connect(emu, tmp_path / "store.sqlite3", region)
        order = two_line_order(emu, region)
        boxes = [[li["id"]] for li in order["line_items"][:2]]

        emu.faults.lose_answer(WRITE_PATHS[region])
        with pytest.raises(ChannelUnavailable):
            integration.create_labels(order["id"], boxes)
        assert writes(emu, region) == 1
        assert integration.labels(order["id"]) == [], "an unknown outcome was recorded as a label"

        retry = integration.create_labels(order["id"], boxes)
        assert [r.outcome for r in retry.results] == ["created", "created"]
        assert writes(emu, region) == 2, "the retry bought the first box again"
        after = emu.order(order["id"])
        labelled = [li for li in after["line_items"] if li["id"] in {b[0] for b in boxes}]
        assert len({li["package_id"] for li in labelled}) == 2
        assert all(r.label and r.label.document.startswith(b"%PDF-") for r in retry.results)


def test_a_kill_between_the_purchase_and_the_ledger_write_buys_nothing_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=1200, seed=7)) as emu:
        store_path = tmp_path / "store.sqlite3"
        integration = connect(emu, store_path, "US")
        order = two_line_order(emu, "US")
        boxes = [[li["id"]] for li in order["line_items"][:2]]
        with killed_before_the_outcome_is_written(monkeypatch, LABEL_INTENT):
            integration.create_labels(order["id"], boxes)
        assert writes(emu, "US") == 1

        restarted = reopen(store_path, integration.id)
        report = restarted.create_labels(order["id"], boxes)
        assert [r.outcome for r in report.results] == ["created", "created"]
        assert writes(emu, "US") == 2
        assert len(restarted.labels(order["id"])) == 2
