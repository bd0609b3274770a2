"""`integrations shop-settings ID SHOP [key=value ...] [--remove KEY]`: one shop's overrides of its
connection's settings (stock sync off for the DE shop ...), checked against the connector's settings form."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import forms, pull_interval
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
    # The pull interval is the core's schedule setting, whatever the connector's settings form has.
    pairs = [(k, v) for k, v in args.pairs if k != pull_interval.SETTING]
    removed = [k for k in args.remove if k != pull_interval.SETTING]
    interval = next((v for k, v in reversed(args.pairs) if k == pull_interval.SETTING), None)
    try:
        seconds = pull_interval.parse(_value(interval)) if interval is not None else None
    except ValueError as exc:
        raise ConnectorError(f"shop {shop.id}: {exc}") from None
    if pairs or removed:
        schema = integration.connector.settings_schema()
        known = set((schema.get("properties") or {}).keys())
        for key in [k for k, _ in pairs] + removed:
            if key not in known:
                raise ConnectorError(
                    f"shop setting {key!r} is not a setting of {record.connector}: known: "
                    f"{', '.join(sorted(known | {pull_interval.SETTING}))}"
                )
        overrides = {k: v for k, v in current.items() if k not in set(removed)}
        overrides.update({k: _value(v) for k, v in pairs})
        errors = forms.validate({**record.settings, **overrides}, schema)
        errors = [e for e in errors if e.field.split(".")[0] in overrides]
        if errors:
            raise InvalidInput(f"settings of shop {shop.id}", errors)
        current = integration.set_shop_settings(shop.id, overrides).settings
    if seconds is not None or pull_interval.SETTING in args.remove:
        integrations.store.set_pull_interval(record.id, shop.id, seconds)
    own = integrations.store.pull_intervals(record.id).get(shop.id)
    if args.json:
        print_json({"id": record.id, "shop": shop.id, "settings": current, pull_interval.SETTING: own})
        return 0
    if not current and own is None:
        print(f"shop {shop.id} uses the settings of integration {record.id} unchanged")
    for key, value in sorted(current.items()):
        print(f"{key}={json.dumps(value)}")
    if own is not None:
        print(f"{pull_interval.SETTING}={own}  (pulled every {pull_interval.describe(own)})")
    return 0


def register(sub: Any) -> None:
    actions = group_actions(sub, "integrations")
    p = add_command(
        actions,
        "shop-settings",
        "override the integration's settings for one shop, or show the overrides",
        description="Settings given as key=value override the integration's for this shop only (values are "
        'JSON: true, 5, "text"; plain words are text); --remove drops an override; with neither the '
        "overrides are shown. pull_interval=SECONDS (60 to 604800) is the core's schedule setting: when this shop is "
        "pulled again, whatever the connector's settings form has.",
        examples=[
            f"{PROG} integrations shop-settings ID 7000123456789 stock_sync=false",
            f'{PROG} integrations shop-settings ID "My DE Shop" --remove stock_sync',
            f"{PROG} integrations shop-settings ID 7000123456789 pull_interval=900",
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
