"""Where `apps` and `integrations` commands get a form's values: a JSON file, prompts at a terminal, or
one line saying what to give instead; and how a form the connector refuses is reported.

Secrets never come from the command line (`ps` and the shell history would keep them): a file, standard
input (`-`), or a prompt without echo.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import ConnectorError, InvalidInput
from .inputs import read_json_object


def add_credentials_arguments(parser: argparse.ArgumentParser) -> None:
    """The connector and `--file` arguments of a command that stores a connector's credentials (`apps add`,
    `integrations add`): the values `credentials_or_prompt` reads."""
    parser.add_argument("connector", help="the connector's id, as `channel-connectors list` shows it")
    parser.add_argument(
        "--file", help="JSON file of credential values, or - for standard input (default: prompts)"
    )


def credentials_or_prompt(args: argparse.Namespace, command: str) -> dict[str, Any] | None:
    """The credential values of `--file`; None when the caller is to ask for them (at a terminal);
    without either, a ConnectorError naming `command` and the option to give."""
    if args.file:
        return read_json_object(args.file, "credentials file")
    if sys.stdin.isatty():
        return None
    raise ConnectorError(
        f"{command}: give the credential values with --file FILE.json (no terminal to prompt on)"
    )


def prompt_for_changes(command: str, options: str, asked: str) -> None:
    """An update given nothing to change asks at a terminal (the caller does); elsewhere it stops with one
    line listing the `options` that say what to change and what a terminal would have `asked`."""
    if not sys.stdin.isatty():
        raise ConnectorError(
            f"{command}: nothing to change: give {options} (at a terminal, without them, {asked})"
        )


def refused(exc: InvalidInput) -> int:
    """A form the connector refused: its one-line reason (naming the fields) and exit status 1."""
    print(f"error: {exc}", file=sys.stderr)
    return 1
