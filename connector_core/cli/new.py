"""`channel-connectors new connector NAME [--dir PATH]`: scaffold a connector package (connector_core.scaffold).

The package is written, then its contract suite records its cassettes against the emulator stub, so it
replays green from the first commit. A bad name or an existing folder is refused in one line, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .parsing import PROG, UsageError, add_command, add_group


def cmd_new_connector(args: argparse.Namespace) -> int:
    from ..scaffold import ScaffoldError, generate, record

    target = Path(args.dir) if args.dir else Path.cwd() / args.name
    try:
        written = generate(args.name, target)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {len(written)} files into {target}")
    if args.no_record:
        print(f"next: cd {target} && pytest --channel-record-mode=once   # record the cassettes")
        return 0
    run = record(target)
    if run.returncode != 0:
        tail = (run.stdout + run.stderr).strip().splitlines()[-1:] or ["(no output)"]
        print(f"error: recording the cassettes against the emulator stub failed: {tail[0]}", file=sys.stderr)
        return 1
    cassettes = sorted(p.name for p in (target / "cassettes").glob("*.yaml"))
    print(f"recorded {len(cassettes)} cassettes against the emulator stub; the contract suite passes")
    print(f"next: cd {target} && pip install -e '.[test]' && pytest")
    return 0


def register(sub: Any) -> None:
    group = add_group(sub, "new", "start something new from a template (a connector package)")
    p = add_command(
        group,
        "connector",
        "scaffold a connector package that passes the contract suite out of the box",
        description="Write a connector distribution of its own (entry point, schemas, hookimpls, an emulator "
        "stub, a cassette-driven contract test, CI) into --dir (default: ./NAME), then record its cassettes "
        "against the stub. See docs/writing-a-connector.md.",
        examples=[f"{PROG} new connector my_channel", f"{PROG} new connector my_channel --dir ../my-channel"],
    )
    p.add_argument("name", help="the connector id: lowercase letters, digits, underscores (e.g. my_channel)")
    p.add_argument("--dir", help="where to write the package (must not exist; default: ./NAME)")
    p.add_argument(
        "--no-record", action="store_true", help="write the files only; record the cassettes later"
    )
    p.set_defaults(handler=cmd_new_connector)
