"""`integrations tag ID key=value ... [--remove KEY]` and `integrations list --tag key=value`: the host's own
labels on a connection (customer id, plan ...), found again through the store's tag index."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ConnectorError
from .output import print_json
from .parsing import add_command, group_actions, key_value
from .session import open_integrations, store_options

PROG = "channel-connectors"


def cmd_tag(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    record = integrations.store.get_integration(args.integration)
    if not args.pairs and not args.remove:
        tags = dict(record.tags)
    else:
        missing = [key for key in args.remove if key not in record.tags]
        if missing:
            raise ConnectorError(
                f"--remove {missing[0]!r}: integration {record.id} has no such tag "
                f"(its tags: {', '.join(sorted(record.tags)) or 'none'})"
            )
        tags = {k: v for k, v in record.tags.items() if k not in set(args.remove)}
        tags.update(dict(args.pairs))
        tags = dict(integrations.set_tags(record.id, tags).tags)
    if args.json:
        print_json({"id": record.id, "tags": tags})
        return 0
    if not tags:
        print(
            f"integration {record.id} has no tags: add one with `{PROG} integrations tag {record.id} key=value`"
        )
    for key, value in sorted(tags.items()):
        print(f"{key}={value}")
    return 0


def register(sub: Any) -> None:
    actions = group_actions(sub, "integrations")
    # `integrations list` filters by tag: the option lives here with the rest of tagging.
    actions.choices["list"].add_argument(
        "--tag",
        action="append",
        type=key_value,
        default=[],
        metavar="KEY=VALUE",
        help="only integrations holding this tag (repeat: every one of them)",
    )
    p = add_command(
        actions,
        "tag",
        "set, change, remove or show an integration's tags (the host's labels: customer id, plan ...)",
        description="Tags given as key=value are added or replaced; --remove drops a tag; with neither the "
        "tags are shown. Find integrations by tag with `integrations list --tag key=value`.",
        examples=[
            f"{PROG} integrations tag ID customer=4711 plan=gold",
            f"{PROG} integrations tag ID --remove plan",
            f"{PROG} integrations list --tag customer=4711",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("pairs", nargs="*", type=key_value, metavar="KEY=VALUE", help="tags to add or change")
    p.add_argument("--remove", action="append", default=[], metavar="KEY", help="drop this tag (repeatable)")
    p.add_argument("--json", action="store_true", help="print the tags as JSON")
    p.set_defaults(handler=cmd_tag)
