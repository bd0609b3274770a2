"""`pull-orders ID`: import orders as JSON Lines (stdout or `--output`), ending with a summary."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime
from typing import Any

from ..errors import ConnectorError
from .order_file import OrderFile
from .output import ProgressBar, print_json
from .parsing import add_command, moment
from .session import open_integrations, store_options

PROG = "channel-connectors"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def cmd_pull_orders(args: argparse.Namespace) -> int:
    if args.since is not None and args.until is not None and args.since >= args.until:
        raise ConnectorError(
            f"--since {args.since:%Y-%m-%d %H:%M} is not before --until {args.until:%Y-%m-%d %H:%M}: "
            "swap them, or give a window that is not empty"
        )
    integration = open_integrations(args).open(args.integration)
    # This pull moves the import cursor the workers use: with a host plugin receiving orders, each version
    # read here goes to it too (once, through the workers' hand-over), or the host would never see them.
    hand_over = integration.connector.implements("order_pages_ready")
    progress = ProgressBar("orders")
    imported = 0
    problems: list[dict[str, Any]] = []
    left_out: Counter[str] = Counter()
    stdout_lines = args.output is None
    with OrderFile(args.output) if args.output else _NoFile() as out:
        try:
            for page in integration.pull_orders(args.since, args.until):
                if stdout_lines:
                    for order in page.orders:
                        sys.stdout.write(order.model_dump_json() + "\n")
                    sys.stdout.flush()
                else:
                    out.write_page(page.orders)
                if hand_over:
                    from ..work.delivery import deliver  # the worker's module, loaded only when needed

                    deliver(integration, page)
                imported += len(page.orders)
                for problem in page.problems:
                    problems.append({"order_id": problem.order_id, "message": problem.message})
                left_out.update(page.left_out)
                progress.advance(
                    len(page.orders) + len(page.problems) + sum(page.left_out.values()), page.total
                )
        finally:
            progress.finish()
    status = integration.status()
    summary = {
        "integration": integration.id,
        "window": {"since": _when(args.since), "until": _when(args.until or status.last_order_sync)},
        "imported": imported,
        "written": out.written if args.output else imported,
        "already_in_file": out.already_there if args.output else 0,
        "problems": problems,
        "left_out": dict(left_out),
        "output": args.output,
    }
    _report(summary, as_json=args.json)
    return 1 if problems else 0


def _report(summary: dict[str, Any], *, as_json: bool) -> None:
    # The orders own stdout when no --output is given: the summary then goes to stderr, never mixed in.
    stream = sys.stdout if summary["output"] and as_json else sys.stderr
    if as_json:
        print_json(summary, stream)
        return
    window = summary["window"]
    since = window["since"] or "the saved cursor"
    lines = [f"pulled orders from {since} to {window['until'] or 'now'}: {summary['imported']} imported"]
    if summary["output"]:
        lines.append(
            f"  {summary['written']} new line(s) in {summary['output']}, "
            f"{summary['already_in_file']} already there"
        )
    for reason, count in summary["left_out"].items():
        lines.append(f"  {count} left out: {reason}")
    if summary["problems"]:
        lines.append(f"  {len(summary['problems'])} problem(s), skipped:")
        lines += [f"    {p['order_id'] or '?'}: {p['message']}" for p in summary["problems"]]
    for line in lines:
        print(line, file=stream)


class _NoFile:
    written = 0
    already_there = 0

    def __enter__(self) -> _NoFile:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write_page(self, orders: list[Any]) -> int:
        raise AssertionError("stdout output does not use the order file")


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "pull-orders",
        "import orders as JSON Lines (resumes from the cursor; a window backfills)",
        description="Import orders, oldest update first, as one JSON object a line on stdout or into "
        "--output. Without a window it resumes where the last import ended; --since/--until backfill a "
        "window (resumable on its own). A summary ends the run: imported, problems, orders left out and why.",
        examples=[
            f"{PROG} pull-orders ID --output orders.jsonl",
            f"{PROG} pull-orders ID --since 2026-01-01 --until 2026-02-01 --output january.jsonl",
            f"{PROG} pull-orders ID --json --output orders.jsonl   # summary as JSON",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--since", type=moment, help="backfill from this ISO date/time (UTC unless it says)")
    p.add_argument("--until", type=moment, help="backfill up to this ISO date/time (default: now)")
    p.add_argument(
        "--output",
        help="add the orders to this JSON Lines file, one line per order version, never twice "
        "(default: stdout)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_pull_orders)
