"""`integrations add | list | show | update | remove`: the integrations in the store."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import forms, pull_interval
from ..errors import ConnectorError, InvalidInput
from ..integration import Integrations
from ..store import IntegrationRecord
from ..store.index_roles import CONNECTION_SCOPE
from . import integration_list
from .apps import add_under_app
from .form_input import add_credentials_arguments, credentials_or_prompt, prompt_for_changes, refused
from .inputs import read_json_object
from .output import print_json
from .parsing import add_command, add_group
from .prompts import ask_form
from .session import open_integrations, store_options
from .shops import find_account

PROG = "channel-connectors"


# --- commands --------------------------------------------------------------------------------------------


def interval_arg(text: str) -> int:
    """Seconds (validated), or 0 for `default`: one usage line naming the value otherwise."""
    if text.strip().lower() == "default":
        return 0
    try:
        return pull_interval.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_add(args: argparse.Namespace) -> int:
    if getattr(args, "app", None):  # `--app APP` (cli/apps.py): a connection sharing a stored app
        return add_under_app(args)
    integrations = open_integrations(args, create=True)
    connector = integrations.host.get(args.connector)
    settings = read_json_object(args.settings, "settings file") if args.settings else None
    values = credentials_or_prompt(args, "integrations add")
    if values is None:
        record = _create_interactively(integrations, args.connector, settings, args.name)
    else:
        try:
            record = integrations.create(args.connector, values, settings or {}, name=args.name)
        except InvalidInput as exc:
            return refused(exc)
    if args.json:
        print_json({"id": record.id, "connector": record.connector, "name": record.name})
        return 0
    print(f"created integration {record.id} ({connector.manifest.name})")
    print(f"next: {PROG} connect {record.id}")
    return 0


def _create_interactively(
    integrations: Integrations, connector_id: str, settings: dict[str, Any] | None, name: str | None
) -> IntegrationRecord:
    """Ask for the credentials, then the settings (unless a file gave them); when the forms together are
    still refused (a rule across fields), re-ask only the fields named, a bounded number of times."""
    connector = integrations.host.get(connector_id)
    cred_schema, settings_schema = connector.credentials_schema(), connector.settings_schema()
    print(f"{connector.manifest.name} credentials (Enter leaves an optional field blank):")
    values = ask_form(cred_schema)
    if settings is None:
        print(
            "Settings (maps such as the warehouse map are set later with `integrations update --settings`):"
        )
        settings = ask_form(settings_schema)
    for attempt in range(3):
        try:
            return integrations.create(connector_id, values, settings, name=name)
        except InvalidInput as exc:
            if attempt == 2:
                raise
            print(f"  {exc}")
            fields = [e.field for e in exc.errors]
            values.update(ask_form(cred_schema, only={f.split(".")[0] for f in fields}))
            settings.update(
                ask_form(settings_schema, only={f.split(".")[1] for f in fields if f.startswith("settings.")})
            )
    raise AssertionError("unreachable: the loop returns or raises")


def describe(integrations: Integrations, integration_id: str) -> dict[str, Any]:
    record = integrations.store.get_integration(integration_id)
    redacted = integrations.redacted(integration_id)
    accounts = integrations.store.list_accounts(integration_id)
    intervals = integrations.store.pull_intervals(integration_id)
    return {
        "id": record.id,
        "connector": record.connector,
        "name": record.name,
        "credentials": redacted.values,
        "secrets_set": redacted.is_set,
        "settings": record.settings,
        "accounts": [a.model_dump(mode="json", exclude={"selector"}) for a in accounts],
        "selected_account": record.account_id or None,
        "app_id": record.app_id,
        "tags": record.tags,
        "pull_interval": intervals.get(CONNECTION_SCOPE),
        "shops": [
            {
                "id": shop.id,
                "name": shop.account.name,
                "region": shop.account.region,
                "status": shop.status,
                "status_reason": shop.status_reason,
                "settings": shop.settings,
                "next_pull_at": shop.next_pull_at.isoformat() if shop.next_pull_at else None,
                "failures": shop.failures,
                "pull_interval": intervals.get(shop.id),
            }
            for shop in integrations.store.list_shops(integration_id)
        ],
    }


def cmd_show(args: argparse.Namespace) -> int:
    # Always JSON: it is the form a host shows again; --json is accepted for uniformity.
    print_json(describe(open_integrations(args), args.integration))
    return 0


def _with_current(schema: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The form with each field's current value shown as what Enter keeps (secrets are never shown)."""
    shown = {**schema, "properties": dict(schema.get("properties") or {})}
    for name, value in current.items():
        field = shown["properties"].get(name)
        if isinstance(field, dict) and value is not None and not forms.is_secret(field):
            shown["properties"][name] = {**field, "default": value}
    return shown


