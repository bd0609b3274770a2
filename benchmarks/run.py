"""Benchmarks of the TikTok Shop connector against the local emulator (issue 7).

    python benchmarks/run.py [--quick] [--json PATH] [--only NAME ...] [--scale-sizes 10,1000,...]
        [--scale-backends sqlite,postgresql]

Prints each figure beside its target with PASS or FAIL, writes every figure and the machine to
benchmarks/results/latest.json (or PATH), and exits 1 when a target is missed. `--quick` scales the sizes
down for CI and still prints every figure; there a missed timing target (speed, rates: they depend on the
runner) is printed but does not fail the run, while call counts, correctness and memory still do. All
traffic stays on 127.0.0.1. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from bench_connection_file import connection_file_import
from bench_emulator import emulator_speed
from bench_fairness import webhook_fairness
from bench_listing import connection_listing
from bench_memory import memory
from bench_orders import mapping_cost, order_import, rate_limited_import
from bench_scale import connections_at_scale
from bench_scale_work import import_vs_floor, memory_flat, workers_speedup
from bench_stock import stock_file_memory, stock_sync
from bench_store import store_benchmarks
from bench_support import HERE, Result, machine
from bench_tenants import tenant_isolation
from bench_tokens import token_refresh
from bench_web import webhook_receiver
from bench_workers import worker_benchmarks


@dataclass(frozen=True)
class Sizes:
    import_orders: int
    memory_small: int
    memory_large: int
    stock_products: int
    stock_skus_per_product: int
    stock_changed: int
    emulator_orders: int
    token_processes: int
    token_threads: int
    rate_orders: int
    rate_rps: int
    rate_runs: int
    store_token_processes: int
    store_token_threads: int
    store_lease_processes: int
    store_orders: int
    workers_integrations: int
    workers_rate_integrations: int
    workers_deliveries: int
    workers_orders: int
    scale_connections: tuple[int, ...] = (10, 1_000, 10_000, 100_000)
    scale_backends: tuple[str, ...] = ("sqlite", "postgresql")
    scale_deliveries: int = 5_000
    scale_polls: int = 100
    scale_floor_orders: int = 10_000
    scale_memory_small: int = 1_000
    scale_backfill: int = 100_000
    scale_tenant_samples: int = 30
    scale_workers_connections: int = 20
    scale_workers_orders: int = 1_800
    listing_connections: int = 3_000
    stock_file_lines: tuple[int, int] = (100_000, 1_000_000)
    connection_file_sellers: tuple[int, int] = (10_000, 100_000)
    webhook_burst: int = 5_000


FULL = Sizes(
    10_000, 1_000, 100_000, 1_000, 5, 250, 100_000, 8, 4, 2_000, 10, 3, 16, 4, 8, 5_000, 200, 400, 1_000, 600
)
QUICK = Sizes(
    2_000,
    1_000,
    20_000,
    200,
    5,
    50,
    100_000,
    8,
    4,
    2_000,
    10,
    1,
    16,
    4,
    8,
    1_000,
    20,
    100,
    200,
    150,
    scale_connections=(10, 100),
    scale_deliveries=1_000,
    scale_polls=20,
    scale_floor_orders=1_000,
    scale_memory_small=50,
    scale_backfill=30_000,
    scale_tenant_samples=12,
    scale_workers_connections=4,
    scale_workers_orders=600,
    listing_connections=300,
    stock_file_lines=(20_000, 200_000),
    connection_file_sellers=(2_000, 20_000),
    webhook_burst=1_000,
)


BY_HAND = frozenset({"scale"})
"""Benchmarks a full run leaves out unless named with --only (the scale benchmark's full size, up to
100,000 connections per backend, takes several minutes per backend); --quick runs them at their small size."""


def plan(sizes: Sizes, workdir: Path) -> list[tuple[str, Callable[[], list[Result]]]]:
    def orders_and_mapping() -> list[Result]:
        imported, bodies, integration = order_import(sizes.import_orders, workdir)
        return [imported, mapping_cost(bodies, integration)]

    return [
        ("import", orders_and_mapping),
        ("memory", lambda: [memory(sizes.memory_small, sizes.memory_large, workdir)]),
        (
            "stock",
            lambda: [
                stock_sync(sizes.stock_products, sizes.stock_skus_per_product, sizes.stock_changed, workdir),
                stock_file_memory(*sizes.stock_file_lines, workdir),
            ],
        ),
        ("emulator", lambda: [emulator_speed(sizes.emulator_orders)]),
        ("tokens", lambda: [token_refresh(sizes.token_processes, sizes.token_threads, workdir)]),
        ("rate", lambda: [rate_limited_import(sizes.rate_orders, sizes.rate_rps, sizes.rate_runs, workdir)]),
        (
            "store",
            lambda: store_benchmarks(
                sizes.store_token_processes,
                sizes.store_token_threads,
                sizes.store_lease_processes,
                sizes.store_orders,
                workdir,
            ),
        ),
        ("web", lambda: [webhook_receiver(2_000, 1, workdir), webhook_receiver(1_000, 10, workdir)]),
        (
            "workers",
            lambda: worker_benchmarks(
                sizes.workers_integrations,
                [1, 2, 4],
                sizes.workers_rate_integrations,
                sizes.workers_deliveries,
                sizes.workers_orders,
                workdir,
            ),
        ),
        (
            "scale",
            lambda: [
                *connections_at_scale(
                    list(sizes.scale_connections),
                    sizes.scale_deliveries,
                    sizes.scale_polls,
                    workdir,
                    sizes.scale_backends,
                ),
                import_vs_floor(sizes.scale_floor_orders, workdir),
                memory_flat(sizes.scale_memory_small, workdir),
                *workers_speedup(sizes.scale_workers_connections, sizes.scale_workers_orders, workdir),
            ],
        ),
        ("tenants", lambda: tenant_isolation(sizes.scale_backfill, sizes.scale_tenant_samples, workdir)),
        ("listing", lambda: connection_listing(sizes.listing_connections, workdir)),
        ("connfile", lambda: [connection_file_import(*sizes.connection_file_sellers, workdir)]),
        ("fairness", lambda: webhook_fairness(sizes.webhook_burst, workdir)),
    ]


def table(results: list[Result]) -> str:
    rows = [("benchmark", "figure", "value", "target", "result")]
    for result in results:
        for number, figure in enumerate(result.figures):
            verdict = "" if figure.ok is None else ("PASS" if figure.ok else "FAIL")
            rows.append(
                (result.name if number == 0 else "", figure.name, figure.shown(), figure.target, verdict)
            )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not counts or min(counts) < 1 or counts != sorted(counts):
        raise argparse.ArgumentTypeError(f"{text!r}: give positive sizes, smallest first")
    return counts


def _backends(text: str) -> list[str]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - {"sqlite", "postgresql"})
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"{text!r}: name sqlite, postgresql or both")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for CI (every figure still printed)"
    )
    parser.add_argument(
        "--json", type=Path, default=HERE / "results" / "latest.json", help="where to write JSON"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only these: import memory stock emulator tokens rate store web workers scale tenants listing "
        "connfile fairness",
    )
    parser.add_argument(
        "--scale-sizes",
        type=_counts,
        metavar="N,N,...",
        help="connections per store in the scale benchmark, smallest first (full: 10,1000,10000,100000; "
        "quick: 10,100); the routing and tick ratios compare the last with the first",
    )
    parser.add_argument(
        "--scale-backends",
        type=_backends,
        metavar="NAME,...",
        help="the scale benchmark's stores: sqlite, postgresql or both (the default; PostgreSQL needs "
        "CHANNEL_CONNECTORS_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.scale_sizes:
        sizes = replace(sizes, scale_connections=tuple(args.scale_sizes))
    if args.scale_backends:
        sizes = replace(sizes, scale_backends=tuple(args.scale_backends))
    logging.basicConfig(level=logging.ERROR)  # retries under faults log warnings; the table says what matters
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        for name, run in plan(sizes, Path(tmp)):
            if args.only and name not in args.only:
                continue
            if name in BY_HAND and not args.quick and not (args.only and name in args.only):
                print(
                    f"skipping {name} (minutes per backend at full size: --only {name} runs it)",
                    file=sys.stderr,
                )
                continue
            began = time.perf_counter()
            print(f"running {name} ...", file=sys.stderr, flush=True)
            produced = run()
            for result in produced:
                result.seconds = (time.perf_counter() - began) / len(produced)
            results.extend(produced)
    duration = time.perf_counter() - started
    print(table(results))
    passed = all(r.passed for r in results)
    gating = [f.name for r in results for f in r.failed(count_timing=not args.quick)]
    mode = "quick" if args.quick else "full"
    verdict = "all targets met" if passed else f"TARGETS MISSED: {', '.join(gating) or 'timing only'}"
    print(f"\n{verdict}; {duration:.0f} s ({mode})")
    if args.quick and not passed and not gating:
        print("(--quick reports timing targets without failing on them: the runner's speed decides those)")
    document = {
        "mode": mode,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": round(duration, 1),
        "passed": passed,
        "failed_gating": gating,
        "machine": machine(),
        "sizes": sizes.__dict__,
        "benchmarks": [r.as_json() for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return 1 if gating else 0


if __name__ == "__main__":
    sys.exit(main())
