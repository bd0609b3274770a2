"""`push-stock ID FILE`: push stock levels from a CSV, then a per-SKU report."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..models import StockOutcome
from .inputs import read_stock_csv
from .output import decorations_on, print_json, print_table
from .parsing import add_command
from .session import open_integrations, store_options

PROG = "channel-connectors"
MAX_TABLE_ROWS = 200
OUTCOMES: tuple[StockOutcome, ...] = ("updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale")


def cmd_push_stock(args: argparse.Namespace) -> int:
    levels = read_stock_csv(args.file)  # the file first: a bad file is reported without touching the store
    integration = open_integrations(args).open(args.integration)
    if decorations_on(sys.stderr):  # the push is one long step for a big file: say it started
        print(f"pushing {len(levels)} level(s) read from {args.file} ...", file=sys.stderr, flush=True)
    report = integration.push_stock(levels, force=args.force)
    ok = all(r.outcome in {"updated", "unchanged"} for r in report.results)
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "results": [r.model_dump(mode="json") for r in report.results],
                "counts": {o: report.count(o) for o in OUTCOMES},
                "calls": report.calls,
                "ok": ok,
            }
        )
        return 0 if ok else 1
    rows = report.results
    if len(rows) > MAX_TABLE_ROWS:
        # A file of millions of SKUs must not print millions of lines: the problems first, up to the cap.
        rows = [r for r in rows if r.outcome not in {"updated", "unchanged"}][:MAX_TABLE_ROWS]
    print_table(
        ["SKU", "WAREHOUSE", "OUTCOME", "QUANTITY", "CODE", "MESSAGE"],
        [[r.sku, r.warehouse, r.outcome, r.quantity, r.code, r.message] for r in rows],
    )
    if len(rows) < len(report.results):
        print(
            f"({len(report.results) - len(rows)} more SKU(s) not listed: the first {len(rows)} problems are "
            "above; --json lists every SKU)"
        )
    counts = ", ".join(f"{o} {report.count(o)}" for o in OUTCOMES)
    print(f"{counts}; {report.calls} update call(s)")
    return 0 if ok else 1


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "push-stock",
        "push stock levels from a CSV (sku,quantity[,warehouse])",
        description="Push stock levels from a CSV file: a header naming sku and quantity (and optionally "
        "warehouse), in any case and order, separated by commas, semicolons or tabs; UTF-8, with or without "
        "Excel's byte-order mark. Quantities are whole numbers written with the digits 0-9. If any line is "
        "bad, every bad line is reported and nothing is pushed. Levels unchanged since the last push make "
        "no call.",
        examples=[
            f"{PROG} push-stock ID stock.csv",
            f"some-export | {PROG} push-stock ID -",
            f"{PROG} push-stock ID stock.csv --json",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("file", help="the CSV file, or - for standard input")
    p.add_argument("--force", action="store_true", help="send levels even when unchanged since the last push")
    p.add_argument("--json", action="store_true", help="print the report as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_push_stock)
