"""`list`, `schema`, `validate`: what connectors are installed and what their forms accept."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .. import forms
from ..errors import ConnectorError
from ..host import ConnectorHost
from ..host_plugins import HostPluginError, discover_host_plugins, override
from .inputs import read_json_object
from .output import print_json, print_table
from .parsing import add_command


def cmd_list(args: argparse.Namespace) -> int:
    host = ConnectorHost().load()
    connectors = [
        {
            "id": c.id,
            "name": c.manifest.name,
            "version": c.manifest.version,
            "capabilities": sorted(cap.value for cap in c.capabilities),
        }
        for c in host
    ]
    failures = [{"connector": f.connector, "reason": f.reason} for f in host.failures]
    plugins = _host_plugins()
    if args.json:
        print_json({"connectors": connectors, "failures": failures, "host_plugins": plugins})
        return 0
    if not connectors:
        print("no connectors loaded")
    rows = [[c["id"], c["version"], c["name"], ", ".join(c["capabilities"]) or "none"] for c in connectors]
    rows += [[f["connector"], "FAILED", f["reason"], ""] for f in failures]
    if rows:
        print_table(["CONNECTOR", "VERSION", "NAME", "CAPABILITIES"], rows)
    if plugins["error"]:
        print(f"host plugins: FAILED: {plugins['error']} (every other command refuses to run until it loads)")
    elif plugins["loaded"]:
        print(f"host plugins: {', '.join(plugins['loaded'])}")
    return 0


def _host_plugins() -> dict[str, Any]:
    """The host plugins every other command loads (`load_host`), or why they cannot be: `list` reports it
    rather than refusing, so the installed connectors can still be seen."""
    try:
        found = discover_host_plugins(override(os.environ))
    except HostPluginError as exc:
        return {"loaded": [], "error": str(exc)}
    return {"loaded": [str(getattr(p, "__name__", type(p).__name__)) for p in found], "error": None}


def cmd_schema(args: argparse.Namespace) -> int:
    if args.edit and args.settings:
        raise ConnectorError("--edit applies to the credential form only (settings have no secrets to keep)")
    connector = ConnectorHost().get(args.connector)
    if args.settings:
        print_json(connector.settings_ui_schema() if args.ui else connector.settings_schema())
    elif args.ui:
        print_json(connector.ui_schema())
    else:
        print_json(connector.credentials_schema(edit=args.edit))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    connector = ConnectorHost().get(args.connector)
    values = read_json_object(args.file)
    # Prepared exactly as `Integrations.create` does (the blank rule, then defaults), so "valid" here means
    # create accepts them.
    kind = "settings" if args.settings else "credentials"
    schema = connector.settings_schema() if args.settings else connector.credentials_schema()
    errors = forms.validate(forms.prepare(values, schema), schema)
    if args.json:
        print_json(
            {
                "file": args.file,
                "connector": connector.id,
                "form": kind,
                "valid": not errors,
                "errors": [{"field": e.field, "message": e.message} for e in errors],
            }
        )
        return 1 if errors else 0
    if not errors:
        print(f"{args.file}: valid {connector.id} {kind}")
        return 0
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    return 1


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "list",
        "list connectors, versions, capabilities and load errors",
        examples=["channel-connectors list", "channel-connectors list --json"],
    )
    p.add_argument("--json", action="store_true", help="print one JSON document (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_list)

    p = add_command(
        sub,
        "schema",
        "print a connector's credential form schema (JSON Schema draft-07)",
        examples=[
            "channel-connectors schema tiktok_shop",
            "channel-connectors schema tiktok_shop --edit        # secrets may be left blank",
            "channel-connectors schema tiktok_shop --settings --ui",
        ],
    )
    p.add_argument("connector", help="the connector's id, as `channel-connectors list` shows it")
    p.add_argument("--settings", action="store_true", help="the settings form instead")
    p.add_argument("--ui", action="store_true", help="the form's UI schema (react-jsonschema-form uiSchema)")
    p.add_argument(
        "--edit",
        action="store_true",
        help="the form for editing a stored integration: secrets may be left blank",
    )
    p.set_defaults(handler=cmd_schema)

    p = add_command(
        sub,
        "validate",
        "validate a JSON file of form values against a connector's schema",
        description="Validate a JSON file of form values exactly as `integrations add` would: every bad "
        "field is printed, one a line, and the exit code is 1.",
        examples=[
            "channel-connectors validate tiktok_shop creds.json",
            "channel-connectors validate tiktok_shop settings.json --settings --json",
        ],
    )
    p.add_argument("connector", help="the connector's id, as `channel-connectors list` shows it")
    p.add_argument("file", help="the JSON file of field values, or - for standard input")
    p.add_argument("--settings", action="store_true", help="validate against the settings schema")
    p.add_argument("--json", action="store_true", help="print the result as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_validate)
