"""The options every command honours wherever they stand (`--debug`, `--home`, `--database-url`), and the
"did you mean" hints for a mistyped command, option or integration id.

The global options are taken out of the command line before argparse sees it: argparse only knows an option
at the level it is declared, so `channel-connectors --database-url URL status ID` used to read the URL as the
command name, and a usage error printed it, password included. Taken out here, they work before or after
the command, for plug-in commands too, and never reach an error message.
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .parsing import UsageError

# option -> the attribute every command reads it from
VALUED = {"--home": "home", "--database-url": "database_url"}
FLAGS = {"--debug": "debug"}


@dataclass
class GlobalOptions:
    home: str | None = None
    database_url: str | None = None
    debug: bool = False


def split_globals(argv: Sequence[str]) -> tuple[list[str], GlobalOptions]:
    """`argv` without the global options (anywhere before `--`), and their values. The last of a repeated
    option wins, as argparse would have it."""
    found = GlobalOptions()
    rest: list[str] = []
    args = list(argv)
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        name, sep, value = arg.partition("=")
        if arg in FLAGS:
            setattr(found, FLAGS[arg], True)
        elif name in VALUED:
            if not sep:
                index += 1
                if index >= len(args) or args[index].startswith("--"):
                    raise UsageError(
                        f"channel-connectors: {name} needs a value (see `channel-connectors --help`)"
                    )
                value = args[index]
            if not value.strip():
                raise UsageError(f"channel-connectors: {name} must not be empty")
            setattr(found, VALUED[name], value)
        else:
            rest.append(arg)
        index += 1
    return rest, found


def apply_globals(args: argparse.Namespace, found: GlobalOptions) -> None:
    """Give every command the global values (a command's own default, e.g. a plug-in's None, yields)."""
    for attribute in VALUED.values():
        value = getattr(found, attribute)
        setattr(args, attribute, value if value is not None else getattr(args, attribute, None))
    args.debug = found.debug


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one choice `word` most likely meant, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        prefixed = [c for low, c in lowered.items() if low.startswith(word.lower()) and word]
        return prefixed[0] if len(prefixed) == 1 else None
    return matches[0]


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<word>[^']*)' \(choose from (?P<choices>.*)\)$")


def hint_for_choice(message: str) -> str:
    """argparse's "invalid choice: 'lst' (choose from ...)" with ": did you mean 'list'?" added."""
    found = _INVALID_CHOICE.search(message)
    if not found:
        return message
    choices = re.findall(r"'([^']*)'", found["choices"])
    guess = closest(found["word"], choices)
    return f"{message}: did you mean {guess!r}?" if guess else message


def hint_for_options(unknown: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """ " (did you mean --since?)" for the first unknown option close to one `parser` knows."""
    known = [s for action in parser._actions for s in action.option_strings if s.startswith("--")]
    for word in unknown:
        if word.startswith("-"):
            guess = closest(word.partition("=")[0], known)
            if guess:
                return f" (did you mean {guess}?)"
    return ""


def command_parser(root: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command `args` were parsed for, for option hints."""
    parser = root
    for attribute in ("command", "action"):
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        name = getattr(args, attribute, None)
        if sub is None or name not in sub.choices:
            break
        parser = sub.choices[name]
    return parser
