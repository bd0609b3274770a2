"""The JSON Lines file `pull-orders --output` keeps: one line per order version, never two, never torn.

Pages are appended (a file of a million orders is not rewritten per page), each page in one write that is
rolled back (truncated to where it began) if it fails, so a full disk leaves whole lines only. A line torn by
a kill is cut off when the file is next opened; its page is pulled again because the import's cursor moves
only after the page was written. An order version already in the file (same id and update time) is skipped,
so re-running a window adds nothing twice.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from types import TracebackType

from ..models import Order
from .inputs import InputError


def _version(line: bytes) -> tuple[str, str] | None:
    """(id, updated_at) of a line pull-orders wrote; None for anything else."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or "id" not in data:
        return None
    return str(data.get("id")), str(data.get("updated_at"))


class OrderFile:
    """`with OrderFile(path) as f: f.write_page(orders)` -> how many lines were new."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.written = 0
        self.already_there = 0
        self._versions: set[tuple[str, str]] = set()
        self._handle: int | None = None
        self._regular = True

    def __enter__(self) -> OrderFile:
        self._check_target()
        try:
            self._handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise InputError(f"--output {self.path}: cannot open it: {exc.strerror}") from None
        self._regular = stat.S_ISREG(os.fstat(self._handle).st_mode)
        if self._regular:
            self._load_and_repair()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None

    def _check_target(self) -> None:
        if self.path.is_dir():
            raise InputError(f"--output {self.path}: is a folder: name a file inside it")
        if not self.path.parent.is_dir():
            raise InputError(
                f"--output {self.path}: the folder {self.path.parent} does not exist: create it first"
            )

    def _load_and_repair(self) -> None:
        """Learn the order versions already in the file, after making sure the file is one of ours: a
        PDF, a CSV or any other file is refused untouched (appending orders to it would spoil it)."""
        assert self._handle is not None
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        for number, line in enumerate(data[:end].splitlines(), start=1):
            if not line.strip():
                continue
            version = _version(line)
            if version is None:
                raise InputError(
                    f"--output {self.path}: line {number} is not an order written by pull-orders, so the file "
                    "is not one of ours: nothing was written; name a new file (or an orders .jsonl file)"
                )
            self._versions.add(version)
        if end < len(data):
            last = _version(data[end:])
            if last is None:
                os.truncate(self._handle, end)  # a line torn by a kill: its page is pulled again
            else:
                # A whole order whose newline is missing (an editor saved it so): kept, and ended, so the
                # next line starts on a line of its own.
                self._versions.add(last)
                os.write(self._handle, b"\n")

    def write_page(self, orders: list[Order]) -> int:
        """Append the page's new order versions in one write; on failure the file is as it was."""
        assert self._handle is not None
        lines: list[str] = []
        fresh: list[tuple[str, str]] = []
        for order in orders:
            text = order.model_dump_json()
            version = _version(text.encode())
            if version in self._versions or version in fresh:
                self.already_there += 1
                continue
            assert version is not None
            fresh.append(version)
            lines.append(text + "\n")
        if not lines:
            return 0
        payload = "".join(lines).encode("utf-8")
        start = os.lseek(self._handle, 0, os.SEEK_END) if self._regular else 0
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(self._handle, view) :]
            if self._regular:
                os.fsync(self._handle)
        except BaseException as exc:
            # Ctrl-C between two writes as much as a full disk: the page's lines go, whole, or not at all.
            if self._regular:
                os.truncate(self._handle, start)
            if not isinstance(exc, OSError):
                raise
            raise InputError(
                f"--output {self.path}: cannot write: {exc.strerror}: free some space (or choose another "
                "file) and run the same command again; the orders not written are pulled again"
            ) from None
        self._versions.update(fresh)
        self.written += len(lines)
        return len(lines)
