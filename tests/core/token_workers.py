"""Worker functions for the multi-process token tests (spawned processes import this module by name).

Not a test module: pytest collects only test_*.py. Each worker opens its own store and TokenManager, as a
separate host process would, and counts its refreshes in a file with O_APPEND writes (atomic across
processes for lines this short).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import SecretStr

from connector_core import TokenManager, TokenSet
from connector_core.store import open_store

REFRESH_SECONDS = 0.3
"""How long the channel takes to refresh: long enough that every worker arrives while one is refreshing."""


def count_lines(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0


def make_refresher(counter_path: str, label: str) -> Any:
    def refresher(refresh_token: SecretStr) -> TokenSet:
        fd = os.open(counter_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, f"{label} used {refresh_token.get_secret_value()}\n".encode())
        finally:
            os.close(fd)
        time.sleep(REFRESH_SECONDS)
        now = datetime.now(timezone.utc)
        return TokenSet(
            access_token=SecretStr(f"access-from-{label}"),
            access_expires_at=now + timedelta(hours=4),
            refresh_token=SecretStr(f"refresh-from-{label}"),
            refresh_expires_at=now + timedelta(days=365),
        )

    return refresher


def ask_for_token(store_url: str, integration_id: str, counter_path: str, barrier: Any, results: Any) -> None:
    """One host process: wait for the others, then ask for the access token."""
    label = f"pid{os.getpid()}"
    store = open_store(store_url)
    try:
        manager = TokenManager(store, integration_id, make_refresher(counter_path, label))
        barrier.wait(timeout=60)
        results.put(manager.access_token())
    except BaseException as exc:
        results.put(f"error: {type(exc).__name__}: {exc}")
        raise
    finally:
        store.close()
