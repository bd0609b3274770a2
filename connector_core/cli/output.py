"""What the command line prints: JSON for programs (`--json`), aligned tables with headers for people,
colour and progress bars only on a terminal and never with `NO_COLOR` set (https://no-color.org).

Hand-written rather than `rich`: a table and a one-line bar are a few dozen lines, and `rich` would add a
dependency and tens of milliseconds to every start-up, including `--help`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

_STYLES = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "dim": "2"}


def decorations_on(stream: TextIO) -> bool:
    """Colour and bars: only for a person at a terminal who has not asked for plain output."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def style(text: str, name: str, stream: TextIO | None = None) -> str:
    if not decorations_on(stream or sys.stdout):
        return text
    return f"\033[{_STYLES[name]}m{text}\033[0m"


def print_json(data: Any, stream: TextIO | None = None) -> None:
    """One JSON document, keys in the documented order (see docs/cli.md)."""
    out = stream or sys.stdout
    out.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], stream: TextIO | None = None) -> None:
    """Columns as wide as their widest cell; the header line bold on a terminal. Numbers right-aligned."""
    out = stream or sys.stdout
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(r[i], int) for r in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=False)
        ]
        return "  ".join(parts).rstrip()

    out.write(style(line(list(headers)), "bold", out) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class ProgressBar:
    """A bar redrawn in place on stderr, only when stderr is a terminal and decorations are on; otherwise
    silent (the command's summary says what happened). `advance` counts every item the total counts."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.total: int | None = None
        self.done = 0
        self.enabled = decorations_on(self.stream)
        self._started = time.monotonic()

    def advance(self, count: int, total: int | None = None) -> None:
        self.done += count
        if total is not None:
            self.total = total
        if self.enabled:
            self._draw("")

    def _draw(self, end: str) -> None:
        rate = self.done / max(time.monotonic() - self._started, 1e-6)
        if self.total:
            filled = min(self.width, self.width * self.done // max(self.total, 1))
            bar = "#" * filled + "." * (self.width - filled)
            text = f"{self.label} [{bar}] {self.done}/{self.total} ({rate:.0f}/s)"
        else:
            text = f"{self.label} {self.done} ({rate:.0f}/s)"
        self.stream.write("\r" + text + "\033[K" + end)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw("\n")
