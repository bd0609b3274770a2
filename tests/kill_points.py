"""A process killed at a chosen point of an exactly-once flow, in-process: the channel call has landed and
the outcome is not yet written, which is the case every intent ledger exists for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from connector_core import SQLiteStore


class Killed(BaseException):
    """Stands in for the process dying (SIGKILL): not an Exception, so no handler on the way runs (a lease
    it held is left to expire)."""


@contextmanager
def killed_before_the_outcome_is_written(monkeypatch: pytest.MonkeyPatch, kind: str) -> Iterator[None]:
    """Inside the block, writing the outcome of an intent of `kind` (SQLite stores) kills the process; the
    block must reach that point. Other kinds' outcomes are written as usual; afterwards every write is."""
    real_finish = SQLiteStore.finish_intent

    def die_on_kind(self: SQLiteStore, *args: Any, **kwargs: Any) -> Any:
        if args[2] == kind:
            raise Killed
        return real_finish(self, *args, **kwargs)

    monkeypatch.setattr(SQLiteStore, "finish_intent", die_on_kind)
    try:
        with pytest.raises(Killed):
            yield
    finally:
        monkeypatch.setattr(SQLiteStore, "finish_intent", real_finish)
