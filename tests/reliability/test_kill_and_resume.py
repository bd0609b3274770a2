"""The import process is killed with SIGKILL mid-run, twice, then run to the end: it resumes from the
cursor each time, and the host's sink ends with every order exactly once."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from reliability_support import DAY, connect, shop_cipher

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

HERE = Path(__file__).resolve().parent
ORDERS = 3_000  # 30 pages in the GB shop
PAGE = 100


def start_import(store: str, integration_id: str, sink: Path, run: int) -> subprocess.Popen[str]:
    with (sink.parent / f"run-{run}.stderr").open("w") as errors:  # a file: a full pipe would block the child
        return subprocess.Popen(
            [sys.executable, str(HERE / "import_child.py"), str(store), integration_id, str(sink), str(run)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=HERE,
        )


def kill_after(child: subprocess.Popen[str], pages: int, rng: random.Random) -> int:
    """SIGKILL the child a moment after it reports `pages` committed pages; returns pages it reported."""
    assert child.stdout is not None
    seen = 0
    try:
        for line in child.stdout:
            seen += line.startswith("page ")
            if seen >= pages:
                time.sleep(rng.uniform(0, 0.04))  # land the kill anywhere: mid-request, mid-cursor, mid-sink
                break
        else:
            raise AssertionError(f"the import ended before page {pages} (see run-*.stderr)")
    finally:
        child.kill()  # SIGKILL, to this child only
        child.wait(timeout=30)
    assert child.returncode == -9
    return seen


def test_killed_import_resumes_from_the_cursor_and_loses_nothing(tmp_path: Path, store_url: str) -> None:
    rng = random.Random(7)
    config = EmulatorConfig(orders=3 * ORDERS, seed=13, history_seconds=20 * DAY)
    with TikTokShopEmulator(config) as emu:
        store, sink = store_url, tmp_path / "sink.sqlite3"
        integration = connect(emu, store)
        expected = emu.order_ids(shop_cipher=shop_cipher(emu, "GB"))
        emu.faults.latency(0.02)  # slow pages a little, so each kill lands while the import is busy

        first = kill_after(start_import(store, integration.id, sink, 1), 6, rng)
        second = kill_after(start_import(store, integration.id, sink, 2), 8, rng)
        last = start_import(store, integration.id, sink, 3)
        out, _ = last.communicate(timeout=120)
        assert last.returncode == 0, (tmp_path / "run-3.stderr").read_text()
        assert out.strip().endswith("done")

    with sqlite3.connect(sink) as db:
        kept = [row[0] for row in db.execute("SELECT id FROM orders")]
        writes = db.execute("SELECT id, run FROM writes ORDER BY seq").fetchall()
    assert sorted(kept) == sorted(expected), "the sink lost or gained orders"

    by_run: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for order_id, run in writes:
        by_run[run].append(order_id)
    assert len(by_run[1]) >= first * PAGE and len(by_run[2]) >= second * PAGE
    for run in (2, 3):
        earlier = {order_id for r in range(1, run) for order_id in by_run[r]}
        again = [order_id for order_id in by_run[run] if order_id in earlier]
        # Resumed, not restarted: at most the page in flight when the process died is imported again.
        assert len(again) <= PAGE, f"run {run} re-imported {len(again)} orders: it did not resume"
    written = Counter(order_id for order_id, _ in writes)
    assert set(written) == set(expected)
    assert max(written.values()) <= 3
