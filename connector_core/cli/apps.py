"""`apps list | show | add | update`: a connector's registrations with the channel (app key and secret ...).

One app serves many connections: `apps update` rotates its secret once, and every connection under it signs
with the new one from the next call. Secrets come from a file or a prompt without echo, never from the
command line (where `ps` and the shell history would keep them), and are never printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import forms
from ..errors import ConnectorError, InvalidInput
from ..integration import Integrations
from ..store.platform_records import AppRecord
from .form_input import add_credentials_arguments, credentials_or_prompt, prompt_for_changes, refused
from .inputs import read_json_object
from .output import print_json, print_table
from .parsing import add_command, add_group, group_actions
from .prompts import ask_form
from .session import open_integrations, store_options

PROG = "channel-connectors"


def _connections(integrations: Integrations, app_id: str) -> list[str]:
    return [r.id for r in integrations.list() if r.app_id == app_id]


def describe_app(integrations: Integrations, app: AppRecord) -> dict[str, Any]:
    """An app as the operator may see it: every secret as ******** (and whether it is set)."""
    schema = integrations.host.get(app.connector).credentials_schema()
    redacted = forms.redact(dict(app.credentials.items()), schema)
    return {
        "id": app.id,
        "connector": app.connector,
        "name": app.name,
        "owned_by": app.owned_by,
        "credentials": redacted.values,
        "secrets_set": redacted.is_set,
        "connections": _connections(integrations, app.id),
        "updated_at": app.updated_at.isoformat(),
    }


def cmd_list(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    apps = integrations.apps(args.connector)
    users: dict[str, int] = {}
    for record in integrations.list():
        if record.app_id:
            users[record.app_id] = users.get(record.app_id, 0) + 1
    rows = [
        {
            "id": a.id,
            "connector": a.connector,
            "name": a.name,
            "connections": users.get(a.id, 0),
            "owned_by": a.owned_by,
        }
        for a in apps
    ]
    if args.json:
        print_json({"apps": rows})
        return 0
    if not rows:
        print(f"no apps yet: add one with `{PROG} apps add CONNECTOR`")
        return 0
    print_table(["ID", "CONNECTOR", "NAME", "CONNECTIONS", "OWNED BY"], [list(r.values()) for r in rows])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    print_json(describe_app(integrations, integrations.store.get_app(args.app)))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    integrations = open_integrations(args, create=True)
    connector = integrations.host.get(args.connector)
    values = credentials_or_prompt(args, "apps add")
    if values is None:
        print(f"{connector.manifest.name} app credentials (secrets are not echoed):")
        values = ask_form(connector.credentials_schema())
    try:
        app = integrations.create_app(connector.id, values, name=args.name)
    except InvalidInput as exc:
        return refused(exc)
    if args.json:
        print_json(describe_app(integrations, app))
        return 0
    print(f"created app {app.id} ({connector.manifest.name})")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    app = integrations.store.get_app(args.app)
    credentials: dict[str, Any] | None = None
    if args.file:
        credentials = read_json_object(args.file, "credentials file")
    elif args.name is None:
        prompt_for_changes(
            "apps update", "--file FILE.json (or - for standard input) or --name", "the secrets are asked"
        )
        schema = integrations.host.get(app.connector).credentials_schema(edit=True)
        print(f"new secrets for app {app.id} (not echoed; Enter keeps the stored one):")
        credentials = ask_form(schema, only=forms.secret_fields(schema))
    try:
        updated = integrations.update_app(app.id, credentials, name=args.name)
    except InvalidInput as exc:
        return refused(exc)
    if args.json:
        print_json(describe_app(integrations, updated))
        return 0
    users = _connections(integrations, app.id)
    print(f"updated app {app.id}: {len(users)} connection(s) use the new values from their next call")
    return 0


def add_under_app(args: argparse.Namespace) -> int:
    """`integrations add CONNECTOR --app APP`: a new seller's connection sharing an app's credentials."""
    integrations = open_integrations(args)
    app = integrations.store.get_app(args.app)
    if args.file:
        raise ConnectorError(
            "integrations add: give --file (its own credentials) or --app (a shared app), not both"
        )
    if app.connector != args.connector:
        raise ConnectorError(f"--app {app.id!r} is an app of {app.connector}, not of {args.connector}")
    settings = read_json_object(args.settings, "settings file") if args.settings else None
    try:
        record = integrations.create_connection(app.id, settings, name=args.name)
    except InvalidInput as exc:
        return refused(exc)
    if args.json:
        print_json({"id": record.id, "connector": record.connector, "name": record.name, "app": app.id})
        return 0
    print(f"created integration {record.id} under app {app.id}")
    print(f"next: {PROG} connect {record.id}")
    return 0


def register(sub: Any) -> None:
    group_actions(sub, "integrations").choices["add"].add_argument(
        "--app", help="share this app's credentials (`apps list`) instead of asking for them"
    )
    store = store_options()
    actions = add_group(
        sub, "apps", "list, show, add or update apps (a connector's registration: key, secret)"
    )

    p = add_command(
        actions,
        "list",
        "list apps and how many connections use each",
        examples=[f"{PROG} apps list", f"{PROG} apps list --connector tiktok_shop --json"],
        parents=[store],
    )
    p.add_argument("--connector", help="only this connector's apps")
    p.add_argument("--json", action="store_true", help="print one JSON document (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_list)

    p = add_command(
        actions,
        "show",
        "show one app as JSON (every secret as ********) and the connections using it",
        examples=[f"{PROG} apps show APP_ID"],
        parents=[store],
    )
    p.add_argument("app", help="the app's id, as `apps list` shows it")
    p.add_argument("--json", action="store_true", help="accepted for uniformity: show always prints JSON")
    p.set_defaults(handler=cmd_show)

    p = add_command(
        actions,
        "add",
        "store an app's credentials once, for every connection made under it",
        description="Store an app. With --file the credential values come from a JSON file (- for standard "
        "input); without it (at a terminal) each field is asked, secrets without echo.",
        examples=[
            f"{PROG} apps add tiktok_shop --file app.json --name 'EU app'",
            f"{PROG} apps add tiktok_shop            # prompts",
        ],
        parents=[store],
    )
    add_credentials_arguments(p)
    p.add_argument("--name", help="a name for people (default: the connector's name)")
    p.add_argument("--json", action="store_true", help="print the new app as JSON (secrets redacted)")
    p.set_defaults(handler=cmd_add)

    p = add_command(
        actions,
        "update",
        "change an app: rotate its secret for every connection using it in one step, or rename it",
        description="Change an app. Values from --file are merged into the stored ones (a secret left blank "
        "or sent as ******** keeps its value); at a terminal without --file or --name the secrets are asked "
        "without echo. Every connection under the app uses the new values from its next call.",
        examples=[
            f"{PROG} apps update APP_ID                      # asks the new secret",
            f"{PROG} apps update APP_ID --file new-secret.json",
            f"{PROG} apps update APP_ID --name 'EU app'",
        ],
        parents=[store],
    )
    p.add_argument("app", help="the app's id, as `apps list` shows it")
    p.add_argument("--file", help="JSON file of credential values to change, or - for standard input")
    p.add_argument("--name", help="a new name for people")
    p.add_argument("--json", action="store_true", help="print the updated app as JSON (secrets redacted)")
    p.set_defaults(handler=cmd_update)
