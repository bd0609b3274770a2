"""The beat tick costs what is due: due shops come from the schedule's index in batches, each claimed once,
nothing opened or decrypted; a failing shop backs off, a succeeding one comes back an interval later."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from connector_core import Credentials, OffsetClock, SQLiteStore
from connector_core.models import Account
from connector_core.store.platform_records import DueShop
from connector_core.worker import schedule

INTERVAL = timedelta(minutes=5)


class NoOpening:
    """A store that refuses everything a tick must not do: open, list or decrypt connections."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in {"get_integration", "list_integrations", "load_tokens", "get_app", "list_apps"}:
            raise AssertionError(f"the tick called {name}")
        return getattr(self._store, name)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.sqlite3", clock=OffsetClock())


def connections_with_shops(store: SQLiteStore, connections: int, shops: int) -> list[tuple[str, str]]:
    app = store.create_app("tiktok_shop", "app", Credentials({"app_key": "k"}, {"app_secret": "s" * 10}))
    made = []
    for c in range(connections):
        record = store.create_integration("tiktok_shop", f"seller {c}", None, {}, app_id=app.id)
        store.save_accounts(record.id, [Account(id=f"{c}-{s}") for s in range(shops)])
        made.extend((record.id, f"{c}-{s}") for s in range(shops))
    return made


def test_a_tick_enqueues_each_due_shop_once_oldest_first_in_batches(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schedule, "TICK_BATCH", 4)
    shops = connections_with_shops(store, 5, 2)
    now = store.clock.now()
    for n, (iid, shop) in enumerate(shops):
        store.schedule_shop(iid, shop, now - timedelta(seconds=n) if n < 9 else now + INTERVAL)
    enqueued: list[DueShop] = []

    sent = schedule.tick(NoOpening(store), now, INTERVAL, enqueued.append)  # type: ignore[arg-type]

    assert sent == 9 and [d.shop_id for d in enqueued] == [s for _, s in reversed(shops[:9])]
    assert schedule.tick(NoOpening(store), now, INTERVAL, enqueued.append) == 0  # type: ignore[arg-type]
    assert all(s.next_pull_at == now + INTERVAL for s in store.list_shops(shops[0][0]))


def test_a_failing_shop_backs_off_and_keeps_its_error_until_it_succeeds(store: SQLiteStore) -> None:
    [(iid, shop)] = connections_with_shops(store, 1, 1)
    now = store.clock.now()
    waits = [schedule.after_failure(INTERVAL, now, n) - now for n in (1, 2, 3, 30)]
    assert waits[0] >= 2 * INTERVAL and waits[1] >= 4 * INTERVAL and waits[2] >= 8 * INTERVAL
    assert waits[3] <= schedule.MAX_BACKOFF * (1 + schedule.JITTER)

    store.schedule_shop(iid, shop, now - timedelta(seconds=1), failures=3, last_error="TikTok 503")
    [due] = store.due_shops(now, 10)
    assert (due.failures, due.last_error) == (3, "TikTok 503")
    schedule.tick(store, now, INTERVAL, lambda _: None)
    claimed = store.get_shop(iid, shop)
    assert claimed is not None and (claimed.failures, claimed.last_error) == (3, "TikTok 503")
    after = schedule.after_success(INTERVAL, now)
    assert now + INTERVAL <= after <= now + INTERVAL * (1 + schedule.JITTER)


def test_an_interval_comes_from_the_shop_settings_else_the_worker_default() -> None:
    assert schedule.interval_for({"pull_interval": 60}, 300.0) == timedelta(seconds=60)
    assert schedule.interval_for({"pull_interval": "soon"}, 300.0) == timedelta(seconds=300)
    assert schedule.interval_for({}, 300.0) == timedelta(seconds=300)
