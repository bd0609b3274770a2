"""`store size` and `store prune`: how big the store is per table, and giving back what no flow reads
again (the rules are in store/upkeep.py), then VACUUM on request."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import timedelta
from typing import Any, cast

from ..errors import ConnectorError
from ..store.upkeep import UpkeepRole
from .output import print_json
from .parsing import PROG, add_command, add_group
from .session import open_integrations, store_options

DEFAULT_DAYS = 30


def _human(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _upkeep(store: object) -> UpkeepRole:
    if not all(hasattr(store, name) for name in ("store_size", "prune_store", "vacuum")):
        raise ConnectorError(f"this store ({type(store).__name__}) offers no size or prune")
    return cast(UpkeepRole, store)


def cmd_size(args: argparse.Namespace) -> int:
    size = _upkeep(open_integrations(args).store).store_size()
    if args.json:
        print_json(asdict(size))
        return 0
    print(f"{size.backend} store at {args.store_location}: {_human(size.total_bytes)}")
    width = max(len(t.table) for t in size.tables)
    for t in sorted(size.tables, key=lambda t: (-(t.bytes or 0), t.table)):
        print(f"  {t.table:<{width}}  {t.rows:>10} rows  {_human(t.bytes):>10}")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    if args.older_than < 0:
        print(f"{PROG} store prune: --older-than must be 0 or more days, not {args.older_than}")
        return 2
    integrations = open_integrations(args)
    store = _upkeep(integrations.store)
    cutoff = integrations.clock.now() - timedelta(days=args.older_than)
    counts = store.prune_store(cutoff, dry_run=args.dry_run)
    vacuumed = False
    if args.vacuum and not args.dry_run:
        store.vacuum()
        vacuumed = True
    if args.json:
        print_json(
            {
                "dry_run": args.dry_run,
                "older_than_days": args.older_than,
                "cutoff": cutoff.isoformat(),
                "rows": counts,
                "vacuumed": vacuumed,
            }
        )
        return 0
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} (older than {args.older_than} days where it applies):")
    for name, count in counts.items():
        print(f"  {name.replace('_', ' ')}: {count}")
    if vacuumed:
        print("vacuumed: freed space given back")
    elif args.vacuum:
        print("not vacuumed: a dry run changes nothing")
    return 0


def register(sub: Any) -> None:
    store = store_options()
    actions = add_group(sub, "store", "how big the store is, and prune or vacuum it")
    p = add_command(
        actions,
        "size",
        "rows and bytes per table, and the store's size",
        description="Rows and bytes on disk per table (indexes counted with their table), and the whole "
        "store: the SQLite file with its WAL, or PostgreSQL's pg_total_relation_size summed.",
        examples=[f"{PROG} store size", f"{PROG} store size --json"],
        parents=[store],
    )
    p.add_argument("--json", action="store_true", help="print the sizes as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_size)

    p = add_command(
        actions,
        "prune",
        "delete finished runs, done outbox work, used OAuth states, expired links, empty cache entries",
        description="Delete what no flow reads again: runs finished before the cut-off (the newest run of each "
        "flow of each shop stays, for `status`), outbox work finished before it, OAuth states used or "
        "expired, connect links expired before it, and empty cache entries. Ledgers (what was sent to the "
        "channel, confirmed or uncertain) are never pruned. --vacuum then gives the space back.",
        examples=[
            f"{PROG} store prune --dry-run",
            f"{PROG} store prune --older-than 7 --vacuum",
            f"{PROG} store prune --json",
        ],
        parents=[store],
    )
    p.add_argument(
        "--older-than", type=int, default=DEFAULT_DAYS, metavar="DAYS",
        help=f"the cut-off in days for runs, outbox work and links (default {DEFAULT_DAYS})",
    )  # fmt: skip
    p.add_argument("--vacuum", action="store_true", help="VACUUM afterwards (VACUUM ANALYZE on PostgreSQL)")
    p.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    p.add_argument("--json", action="store_true", help="print the counts as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_prune)
