"""`integrations import --app APP FILE`: many sellers' connections from a CSV or JSON Lines file at once.

The file is read twice, never whole into memory (connector_core/flows/connection_file_import.py): every
entry is checked first, and the first bad one stops the command in one line naming the file, the line, the
connection and the field, with nothing written; then the entries are written one batch (one store
transaction) at a time, a line per batch. Standard input cannot be read twice, so it is held in memory (up
to `MAX_STDIN`) rather than copied to a temporary file: the tokens in it must not be left on a disk.

Nothing printed names a token: messages name fields, never values, and the per-connection lines of
`--verbose` give the line, the name and the new id only.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import IO, Any

from ..flows.bulk_import import DEFAULT_BATCH
from ..flows.connection_file import EXTENSIONS, FileFormat, Opener, format_of
from ..flows.connection_file_import import Batch, ImportPlan, check_file, write_file
from .inputs import MIB, STDIN, open_input, read_bytes
from .output import print_json
from .parsing import add_command, group_actions
from .session import open_integrations, store_options

PROG = "channel-connectors"
MAX_STDIN = 256 * MIB
"""The most standard input may hold (about 300,000 sellers); a larger import is given as a file."""
SNIFF = 4096


def _opener(path: str) -> tuple[Opener, bytes]:
    """How to read the file from its start (once per pass), and its first bytes (to tell the format)."""
    if path == STDIN:
        data = read_bytes(STDIN, "connections file", MAX_STDIN)
        return (lambda: io.BytesIO(data)), data[:SNIFF]
    file = Path(path)
    with open_input(path, "connections file") as handle:
        first = handle.read(SNIFF)

    def open_file() -> IO[bytes]:
        return file.open("rb")

    return open_file, first


def batch_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{value}: give 1 to 10000 connections per batch")
    return value


def cmd_import(args: argparse.Namespace) -> int:
    label = "standard input" if args.file == STDIN else args.file
    open_file, first = _opener(args.file)
    kind: FileFormat = args.format or format_of("" if args.file == STDIN else args.file, first)
    integrations = open_integrations(args)
    plan = check_file(integrations, args.app, open_file, label, kind)
    if not args.json:
        print(
            f"checked {plan.entries} connection(s) in {label} ({kind}): {plan.to_create} to create, "
            f"{len(plan.skipped)} already imported"
        )
    if args.dry_run:
        if args.json:
            print_json(_summary(plan, 0, 0, dry_run=True))
        else:
            print("dry run: nothing was written")
        return 0

    def report(batch: Batch) -> None:
        if args.json:
            return
        print(f"batch {batch.number}: lines {batch.first_line}-{batch.last_line}: {len(batch.ids)} created")
        if args.verbose:
            for line, name, iid in zip(batch.lines, batch.names, batch.ids, strict=True):
                print(f"  line {line}: {name!r} -> {iid}")

    created, batches = write_file(integrations, plan, open_file, batch_size=args.batch_size, on_batch=report)
    if args.json:
        print_json(_summary(plan, created, batches, dry_run=False))
        return 0
    if args.verbose:
        for line, existing in sorted(plan.skipped.items()):
            print(f"  line {line}: already imported as {existing}: skipped")
    skipped = f"; {len(plan.skipped)} already imported, skipped" if plan.skipped else ""
    print(f"imported {created} connection(s) under app {plan.app_id} in {batches} batch(es){skipped}")
    if created:
        print(f"next: {PROG} integrations list (the workers pull every imported shop at once)")
    return 0


def _summary(plan: ImportPlan, created: int, batches: int, *, dry_run: bool) -> dict[str, Any]:
    return {
        "app": plan.app_id,
        "file": plan.label,
        "format": plan.kind,
        "entries": plan.entries,
        "created": created,
        "skipped": len(plan.skipped),
        "batches": batches,
        "dry_run": dry_run,
    }


def register(sub: Any) -> None:
    p = add_command(
        group_actions(sub, "integrations"),
        "import",
        "import many sellers' connections under an app from a CSV or JSON Lines file",
        description="Import connections under an app from a file a host migrating its sellers holds: CSV "
        "(a header naming name, access_token, access_expires_at, refresh_token, refresh_expires_at, "
        "scopes, token_extra, shops, tag.KEY and setting.KEY columns, in any order) or JSON Lines (one "
        "object a line with name, tokens, shops, tags, settings); docs/platform.md gives the format. "
        "Every line is checked before anything is written, and the first bad one is named (file, line, "
        "connection, field). A connection whose shops this app already serves is skipped, so running the "
        "same file again imports only what is new. The file is read twice, never whole into memory; "
        "tokens are never printed.",
        examples=[
            f"{PROG} integrations import --app APP_ID sellers.csv",
            f"{PROG} integrations import --app APP_ID sellers.jsonl --dry-run",
            f"some-export | {PROG} integrations import --app APP_ID - --format jsonl --json",
        ],
        parents=[store_options()],
    )
    p.add_argument("file", help="the CSV or JSON Lines file, or - for standard input")
    p.add_argument("--app", required=True, help="the app the sellers connected to (`apps list`)")
    p.add_argument(
        "--format",
        choices=sorted(set(EXTENSIONS.values())),
        help="the file's format (default: by its extension, else by its first character)",
    )
    p.add_argument("--dry-run", action="store_true", help="check every line and write nothing")
    p.add_argument(
        "--batch-size",
        type=batch_size,
        default=DEFAULT_BATCH,
        help="connections per store transaction",
    )
    p.add_argument(
        "--verbose", action="store_true", help="one line per connection: line, name, new id (never a token)"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON document")
    p.set_defaults(handler=cmd_import)
