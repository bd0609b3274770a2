"""`channel-connectors`: the command line for a host's operator.

Every command exits non-zero with one clear line on bad input or a channel error (what happened, what to
do); a traceback only with `--debug`. Nothing it prints holds a secret. Connectors may add commands of their
own (the TikTok emulator, the demo) through the `channel_connectors.commands` entry-point group: each entry
point is a function `register(subparsers) -> None` that adds one or more subcommands.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from . import forms, label_commands, operator_cli, web_commands
from .errors import ConnectorError
from .host import ConnectorHost
from .redaction import install_secret_filter

COMMANDS_GROUP = "channel_connectors.commands"

Handler = Callable[[argparse.Namespace], int]

log = logging.getLogger("connector_core.cli")


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=False, default=str))


# --- commands ------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    host = ConnectorHost().load()
    if args.json:
        _print_json(
            {
                "connectors": [
                    {
                        "id": c.id,
                        "name": c.manifest.name,
                        "version": c.manifest.version,
                        "capabilities": sorted(cap.value for cap in c.capabilities),
                    }
                    for c in host
                ],
                "failures": [{"connector": f.connector, "reason": f.reason} for f in host.failures],
            }
        )
        return 0
    connectors = list(host)
    if not connectors:
        print("no connectors loaded")
    for connector in connectors:
        caps = ", ".join(sorted(cap.value for cap in connector.capabilities)) or "none"
        print(f"{connector.id:<16} {connector.manifest.version:<10} {connector.manifest.name}  [{caps}]")
    for failure in host.failures:
        print(f"{failure.connector:<16} FAILED     {failure.reason}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.edit and args.settings:
        raise ConnectorError("--edit applies to the credential form only (settings have no secrets to keep)")
    connector = ConnectorHost().get(args.connector)
    if args.settings:
        _print_json(connector.settings_ui_schema() if args.ui else connector.settings_schema())
    elif args.ui:
        _print_json(connector.ui_schema())
    else:
        _print_json(connector.credentials_schema(edit=args.edit))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    connector = ConnectorHost().get(args.connector)
    values = _read_json_object(args.file)
    # Prepared exactly as `Integrations.create` does (the blank rule, then defaults), so "valid" here means
    # create accepts them.
    schema = connector.settings_schema() if args.settings else connector.credentials_schema()
    errors = forms.validate(forms.prepare(values, schema), schema)
    if not errors:
        print(f"{args.file}: valid {connector.id} {'settings' if args.settings else 'credentials'}")
        return 0
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    return 1


def _read_json_object(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConnectorError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConnectorError(
            f"{path} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ConnectorError(f"{path} must hold a JSON object of field values")
    return data


# --- wiring --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="channel-connectors", description="Load, configure and run commerce channel connectors."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list connectors, versions, capabilities and load errors")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("schema", help="print a connector's credential form schema (JSON Schema draft-07)")
    p.add_argument("connector")
    p.add_argument("--settings", action="store_true", help="the settings form instead")
    p.add_argument("--ui", action="store_true", help="the form's UI schema (react-jsonschema-form uiSchema)")
    p.add_argument(
        "--edit",
        action="store_true",
        help="the form for editing a stored integration: secrets may be left blank",
    )
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("validate", help="validate a JSON file of form values against a connector's schema")
    p.add_argument("connector")
    p.add_argument("file", help="JSON file, or - for standard input")
    p.add_argument("--settings", action="store_true", help="validate against the settings schema")
    p.set_defaults(handler=cmd_validate)

    operator_cli.register(sub)
    label_commands.register(sub)
    web_commands.register(sub)
    _register_plugin_commands(sub)
    return parser


class CommandConflict(ConnectorError):
    """Two command providers offer the same command name: which one runs would be an accident of load order."""


def _register_plugin_commands(sub: Any) -> None:
    owners = {name: "channel-connectors" for name in sub.choices}
    for ep in entry_points(group=COMMANDS_GROUP):
        before = set(sub.choices)
        try:
            ep.load()(sub)
        except argparse.ArgumentError as exc:
            if "conflicting subparser" not in str(exc):
                raise
            name = str(exc).rsplit(":", 1)[-1].strip()
            raise CommandConflict(
                f"command {name!r} is offered by both {owners.get(name, 'another provider')!r} and {ep.name!r} "
                f"({COMMANDS_GROUP} entry points): uninstall one, or rename its command"
            ) from None
        except Exception as exc:  # a broken add-on command must not take the CLI down
            log.warning("command plugin %r not loaded: %s: %s", ep.name, type(exc).__name__, exc)
            continue
        owners.update({name: ep.name for name in set(sub.choices) - before})


def configure_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    install_secret_filter(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
    except CommandConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # A command that owns its own option parser (set_defaults(passthrough=[])) receives every argument after
    # its name unparsed; any other command rejects unknown arguments as usual.
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if not isinstance(getattr(args, "passthrough", None), list):
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        args.passthrough = unknown
    configure_logging(args.debug)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ConnectorError, TimeoutError) as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
