"""A small progress line on stderr: redrawn in place on a terminal, one line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(
        self, label: str, total: int | None = None, stream: TextIO | None = None, width: int = 30
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.width = width
        self._tty = self.stream.isatty()
        self._last = 0.0
        self._started = time.monotonic()

    def update(self, advance: int, total: int | None = None) -> None:
        self.done += advance
        if total is not None:
            self.total = total
        now = time.monotonic()
        if self._tty or now - self._last >= 2.0:
            self._last = now
            self._draw(final=False)

    def _draw(self, final: bool) -> None:
        rate = self.done / max(time.monotonic() - self._started, 1e-6)
        if self.total:
            filled = min(self.width, int(self.width * self.done / self.total))
            bar = "#" * filled + "." * (self.width - filled)
            text = f"{self.label} [{bar}] {self.done}/{self.total} ({rate:.0f}/s)"
        else:
            text = f"{self.label} {self.done} ({rate:.0f}/s)"
        end = "\n" if final or not self._tty else ""
        self.stream.write(("\r" if self._tty else "") + text + end)
        self.stream.flush()

    def finish(self) -> None:
        self._draw(final=True)
