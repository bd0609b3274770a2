"""A host killed while its stock update is on the wire: TikTok may still apply that update after the next
push has been answered. The ledger must not then claim the newer level as what TikTok holds, and pushing
that level again must reach TikTok instead of being skipped as unchanged.

The chaos run found it (seed 398145): a push killed mid-call, the lease of the dead holder released at
once, another process's push of the same SKU confirmed, and then the dead process's request landed. Now a
dead holder's lease is taken over only once its call can no longer land (the call deadline).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from matrix_support import HERE, INVENTORY_UPDATE, calls_to, quick_http
from reliability_support import connect

from connector_core import StockLevel
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

TIKTOK_DELAY = 1.5  # seconds TikTok takes to apply the dead host's update: longer than the next push
WAIT = 30.0


def _tiktok_level(emu: TikTokShopEmulator, sku_id: str) -> int:
    return sum(emu.inventory(sku_id).values())


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def test_a_killed_push_landing_late_does_not_leave_the_ledger_claiming_the_newer_level(
    tmp_path: Path,
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=20, seed=5)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, "GB", http_clients=quick_http(), stock_sync=True)
        cipher = next(
            a.selector
            for a in integration.store.list_accounts(integration.id)
            if a.id == integration.account_id
        )
        sku, sku_id = next(
            (s["seller_sku"], s["id"])
            for p in emu.products(cipher)
            if p["status"] == "ACTIVATE"
            for s in p["skus"]
        )
        integration.push_stock([StockLevel(sku=sku, quantity=37)])  # also caches the SKU's ids
        assert _tiktok_level(emu, sku_id) == 37

        emu.faults.latency(TIKTOK_DELAY, INVENTORY_UPDATE)
        before = calls_to(emu, INVENTORY_UPDATE)
        child = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "flow_child.py"),
                str(store),
                integration.id,
                json.dumps({"push": [{"sku": sku, "quantity": 268}]}),
                "never",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=HERE,
        )
        try:
            _wait_for(lambda: calls_to(emu, INVENTORY_UPDATE) > before, "the child's update to reach TikTok")
        finally:
            child.kill()  # SIGKILL while TikTok is still working on its update
            child.wait(30)
        emu.faults.clear()
        assert _tiktok_level(emu, sku_id) == 37, "the dead host's update landed before the next push"

        killed_at = time.monotonic()
        newer = integration.push_stock([StockLevel(sku=sku, quantity=70)])
        assert [r.outcome for r in newer.results] == ["updated"]
        # The dead host's lease was taken over only once its call could no longer land (the call deadline),
        # so its late update came first and the newer level is the one TikTok keeps.
        assert time.monotonic() - killed_at >= TIKTOK_DELAY
        time.sleep(max(0.0, killed_at + TIKTOK_DELAY + 0.5 - time.monotonic()))
        row = integration.store.stock_levels(integration.id, integration.account_id)[(sku, None)]
        assert _tiktok_level(emu, sku_id) == 70 == row.quantity, (
            f"TikTok holds {_tiktok_level(emu, sku_id)}, the ledger confirmed {row.quantity}"
        )
        assert row.pending is None
