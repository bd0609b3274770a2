"""`integrations shop-settings ID SHOP [key=value ...] [--remove KEY]`: one shop's overrides of its
connection's settings (stock sync off for the DE shop ...), checked against the connector's settings form."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import forms
from ..errors import ConnectorError, InvalidInput
from .output import print_json
from .parsing import add_command, group_actions, key_value
from .session import open_integrations, store_options
from .shops import find_account

PROG = "channel-connectors"


def _value(text: str) -> Any:
    """`true`, `3`, `["a"]` as JSON; anything else as the text it is."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_shop_settings(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    record = integrations.store.get_integration(args.integration)
    shop = find_account(integrations.store.list_accounts(record.id), args.shop)
    integration = integrations.open(record.id)
    current = next(s.settings for s in integration.shops() if s.id == shop.id)
    if args.pairs or args.remove:
        schema = integration.connector.settings_schema()
        known = set((schema.get("properties") or {}).keys())
        for key in [k for k, _ in args.pairs] + list(args.remove):
            if key not in known:
                raise ConnectorError(
                    f"shop setting {key!r} is not a setting of {record.connector}: known: {', '.join(sorted(known))}"
                )
        overrides = {k: v for k, v in current.items() if k not in set(args.remove)}
        overrides.update({k: _value(v) for k, v in args.pairs})
        errors = forms.validate({**record.settings, **overrides}, schema)
        errors = [e for e in errors if e.field.split(".")[0] in overrides]
        if errors:
            raise InvalidInput(f"settings of shop {shop.id}", errors)
        current = integration.set_shop_settings(shop.id, overrides).settings
    if args.json:
        print_json({"id": record.id, "shop": shop.id, "settings": current})
        return 0
    if not current:
        print(f"shop {shop.id} uses the settings of integration {record.id} unchanged")
    for key, value in sorted(current.items()):
        print(f"{key}={json.dumps(value)}")
    return 0


def register(sub: Any) -> None:
    actions = group_actions(sub, "integrations")
    p = add_command(
        actions,
        "shop-settings",
        "override the integration's settings for one shop, or show the overrides",
        description="Settings given as key=value override the integration's for this shop only (values are "
        'JSON: true, 5, "text"; plain words are text); --remove drops an override; with neither the '
        "overrides are shown.",
        examples=[
            f"{PROG} integrations shop-settings ID 7000123456789 stock_sync=false",
            f'{PROG} integrations shop-settings ID "My DE Shop" --remove stock_sync',
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("shop", help="the shop: its id, name or cipher (as `integrations show` lists them)")
    p.add_argument("pairs", nargs="*", type=key_value, metavar="KEY=VALUE", help="overrides to set")
    p.add_argument(
        "--remove", action="append", default=[], metavar="KEY", help="drop this override (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the overrides as JSON")
    p.set_defaults(handler=cmd_shop_settings)
