"""`push-stock ID FILE`: push stock levels from a CSV, then a per-SKU report."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import ConnectorError
from ..models import StockOutcome, StockReport, StockResult
from .output import decorations_on, print_table
from .parsing import add_command
from .session import open_integrations, store_options
from .stock_file import check_stock_file

PROG = "channel-connectors"
MAX_TABLE_ROWS = 200
OUTCOMES: tuple[StockOutcome, ...] = ("updated", "unchanged", "unknown_sku", "rejected", "invalid", "stale")


class _Tally:
    """What a streamed push reports, in bounded memory: counts, calls, the first rows for the table."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.calls = self.total = 0
        self.first: list[StockResult] = []  # the whole table when the file is short
        self.problems: list[StockResult] = []  # else the first problems

    def add(self, report: StockReport) -> None:
        self.calls += report.calls
        for r in report.results:
            self.total += 1
            self.counts[r.outcome] += 1
            if len(self.first) <= MAX_TABLE_ROWS:
                self.first.append(r)
            if r.outcome not in {"updated", "unchanged"} and len(self.problems) < MAX_TABLE_ROWS:
                self.problems.append(r)

    @property
    def ok(self) -> bool:
        return self.counts["updated"] + self.counts["unchanged"] == self.total


def cmd_push_stock(args: argparse.Namespace) -> int:
    # The whole file is checked first (streamed): a bad file is reported without touching the store.
    with check_stock_file(args.file) as stock:
        integration = open_integrations(args).open(args.integration)
        if decorations_on(sys.stderr):  # the push is one long step for a big file: say it started
            print(f"pushing {stock.levels} level(s) read from {args.file} ...", file=sys.stderr, flush=True)
        tally = _Tally()
        out = _JsonResults(integration.id) if args.json else None
        sent = 0
        for batch in stock.batches():
            try:
                report = integration.push_stock(batch, force=args.force)
            except ConnectorError as exc:
                if not sent:
                    raise
                raise ConnectorError(
                    f"{exc} (after {sent} of {stock.levels} level(s) were pushed; run the same file again: "
                    "levels already sent make no call)"
                ) from None
            sent += len(batch)
            tally.add(report)
            if out is not None:
                out.results(report.results)
    if out is not None:
        out.end(tally)
        return 0 if tally.ok else 1
    rows = tally.first if tally.total <= MAX_TABLE_ROWS else tally.problems
    print_table(
        ["SKU", "WAREHOUSE", "OUTCOME", "QUANTITY", "CODE", "MESSAGE"],
        [[r.sku, r.warehouse, r.outcome, r.quantity, r.code, r.message] for r in rows],
    )
    if len(rows) < tally.total:
        # A file of millions of SKUs must not print millions of lines: the problems first, up to the cap.
        print(
            f"({tally.total - len(rows)} more SKU(s) not listed: the first {len(rows)} problems are "
            "above; --json lists every SKU)"
        )
    counts = ", ".join(f"{o} {n}" for o, n in tally.counts.items())
    print(f"{counts}; {tally.calls} update call(s)")
    return 0 if tally.ok else 1


class _JsonResults:
    """The `--json` document written as the batches come (the shape docs/cli.md gives, as `print_json`
    would indent it), so a file of millions of SKUs never holds every result in memory."""

    def __init__(self, integration_id: str) -> None:
        sys.stdout.write('{\n  "integration": ' + json.dumps(integration_id) + ',\n  "results": [')
        self.any = False

    def results(self, results: list[StockResult]) -> None:
        for r in results:
            item = json.dumps(r.model_dump(mode="json"), indent=2, ensure_ascii=False)
            sys.stdout.write(("," if self.any else "") + "\n    " + item.replace("\n", "\n    "))
            self.any = True

    def end(self, tally: _Tally) -> None:
        tail = json.dumps(
            {"counts": tally.counts, "calls": tally.calls, "ok": tally.ok}, indent=2, ensure_ascii=False
        )
        sys.stdout.write(("\n  ]," if self.any else "],") + "\n" + tail[2:] + "\n")  # tail: '{\n' dropped


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "push-stock",
        "push stock levels from a CSV (sku,quantity[,warehouse])",
        description="Push stock levels from a CSV file: a header naming sku and quantity (and optionally "
        "warehouse), in any case and order, separated by commas, semicolons or tabs; UTF-8, with or without "
        "Excel's byte-order mark. Quantities are whole numbers written with the digits 0-9. An optional as_of column says when "
        "each count was taken (ISO 8601 with a time zone); a level older than the one last applied is "
        "reported stale and not sent. If any line is bad, every bad line is reported and nothing is pushed. "
        "The file is read twice, never whole into memory, and pushed 10,000 lines at a time. Levels "
        "unchanged since the last push make no call.",
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
