"""Stock sync: one update call per product with a changed SKU, and nothing at all when nothing changed."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_support import EmulatorProcess, Result, at_most, connect

from connector_core import Integration, StockLevel

ROOT = Path(__file__).resolve().parent.parent

UPDATE = "/inventory/update"
LOOKUP = "/products/search"


def _push(emu: EmulatorProcess, integration: Integration, quantities: dict[str, int]) -> dict[str, Any]:
    emu.call("stats.reset")
    report = integration.push_stock([StockLevel(sku=sku, quantity=q) for sku, q in quantities.items()])
    outcomes: dict[str, int] = {}
    for item in report.results:
        outcomes[item.outcome] = outcomes.get(item.outcome, 0) + 1
    return {
        "levels": len(quantities),
        "update_calls": emu.calls(UPDATE),
        "lookup_calls": emu.calls(LOOKUP),
        "all_calls": emu.calls(),
        "reported_calls": report.calls,
        "outcomes": outcomes,
    }


def stock_sync(products: int, skus_per_product: int, changed_skus: int, workdir: Path) -> Result:
    """Push every SKU (the first sync), then again with a few SKUs changed, then once more unchanged."""
    result = Result(f"stock sync ({products * skus_per_product:,} SKUs over {products:,} products)")
    # Two extra products: catalogue positions 8 and 9 are inactive in the emulator (their updates fail per
    # SKU, so they would be retried on every run). Only active products are pushed.
    config = {
        "orders": 30,
        "seed": 5,
        "products_per_shop": products + 2,
        "skus_per_product": skus_per_product,
    }
    with EmulatorProcess(**config) as emu:
        catalogue = [p for p in emu.call("products", emu.shop("GB")["cipher"]) if p["status"] == "ACTIVATE"]
        product_of = {s["seller_sku"]: p["id"] for p in catalogue for s in p["skus"]}
        rng = random.Random(42)
        quantities = {sku: rng.randint(0, 500) for sku in product_of}
        integration = connect(emu, workdir / "stock.sqlite3")

        first = _push(emu, integration, quantities)
        changed = rng.sample(sorted(quantities), changed_skus)
        for sku in changed:
            quantities[sku] += 1
        second = _push(emu, integration, quantities)
        third = _push(emu, integration, quantities)
        checked = rng.sample(catalogue, 5)
        on_tiktok = {
            s["seller_sku"]: sum(emu.call("inventory", s["id"]).values()) for p in checked for s in p["skus"]
        }
    mismatched = sum(on_tiktok[sku] != quantities[sku] for sku in on_tiktok)
    touched = len({product_of[sku] for sku in changed})
    result.add(
        "SKUs pushed",
        len(product_of),
        target=f"= {products * skus_per_product:,}",
        ok=len(product_of) == products * skus_per_product,
    )
    result.add(
        "1st sync: update calls",
        first["update_calls"],
        target=f"<= {len(catalogue):,} products changed",
        ok=at_most(first["update_calls"], len(catalogue)),
    )
    result.add("1st sync: look-up calls", first["lookup_calls"])
    result.add(
        f"2nd sync ({changed_skus} SKUs changed): update calls",
        second["update_calls"],
        target=f"<= {touched} products changed",
        ok=at_most(second["update_calls"], touched),
    )
    result.add(
        "2nd sync: look-up calls", second["lookup_calls"], target="= 0", ok=second["lookup_calls"] == 0
    )
    result.add(
        "3rd sync (nothing changed): update calls",
        third["update_calls"],
        target="= 0",
        ok=third["update_calls"] == 0,
    )
    result.add("3rd sync: look-up calls", third["lookup_calls"], target="= 0", ok=third["lookup_calls"] == 0)
    result.add("3rd sync: any call", third["all_calls"], target="= 0", ok=third["all_calls"] == 0)
    result.add(
        "sampled quantities on TikTok differing from the host", mismatched, target="= 0", ok=mismatched == 0
    )
    result.details = {
        "first": first,
        "second": second,
        "third": third,
        "products_changed_in_second": touched,
        "sampled_skus": len(on_tiktok),
    }
    return result


_READ_FILE = """
import sys
from connector_core.cli.stock_file import check_stock_file
from memory_child import status_kib
with check_stock_file(sys.argv[1]) as stock:
    levels = sum(len(batch) for batch in stock.batches())
print(levels, status_kib("VmHWM"))
"""
# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's at fork (see memory_child.py).


def _read_peak(path: Path) -> tuple[int, float]:
    """Lines read and the peak RSS (MB) of a fresh process that checks `path` and reads it in batches, as
    `push-stock` does before and while pushing."""
    paths = [str(ROOT), str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = subprocess.run(
        [sys.executable, "-c", _READ_FILE, str(path)], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    return int(out[0]), int(out[1]) / 1024  # KiB -> MB


def stock_file_memory(small: int, large: int, workdir: Path) -> Result:
    """Peak memory of reading a stock file of `small` and of `large` lines (both passes, batches of 10,000):
    flat, where reading it whole took about 1.3 kB a line (3.8 GB for 3,000,000 lines)."""
    result = Result(f"stock file reading ({small:,} vs {large:,} lines)")
    peaks: dict[int, float] = {}
    for lines in (10, small, large):
        path = workdir / f"stock-{lines}.csv"
        with path.open("w") as out:
            out.write("sku,quantity,warehouse\n")
            for i in range(lines):
                out.write(f"SKU-{i:08d},{i % 500},WH{i % 3}\n")
        read, peaks[lines] = _read_peak(path)
        path.unlink()
        if read != lines:
            result.add(f"lines read of {lines:,}", read, target=f"= {lines:,}", ok=False)
    base = peaks[10]
    result.add("peak RSS, a 10-line file (the interpreter and imports)", round(base, 1), "MB")
    result.add(f"peak RSS growth, {small:,} lines", round(peaks[small] - base, 1), "MB")
    growth = peaks[large] - peaks[small]
    result.add(
        f"peak RSS growth from {small:,} to {large:,} lines",
        round(growth, 1),
        "MB",
        target="<= 16 MB (flat: batches, duplicates checked on disk)",
        ok=growth <= 16,
    )
    result.details = {"peak_rss_mb": {str(k): round(v, 1) for k, v in peaks.items()}}
    return result
