"""Importing a connections file (`integrations import`, the admin Import page): rate and memory.

Each size runs in a fresh process (its peak RSS is its own) that checks a JSON Lines file of N sellers and
writes it under one app in an SQLite store, as the CLI does: two passes, one batch in memory at a time.
Holding the entries (`import_connections` with the whole file as one list) costs about 2 kB a seller; the
two passes keep only each seller's name and shop ids for the duplicate checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench_support import Result

ROOT = Path(__file__).resolve().parent.parent
SHOPS_PER_SELLER = 2
BYTES_PER_LINE_TARGET = 400
"""Peak memory per added seller: its name and shop ids in the duplicate checks, far below an entry held."""

_IMPORT = """
import io, json, sys, time
from connector_core import ConnectorHost, Integrations, SQLiteStore
from connector_core.flows.connection_file_import import check_file, write_file
from connectors.tiktok_shop.devtools import emulator_form
from memory_child import status_kib
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

path, store_path = sys.argv[1], sys.argv[2]
with TikTokShopEmulator(EmulatorConfig(orders=1, seed=1)) as emu:
    form = emulator_form(emu)
integrations = Integrations(ConnectorHost().load(), SQLiteStore(store_path))
app = integrations.create_app("tiktok_shop", form, name="bench").id
opener = lambda: open(path, "rb")
began = time.perf_counter()
plan = check_file(integrations, app, opener, path, "jsonl")
checked = time.perf_counter()
created, batches = write_file(integrations, plan, opener)
done = time.perf_counter()
print(json.dumps({"entries": plan.entries, "created": created, "check_s": checked - began,
                  "write_s": done - checked, "peak_kib": status_kib("VmHWM")}))
"""
# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's at fork (see memory_child.py).


def _write(path: Path, sellers: int) -> None:
    with path.open("w") as out:
        for n in range(sellers):
            entry = {
                "name": f"Seller {n:07d}",
                "tags": {"customer": f"cust-{n}"},
                "tokens": {
                    "access_token": f"ROW_access_{n:07d}_" + "a" * 40,
                    "access_expires_at": "2030-01-01T00:00:00Z",
                    "refresh_token": f"ROW_refresh_{n:07d}_" + "r" * 40,
                    "refresh_expires_at": "2031-01-01T00:00:00Z",
                },
                "shops": [
                    {"id": f"7{n:09d}{s}", "region": "GB", "selector": f"GCP_cipher_{n}_{s}"}
                    for s in range(SHOPS_PER_SELLER)
                ],
            }
            out.write(json.dumps(entry) + "\n")


def _run(path: Path, store: Path) -> dict[str, float]:
    paths = [str(ROOT), str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(path), str(store)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def connection_file_import(small: int, large: int, workdir: Path) -> Result:
    """Peak RSS of importing `small` and `large` sellers from a file, and the rate of the larger import."""
    result = Result(f"connections file import ({small:,} vs {large:,} sellers, SQLite)")
    runs: dict[int, dict[str, float]] = {}
    for sellers in (10, small, large):
        path, store = workdir / f"sellers-{sellers}.jsonl", workdir / f"import-{sellers}.sqlite3"
        _write(path, sellers)
        runs[sellers] = _run(path, store)
        path.unlink()
        for leftover in workdir.glob(f"import-{sellers}.sqlite3*"):
            leftover.unlink()
        if runs[sellers]["created"] != sellers:
            result.add(
                f"connections created of {sellers:,}",
                runs[sellers]["created"],
                target=f"= {sellers:,}",
                ok=False,
            )
    peaks = {k: v["peak_kib"] / 1024 for k, v in runs.items()}
    result.add("peak RSS, 10 sellers (the interpreter, imports, the store)", round(peaks[10], 1), "MB")
    per_line = (peaks[large] - peaks[small]) * 1024 * 1024 / (large - small)
    result.add(
        f"peak RSS growth per seller from {small:,} to {large:,}",
        round(per_line),
        "bytes",
        target=f"<= {BYTES_PER_LINE_TARGET} (names and shop ids only; an entry held is ~2,000)",
        ok=per_line <= BYTES_PER_LINE_TARGET,
    )
    big = runs[large]
    result.add("check pass (every line)", round(large / big["check_s"]), "sellers/s", timing=True)
    result.add("write pass (batches of 1,000)", round(large / big["write_s"]), "sellers/s", timing=True)
    result.details = {"runs": {str(k): v for k, v in runs.items()}, "shops_per_seller": SHOPS_PER_SELLER}
    return result
