"""Memory: importing many orders must not cost more memory than importing few (pages are streamed)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_orders import SHOPS
from bench_support import HERE, REPO, EmulatorProcess, Result, connect

LIMIT_MB = 50.0


def _child(store: Path, integration_id: str, since: datetime, until: datetime) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "memory_child.py"),
            str(store),
            integration_id,
            since.isoformat(),
            until.isoformat(),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory child failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(small: int, large: int, workdir: Path) -> Result:
    """Peak RSS of a process importing `large` orders against one importing `small`, same code, same shop."""
    result = Result(f"memory ({small:,} vs {large:,} orders)")
    with EmulatorProcess(orders=large * SHOPS, seed=11) as emu:
        store = workdir / "memory.sqlite3"
        integration = connect(emu, store)
        since, until = emu.whole_history()
        # Generated update times are spread evenly over the history, so a slice of it holds a share of orders.
        start = datetime.fromtimestamp(emu.info["clock_start"] - emu.info["history_seconds"], tz=timezone.utc)
        small_until = start + timedelta(seconds=emu.info["history_seconds"] * small / large)
        few = _child(store, integration.id, since, small_until)
        many = _child(store, integration.id, since, until)
    growth_mb = (many["peak_rss_kib"] - few["peak_rss_kib"]) / 1024
    result.add(f"peak RSS, {few['orders']:,} orders", few["peak_rss_kib"] / 1024, "MB")
    result.add(f"peak RSS, {many['orders']:,} orders", many["peak_rss_kib"] / 1024, "MB")
    result.add("peak RSS growth", growth_mb, "MB", target=f"< {LIMIT_MB:.0f} MB", ok=growth_mb < LIMIT_MB)
    result.add(
        "orders imported (large run)", many["orders"], target=f"= {large:,}", ok=many["orders"] == large
    )
    result.add(
        "orders per second (large run, own process)",
        many["orders"] / many["seconds"],
        "orders/s",
        timing=True,
    )
    result.details = {"small": few, "large": many, "growth_mb": growth_mb}
    return result
