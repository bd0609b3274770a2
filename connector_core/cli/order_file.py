"""The JSON Lines file `pull-orders --output` keeps: one line per order version, never two, never torn.

Pages are appended (a file of a million orders is not rewritten per page), each page in one write that is
rolled back (truncated to where it began) if it fails, so a full disk leaves whole lines only. A line torn by
a kill is cut off when the file is next opened; its page is pulled again because the import's cursor moves
only after the page was written. An order version already in the file (same id and update time) is skipped,
so re-running a window adds nothing twice.

One writer at a time: the file's versions are read once when it is opened, so two processes appending to
it would each think the other's orders new. A second `pull-orders --output` of the same file is refused at
once, naming the writer (its pid, host and start time, kept in a lock file beside it,
`.<name>.lock`); the lock is the kernel's (`flock`), so a killed writer never leaves it held.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, as before
    fcntl = None  # type: ignore[assignment]

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


def _not_ours(path: Path, number: int) -> InputError:
    return InputError(
        f"--output {path}: line {number} is not an order written by pull-orders, so the file is not one of "
        "ours: nothing was written; name a new file (or an orders .jsonl file)"
    )


class OrderFile:
    """`with OrderFile(path) as f: f.write_page(orders)` -> how many lines were new."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.written = 0
        self.already_there = 0
        self._versions: set[tuple[str, str]] = set()
        self._handle: int | None = None
        self._lock: int | None = None
        self._regular = True

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def __enter__(self) -> OrderFile:
        self._check_target()
        self._refuse_foreign()  # before the lock file is made beside it: a refused file leaves no trace
        if not self.path.exists() or self.path.is_file():
            self._take_lock()
        try:
            self._handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            self.__exit__(None, None, None)
            raise InputError(f"--output {self.path}: cannot open it: {exc.strerror}") from None
        self._regular = stat.S_ISREG(os.fstat(self._handle).st_mode)
        if self._regular:
            try:
                self._load_and_repair()
            except BaseException:
                self.__exit__(None, None, None)
                raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    def _take_lock(self) -> None:
        if fcntl is None:
            return
        try:
            handle = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return  # a folder we may write the output to but not a lock beside it: write unlocked, as before
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(handle)
            raise InputError(
                f"--output {self.path}: {holder} is writing it now; wait for it to finish, or write to "
                "another file (two writers would each add the orders the other added)"
            ) from None
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        os.ftruncate(handle, 0)
        os.pwrite(
            handle,
            f"pull-orders pid {os.getpid()} on {socket.gethostname()}, since {started} UTC".encode(),
            0,
        )
        self._lock = handle

    def _check_target(self) -> None:
        if self.path.is_dir():
            raise InputError(f"--output {self.path}: is a folder: name a file inside it")
        if not self.path.parent.is_dir():
            raise InputError(
                f"--output {self.path}: the folder {self.path.parent} does not exist: create it first"
            )

    def _refuse_foreign(self) -> None:
        """A quick look at the first line: a PDF or a CSV is refused at once."""
        if not self.path.is_file():
            return
        with self.path.open("rb") as handle:
            head = handle.read(1 << 16)
        first = next((line for line in head.split(b"\n") if line.strip()), b"")
        complete = head.find(first) + len(first) < len(head)  # a first line cut short may be our torn write
        if first and complete and _version(first) is None:
            raise _not_ours(self.path, 1 + head[: head.find(first)].count(b"\n"))

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
                raise _not_ours(self.path, number)
            self._versions.add(version)
        if end < len(data):
            last = _version(data[end:])
            if last is None and not data[end:].lstrip().startswith(b"{"):
                raise _not_ours(self.path, data[:end].count(b"\n") + 1)  # not a torn order: not ours
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
