"""`channel-connectors`: the command tree, and the one place errors become one line and an exit code.

Every command exits non-zero with one clear line on bad input or a channel error (what happened, what to
do); a traceback only with `--debug`. Nothing it prints holds a secret. Connectors may add commands of their
own (the TikTok emulator, the demo) through the `channel_connectors.commands` entry-point group: each entry
point is a function `register(subparsers) -> None` that adds one or more subcommands; a command that sets
`set_defaults(passthrough=[])` receives every argument after its name unparsed.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import Any

from ..errors import ConnectorError, UnknownIntegration
from ..redaction import install_secret_filter, scrub
from ..store.errors import UnknownApp
from . import (
    aftersales,
    apps,
    catalog,
    check,
    completion,
    connect,
    connections_import,
    integrations,
    labels,
    new,
    orders,
    serving,
    shipments,
    shop_settings,
    status,
    stock,
    store_upkeep,
    tags,
    webhook,
)
from .global_options import apply_globals, closest, command_parser, hint_for_options, split_globals
from .parsing import EXIT_CODES, PROG, HelpFormatter, Parser, UsageError
from .prompts import PromptAbandoned
from .session import open_integrations, store_problem

COMMANDS_GROUP = "channel_connectors.commands"

# The command groups of the framework itself, in the order `--help` lists them. A new group is one module
# with `register(subparsers)` and one entry here.
COMMAND_MODULES: tuple[Any, ...] = (
    catalog,
    integrations,
    connections_import,
    tags,
    shop_settings,
    apps,
    connect,
    orders,
    stock,
    shipments,
    labels,
    aftersales,
    status,
    check,
    store_upkeep,
    webhook,
    serving,
    new,
    completion,
)

Handler = Callable[[argparse.Namespace], int]

log = logging.getLogger("connector_core.cli")


def _version() -> str:
    try:
        return f"{PROG} {version('channel-connectors')}"
    except PackageNotFoundError:
        return f"{PROG} (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Load, configure and run commerce channel connectors.",
        epilog=EXIT_CODES
        + "\n\nRun `channel-connectors COMMAND --help` for a command's options and examples.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logs (before or after the command)"
    )
    # Taken out of the command line before parsing (global_options.py): declared here for --help only.
    parser.add_argument("--home", help="the store folder, for every command, before or after it")
    parser.add_argument(
        "--database-url",
        help="the store's URL (sqlite:///path, postgresql://...), before or after the command",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    _register_plugin_commands(sub)
    return parser


class CommandConflict(ConnectorError):
    """Two command providers offer the same command name: which one runs would be an accident of load order."""


def _register_plugin_commands(sub: Any) -> None:
    owners = {name: PROG for name in sub.choices}
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
        arguments, found = split_globals(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"usage error: {scrub(str(exc))}", file=sys.stderr)
        return 2
    debug = found.debug
    configure_logging(debug)
    try:
        parser = build_parser()
        # A command that owns its own option parser (set_defaults(passthrough=[])) receives every argument
        # after its name unparsed; any other command rejects unknown arguments as usual.
        args, unknown = parser.parse_known_args(arguments)
        if unknown:
            if not isinstance(getattr(args, "passthrough", None), list):
                command = command_parser(parser, args)
                hint = hint_for_options(unknown, command)
                command.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
            args.passthrough = unknown
    except CommandConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"usage error: {scrub(str(exc))}", file=sys.stderr)
        return 2
    apply_globals(args, found)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        # On a terminal the cursor may sit after a prompt: start a fresh line there, and only there.
        print(
            f"{chr(10) if sys.stderr.isatty() else ''}interrupted (Ctrl-C): stopped; what finished is kept "
            "(nothing half-written), run the command again to go on",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:
        if debug:
            raise
        print(f"error: {scrub(one_line(exc, args))}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1


def _id_hint(wrong: str, args: argparse.Namespace) -> str:
    """ ": did you mean 'tiktok_shop-1a2b3c4d'?" when a stored id is close to the one typed."""
    try:
        known = [record.id for record in open_integrations(args).list()]
    except Exception:  # a hint must never hide the real error
        return ""
    guess = closest(wrong, known)
    return f" (did you mean {guess!r}?)" if guess else ""


def one_line(exc: BaseException, args: argparse.Namespace) -> str:
    """The message an operator sees for `exc`: one line, naming what to do."""
    if isinstance(exc, UnknownIntegration):
        text = str(exc) + _id_hint(exc.integration_id, args)
    elif isinstance(exc, UnknownApp):
        text = f"no app {exc.app_id!r} in the store: list them with `{PROG} apps list`"
    elif isinstance(exc, PromptAbandoned | ConnectorError | TimeoutError):
        text = str(exc)
    elif isinstance(exc, sqlite3.Error):
        text = store_problem(getattr(args, "store_location", "(the store)"), exc)
    elif isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        text = f"cannot use{where}: {exc.strerror or exc}: check the path and its permissions"
    elif isinstance(exc, EOFError):
        text = "input ended (Ctrl-D) before an answer: nothing was stored"
    else:
        text = (
            f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the details, and please "
            "report it)"
        )
    return " ".join(text.split())  # a message with newlines in it would be several lines
