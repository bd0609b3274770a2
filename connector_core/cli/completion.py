"""`completion bash|zsh`: a shell completion script for the commands, actions and options, generated from the
command tree itself (plug-in commands included), so it never drifts from what the parser accepts.

Install: `eval "$(channel-connectors completion bash)"` in ~/.bashrc (zsh: the same with `zsh`, which loads
bash's completion through `bashcompinit`).
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from .global_options import FLAGS, VALUED
from .parsing import add_command

PROG = "channel-connectors"
FUNCTION = "_channel_connectors"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], list[str]]:
    """(every long option, the options that take a value)."""
    every, valued = [], []
    for action in parser._actions:
        longs = [s for s in action.option_strings if s.startswith("--")]
        every += longs
        if action.nargs != 0 and longs:
            valued += longs
    return every, valued


def _words(parser: argparse.ArgumentParser, extra: list[str]) -> str:
    options, _ = _options(parser)
    return shlex.quote(" ".join(sorted(set(options) | set(extra))))


def bash_script(root: argparse.ArgumentParser) -> str:
    """The bash completion function for `root`'s tree."""
    globals_ = [*VALUED, *FLAGS, "--help"]
    valued: set[str] = set(VALUED)
    cases: list[str] = []
    for name, command in sorted(_subparsers(root).items()):
        valued.update(_options(command)[1])
        actions = _subparsers(command)
        if not actions:
            cases.append(f"    {shlex.quote(name)}) words={_words(command, globals_)} ;;")
            continue
        inner = []
        for action, parser in sorted(actions.items()):
            valued.update(_options(parser)[1])
            inner.append(f"        {shlex.quote(action)}) words={_words(parser, globals_)} ;;")
        cases.append(
            f"    {shlex.quote(name)})\n"
            f'      if [[ -z "$sub" ]]; then words={shlex.quote(" ".join(sorted(actions)))}; else\n'
            f'      case "$sub" in\n' + "\n".join(inner) + "\n      esac; fi ;;"
        )
    top = shlex.quote(" ".join(sorted(_subparsers(root)) + sorted([*globals_, "--version"])))
    return f"""# {PROG} completion (bash; zsh through bashcompinit). Regenerate after installing plug-ins.
{FUNCTION}() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" cmd="" sub="" prev="" w i words=""
  local valued=" {" ".join(sorted(valued))} "
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${{COMP_WORDS[i]}}"
    if [[ "$w" != -* && "$valued" != *" $prev "* ]]; then
      if [[ -z "$cmd" ]]; then cmd="$w"; elif [[ -z "$sub" ]]; then sub="$w"; fi
    fi
    prev="$w"
  done
  if [[ "$valued" == *" $prev "* && "$cur" != -* ]]; then
    COMPREPLY=($(compgen -f -- "$cur")); return  # an option's value: most are file or folder names
  fi
  if [[ -z "$cmd" ]]; then words={top}; else
    case "$cmd" in
{chr(10).join(cases)}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -o default -F {FUNCTION} {PROG}
"""


ZSH_PRELUDE = "autoload -U +X bashcompinit && bashcompinit\n"


def cmd_completion(args: argparse.Namespace) -> int:
    from .app import build_parser

    script = bash_script(build_parser())
    print((ZSH_PRELUDE if args.shell == "zsh" else "") + script, end="")
    return 0


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "completion",
        "print a shell completion script (commands, actions, options)",
        examples=[
            f'eval "$({PROG} completion bash)"   # in ~/.bashrc',
            f'eval "$({PROG} completion zsh)"    # in ~/.zshrc',
        ],
    )
    p.add_argument("shell", choices=["bash", "zsh"], help="the shell to complete in")
    p.set_defaults(handler=cmd_completion)