def _ask_changes(
    integrations: Integrations, record: IntegrationRecord
) -> tuple[dict[str, Any], dict[str, Any]]:
    """At a terminal: every field asked again, Enter keeping its current value (a secret: left blank keeps
    the stored one); only the answers that differ are sent as the change."""
    connector = integrations.host.get(record.connector)
    current = integrations.redacted(record.id).values
    print(f"{connector.manifest.name} credentials of {record.id} (Enter keeps the current value):")
    answers = ask_form(_with_current(connector.credentials_schema(edit=True), current))
    credentials = {k: v for k, v in answers.items() if current.get(k) != v}
    print("Settings (Enter keeps the current value; maps are changed with --settings FILE):")
    settings_now = dict(record.settings)
    asked = ask_form(_with_current(connector.settings_schema(), settings_now))
    settings = {k: v for k, v in asked.items() if settings_now.get(k) != v}
    return credentials, settings


def cmd_update(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    record = integrations.store.get_integration(args.integration)
    account = None
    if args.shop is not None:
        account = find_account(integrations.store.list_accounts(record.id), args.shop)
    credentials = read_json_object(args.file, "credentials file") if args.file else None
    settings = read_json_object(args.settings, "settings file") if args.settings else None
    if args.all_shops and account is not None:
        raise ConnectorError("integrations update: give --shop or --all-shops, not both")
    if (
        credentials is None
        and settings is None
        and args.name is None
        and account is None
        and not args.all_shops
        and args.pull_interval is None
    ):
        prompt_for_changes(
            "integrations update",
            "--all-shops, --shop, --file, --settings, --name or --pull-interval",
            "each field is asked",
        )
        credentials, settings = _ask_changes(integrations, record)
    if credentials is not None or settings is not None or args.name is not None:
        try:
            integrations.update(record.id, credentials, settings, name=args.name)
        except InvalidInput as exc:
            return refused(exc)
    if account is not None:
        integrations.open(record.id).select_account(account.id)
    if args.all_shops:
        integrations.store.update_integration(record.id, account_id="")
    if args.pull_interval is not None:
        seconds = args.pull_interval or None  # 0: `default`, the worker's interval again
        integrations.store.set_pull_interval(record.id, CONNECTION_SCOPE, seconds)
    if args.json:
        print_json(describe(integrations, record.id))
        return 0
    print(f"updated integration {record.id}")
    if account is not None:
        print(f"serving only shop {account.name or account.id} ({account.id})")
    if args.all_shops:
        print("serving every active shop")
    if args.pull_interval is not None:
        every = pull_interval.describe(args.pull_interval) if args.pull_interval else "the worker's default"
        print(f"pulls every shop without its own interval every {every}")
    return 0


def _deauthorize_first(integrations: Any, integration_id: str, args: argparse.Namespace) -> None:
    """Withdraw the channel authorization too, when asked (--deauthorize, or yes at the prompt)."""
    integration = integrations.open(integration_id)
    if not integration.account_id or not integration.connector.implements("deauthorize_account"):
        return
    wanted = bool(getattr(args, "deauthorize", False))
    if not wanted and not args.yes and sys.stdin.isatty():
        try:
            answer = input(
                f"Also withdraw the app's authorization for shop {integration.account_id} at the channel "
                "(the seller is told; reconnecting needs their consent again)? [y/N] "
            )
        except EOFError:
            answer = ""
        wanted = answer.strip().lower() in {"y", "yes"}
    if not wanted:
        return
    try:
        integration.deauthorize()
        print(f"shop {integration.account_id}: authorization withdrawn at the channel")
    except ConnectorError as exc:
        print(
            f"shop {integration.account_id}: the channel did not take the deauthorization ({exc}); removing anyway"
        )


def cmd_remove(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    record = integrations.store.get_integration(args.integration)
    if not args.yes:
        if not sys.stdin.isatty():
            raise ConnectorError(
                f"integrations remove {record.id}: confirm with --yes (no terminal to ask on)"
            )
        try:
            answer = input(f"Delete {record.id} ({record.name}) and everything stored for it? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in {"y", "yes"}:
            print("kept: nothing deleted")
            return 1
    _deauthorize_first(integrations, record.id, args)
    integrations.remove(record.id)
    print(f"removed integration {record.id}")
    return 0


# --- wiring ----------------------------------------------------------------------------------------------


def register(sub: Any) -> None:
    store = store_options()
    actions = add_group(sub, "integrations", "add, list, show, update or remove integrations")

    p = add_command(
        actions,
        "add",
        "create an integration from a JSON file, or by answering prompts",
        description="Create an integration. With --file the credential values come from a JSON file; "
        "without it (at a terminal) each field is asked with its help text, secrets without echo.",
        examples=[
            f"{PROG} integrations add tiktok_shop --file creds.json --settings settings.json",
            f"{PROG} integrations add tiktok_shop            # prompts",
        ],
        parents=[store],
    )
    add_credentials_arguments(p)
    p.add_argument("--settings", help="JSON file of settings values (default: prompts, or the defaults)")
    p.add_argument("--name", help="a name for people (default: the connector's name)")
    p.add_argument("--json", action="store_true", help="print the new integration as JSON")
    p.set_defaults(handler=cmd_add)

    p = add_command(
        actions,
        "list",
        "list integrations, their shop and state",
        examples=[
            f"{PROG} integrations list",
            f"{PROG} integrations list --state failing --json",
            f"{PROG} integrations list --limit 50 --offset 50",
        ],
        parents=[store],
    )
    integration_list.add_arguments(p)
    p.set_defaults(handler=integration_list.cmd_list)

    p = add_command(
        actions,
        "show",
        "show one integration as JSON (every secret redacted)",
        examples=[f"{PROG} integrations show ID"],
        parents=[store],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--json", action="store_true", help="accepted for uniformity: show always prints JSON")
    p.set_defaults(handler=cmd_show)

    p = add_command(
        actions,
        "update",
        "change an integration: the shop it serves, credentials, settings or name",
        description="Change an integration. Credentials are merged into the stored ones: a secret left "
        "blank or sent back as ******** keeps its stored value. Settings are merged field by field.",
        examples=[
            f"{PROG} integrations update ID --all-shops",
            f"{PROG} integrations update ID --shop 7000123456789",
            f'{PROG} integrations update ID --shop "My UK Shop"',
            f"{PROG} integrations update ID --settings settings.json",
            f"{PROG} integrations update ID --pull-interval 900",
        ],
        parents=[store],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument(
        "--shop", help="serve only this shop: its id, name or cipher (by default every shop is served)"
    )
    p.add_argument(
        "--all-shops", action="store_true", help="serve every active shop again (lifts an earlier --shop)"
    )
    p.add_argument("--file", help="JSON file of credential values to change")
    p.add_argument("--settings", help="JSON file of settings values to change")
    p.add_argument("--name", help="a new name for people")
    p.add_argument(
        "--pull-interval",
        type=interval_arg,
        metavar="SECONDS",
        help="seconds between scheduled pulls of every shop without its own (`shop-settings ID SHOP "
        "pull_interval=N`); `default`: the worker's CHANNEL_CONNECTORS_PULL_INTERVAL",
    )
    p.add_argument("--json", action="store_true", help="print the updated integration as JSON")
    p.set_defaults(handler=cmd_update)

    p = add_command(
        actions,
        "remove",
        "delete an integration and everything stored for it (asks first)",
        examples=[f"{PROG} integrations remove ID", f"{PROG} integrations remove ID --yes"],
        parents=[store],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    p.add_argument(
        "--deauthorize",
        action="store_true",
        help="also withdraw the app's authorization for the shop at the channel (asked when interactive)",
    )
    p.set_defaults(handler=cmd_remove)
