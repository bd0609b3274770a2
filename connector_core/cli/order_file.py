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
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
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
        self._lock: int | None = None
        self._regular = True

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def __enter__(self) -> OrderFile:
        self._check_target()
        if not self.path.exists() or self.path.is_file():
            self._take_lock()
        try:
            self._handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            self.__exit__(None, None, None)
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

    def _load_and_repair(self) -> None:
        assert self._handle is not None
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            os.truncate(self._handle, end)  # a line torn by a kill: its page is pulled again
        for line in data[:end].splitlines():
            version = _version(line)
            if version is not None:
                self._versions.add(version)

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
