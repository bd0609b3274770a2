"""The operator's command line, `channel-connectors`: one module per command group, each with
`register(subparsers)`; `inputs` reads every file, `output` prints every answer, `session` opens the store."""

from __future__ import annotations

from .app import COMMANDS_GROUP, CommandConflict, build_parser, main
from .session import open_integrations

__all__ = ["COMMANDS_GROUP", "CommandConflict", "build_parser", "main", "open_integrations"]
