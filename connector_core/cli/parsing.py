"""The command tree's building blocks: a parser whose usage errors are one line, help with defaults and
examples, and the argument types every command shares (ports, counts, dates)."""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, NoReturn

from ..errors import ConnectorError

PROG = "channel-connectors"

EXIT_CODES = """exit codes:
  0    done
  1    a channel error or bad input (the message says which field, file or order, and what to do)
  2    the command line itself is wrong (an unknown command or option, a malformed value)
  130  interrupted (Ctrl-C)"""


class UsageError(ConnectorError):
    """The command line is malformed: exit 2 with one line."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the command and how to get help (exit 2), not a usage
    block: the operator sees what is wrong and where to read more."""

    def error(self, message: str) -> NoReturn:
        from .global_options import hint_for_choice

        raise UsageError(f"{self.prog}: {hint_for_choice(message)} (see `{self.prog} --help`)")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' layout, and shows each option's default where it has a meaningful one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "%(default)" not in text
            and "default" not in text
            and default not in (None, False, argparse.SUPPRESS)
            and action.option_strings
        ):
            text += " (default: %(default)s)"
        return text


def add_command(
    sub: Any,
    name: str,
    summary: str,
    *,
    examples: Sequence[str],
    description: str | None = None,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """A subcommand with a one-line summary, a description and an epilog of examples."""
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        # The formatter keeps text as written (for the examples), so the description is wrapped here.
        description=textwrap.fill(description or summary[:1].upper() + summary[1:] + ".", 88),
        epilog=epilog,
        formatter_class=HelpFormatter,
        parents=list(parents),
    )
    return parser


def add_group(sub: Any, name: str, summary: str) -> Any:
    """A command group (`integrations`, `webhook`): its actions are added to the returned subparsers."""
    group = sub.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:] + ".")
    return group.add_subparsers(dest="action", required=True, metavar="ACTION", parser_class=Parser)


def group_actions(sub: Any, name: str) -> Any:
    """The actions of a group another module made (`integrations`), so a module can add its own to it."""
    group = sub.choices[name]
    return next(a for a in group._actions if isinstance(a, argparse._SubParsersAction))


def key_value(text: str) -> tuple[str, str]:
    """`key=value`, as `integrations tag` and `shop-settings` take it: the key must not be blank."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give it as key=value")
    if len(key) > 100 or len(value) > 1000:
        raise argparse.ArgumentTypeError(f"{key[:40]!r}: keys are at most 100 characters, values 1000")
    return key.strip(), value


# --- argument types ---------------------------------------------------------------------------------------


def port(text: str) -> int:
    """A TCP port on loopback: 1-65535, or 0 for any free one."""
    if not re.fullmatch(r"[0-9]{1,5}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    value = int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is out of range: a port is 0-65535 (0: any free port)")
    return value


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 and at most 86400 seconds")
    return value


def non_blank(text: str) -> str:
    """A value that must say something: empty or only spaces is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise argparse.ArgumentTypeError("must not hold control characters")
    return text.strip()


def moment(text: str) -> datetime:
    """An ISO date or date-time; without an offset it is UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or date-time (e.g. 2026-01-31 or 2026-01-31T12:00:00+00:00)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
