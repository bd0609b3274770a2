"""`integrations list [--state STATE] [--tag K=V] [--limit N] [--offset N]`: one page of integrations, every
filter one store query (`store.find_connections`), so listing the failing ones among thousands reads the
page, not every integration's status."""

from __future__ import annotations

import argparse
from typing import Any, cast

from ..store.index_roles import CONNECTION_STATES, ConnectionQuery, ConnectionState
from .output import print_json, print_table
from .session import open_integrations

PROG = "channel-connectors"
DEFAULT_LIMIT = 100
WORDS = {
    state: state.replace("_", " ").replace("reauthorization", "re-authorization")
    for state in CONNECTION_STATES
}
"""What the table and --json call each state (as before: `not connected`, `needs re-authorization`)."""


def state_arg(text: str) -> str:
    """`failing`, `not_connected`, `not connected`, `needs re-authorization` ...: one of the states."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_").replace("re_auth", "reauth")
    for state in CONNECTION_STATES:
        if wanted == state:
            return state
    raise argparse.ArgumentTypeError(f"{text!r} is not a state: one of {', '.join(CONNECTION_STATES)}")


def page_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 500:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..500")
    return value


def start(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: 0 is the first integration")
    return value


def cmd_list(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    store = integrations.store
    tagged = dict(getattr(args, "tag", None) or [])  # `--tag key=value` (cli/tags.py): the tag index
    found = store.find_connections(
        ConnectionQuery(
            state=cast("ConnectionState | None", args.state),
            tags=tagged,
            limit=args.limit,
            offset=args.offset,
            newest_first=False,  # oldest first, as the CLI always listed them
        )
    )
    rows: list[dict[str, Any]] = []
    for listed in found.rows:
        record = store.get_integration(listed.id)
        shops = store.list_accounts(record.id)
        shop = next((a for a in shops if a.id == record.account_id), shops[0] if len(shops) == 1 else None)
        rows.append(
            {
                "id": record.id,
                "connector": record.connector,
                "name": record.name,
                "shop": (shop.name or shop.id) if shop else None,
                "state": WORDS[listed.state],
                "tags": dict(record.tags),
            }
        )
    following = args.offset + args.limit
    next_offset = following if following < found.total else None
    if args.json:
        print_json({"integrations": rows, "total": found.total, "next_offset": next_offset})
        return 0
    if not rows:
        print(_nothing(args, tagged, found.total))
        return 0
    print_table(["ID", "CONNECTOR", "NAME", "SHOP", "STATE"], [list(r.values())[:5] for r in rows])
    if next_offset is not None or args.offset:
        more = f": --offset {next_offset} for the next page" if next_offset is not None else ""
        print(f"{args.offset + 1} to {args.offset + len(rows)} of {found.total}{more}")
    return 0


def _nothing(args: argparse.Namespace, tagged: dict[str, str], total: int) -> str:
    if total:
        return f"no integrations from {args.offset + 1}: there are {total}"
    if args.state or tagged:
        held = " and ".join(f"{k}={v}" for k, v in tagged.items())
        state = f"is in state {WORDS[args.state]}" if args.state else ""
        return "no integration " + " and ".join(filter(None, [state, f"holds {held}" if held else ""]))
    return f"no integrations yet: add one with `{PROG} integrations add CONNECTOR`"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document (shape: docs/cli.md)")
    p.add_argument(
        "--state",
        type=state_arg,
        help=f"only integrations in this state: {', '.join(CONNECTION_STATES)}",
    )
    p.add_argument(
        "--limit", type=page_size, default=DEFAULT_LIMIT, help=f"at most this many (default {DEFAULT_LIMIT})"
    )
    p.add_argument("--offset", type=start, default=0, help="skip this many first (the next page)")
