"""The token lifecycle: refresh ahead of expiry, keep what the channel did not replace, one refresh at a time
across threads and processes, and a clear re-authorization error with its deadline."""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from core_support import tokens_expiring_in
from pydantic import SecretStr

from connector_core import (
    ChannelUnavailable,
    OffsetClock,
    ReauthorizationRequired,
    ReauthorizationState,
    SQLiteStore,
    TokenManager,
    TokenSet,
)
from connector_core.auth import DEFAULT_MARGIN
from connector_core.credentials import Credentials
from connector_core.store import open_store


class Refresher:
    """A channel's refresh endpoint: counts calls, hands out numbered tokens or what a test scripts."""

    def __init__(self, clock: OffsetClock) -> None:
        self.clock = clock
        self.seen: list[str] = []
        self.answer: Callable[[int], TokenSet] | None = None
        self.error: Exception | None = None

    def __call__(self, refresh_token: SecretStr) -> TokenSet:
        self.seen.append(refresh_token.get_secret_value())
        if self.error is not None:
            raise self.error
        if self.answer is not None:
            return self.answer(len(self.seen))
        now = self.clock.now()
        return TokenSet(
            access_token=SecretStr(f"access-new-{len(self.seen)}"),
            access_expires_at=now + timedelta(hours=4),
            refresh_token=SecretStr(f"refresh-new-{len(self.seen)}"),
            refresh_expires_at=now + timedelta(days=300),
        )


@pytest.fixture
def integration_id(store: SQLiteStore) -> str:
    return store.create_integration("fake", "Token test", Credentials({}, {}), {}).id


@pytest.fixture
def refresher(clock: OffsetClock) -> Refresher:
    return Refresher(clock)


@pytest.fixture
def manager(
    store: SQLiteStore, integration_id: str, refresher: Refresher, clock: OffsetClock
) -> TokenManager:
    return TokenManager(store, integration_id, refresher, clock=clock)


def test_a_token_far_from_expiry_is_used_as_it_is(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(hours=3)))

    assert manager.access_token() == "access-old"
    assert refresher.seen == []


def test_the_default_margin_is_fifteen_minutes() -> None:
    assert timedelta(minutes=15) == DEFAULT_MARGIN


def test_a_token_inside_the_margin_is_refreshed_and_the_new_refresh_token_stored(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=10)))

    assert manager.access_token() == "access-new-1"

    assert refresher.seen == ["refresh-old"]
    stored = store.load_tokens(integration_id)
    assert stored is not None
    assert stored.tokens.refresh_token is not None
    assert stored.tokens.refresh_token.get_secret_value() == "refresh-new-1"
    assert stored.version == 3  # saved, marked "refresh in flight", then the new tokens
    assert "refresh_in_flight_since" not in stored.tokens.extra  # the answer arrived: the mark is gone
    assert manager.access_token() == "access-new-1"  # and the fresh one is not refreshed again
    assert len(refresher.seen) == 1


def test_moving_the_clock_into_the_margin_triggers_the_refresh(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher, clock: OffsetClock
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(hours=1)))
    assert manager.access_token() == "access-old"

    clock.advance(timedelta(minutes=50))

    assert manager.access_token() == "access-new-1"


def test_a_refresh_without_a_refresh_token_keeps_the_old_one_and_its_expiry(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher, clock: OffsetClock
) -> None:
    old = tokens_expiring_in(timedelta(minutes=1))
    store.save_tokens(integration_id, old)
    refresher.answer = lambda n: TokenSet(
        access_token=SecretStr("access-non-rotating"), access_expires_at=clock.now() + timedelta(hours=2)
    )

    assert manager.access_token() == "access-non-rotating"

    kept = manager.tokens()
    assert kept is not None
    assert kept.refresh_token is not None
    assert kept.refresh_token.get_secret_value() == "refresh-old"
    assert kept.refresh_expires_at == old.refresh_expires_at


def test_an_expired_refresh_token_requires_reauthorization_with_the_deadline(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    deadline = datetime.now(timezone.utc) - timedelta(days=2)
    store.save_tokens(
        integration_id,
        tokens_expiring_in(timedelta(minutes=-5), refresh_in=deadline - datetime.now(timezone.utc)),
    )

    with pytest.raises(ReauthorizationRequired) as raised:
        manager.access_token()

    error = raised.value
    assert error.integration_id == integration_id
    assert error.deadline is not None
    assert abs(error.deadline - deadline) < timedelta(seconds=1)
    assert "refresh token expired" in str(error)
    assert f"re-authorize integration {integration_id!r}" in str(error)
    assert f"{deadline:%Y-%m-%d}" in str(error)
    assert refresher.seen == []
    state = manager.reauthorization()
    assert state.needs_reauthorization
    assert state.reason == "the refresh token expired"


def test_once_marked_the_integration_fails_fast_without_calling_the_channel(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(hours=3)))
    manager.mark_reauthorization_needed("the seller withdrew the authorization")

    with pytest.raises(ReauthorizationRequired, match="the seller withdrew the authorization"):
        manager.access_token()
    assert refresher.seen == []


def test_a_refresher_saying_reauthorize_marks_the_integration(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    tokens = tokens_expiring_in(timedelta(minutes=3))
    store.save_tokens(integration_id, tokens)
    refresher.error = ReauthorizationRequired(
        "(from the connector)", "the refresh token was revoked", code=105003
    )

    with pytest.raises(ReauthorizationRequired) as raised:
        manager.access_token()

    assert raised.value.integration_id == integration_id  # the core names its integration
    assert raised.value.code == 105003
    assert raised.value.deadline == tokens.refresh_expires_at
    state = store.get_reauthorization(integration_id)
    assert state.needs_reauthorization
    assert state.reason == "the refresh token was revoked"


def test_a_failed_refresh_releases_the_lease_and_keeps_the_old_tokens(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=3)))
    refresher.error = ChannelUnavailable("Shop", "ConnectionError", "unreachable")

    with pytest.raises(ChannelUnavailable):
        manager.access_token()

    assert store.try_lock(f"token-refresh:{integration_id}", "someone-else", timedelta(seconds=1))
    kept = manager.tokens()
    assert kept is not None
    assert kept.access_token.get_secret_value() == "access-old"
    assert not manager.reauthorization().needs_reauthorization


def test_no_refresh_token_at_all_requires_reauthorization(
    manager: TokenManager, store: SQLiteStore, integration_id: str
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=1), refresh_token=None))

    with pytest.raises(ReauthorizationRequired, match="no refresh token was issued"):
        manager.access_token()
    assert manager.reauthorization().needs_reauthorization


def test_an_integration_never_connected_requires_authorization(manager: TokenManager) -> None:
    with pytest.raises(ReauthorizationRequired, match="never been connected"):
        manager.access_token()


def test_a_rejected_token_is_refreshed_only_while_it_is_still_the_stored_one(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(hours=3)))

    assert manager.refresh_after_rejection("access-old") == "access-new-1"
    assert manager.refresh_after_rejection("access-old") == "access-new-1"  # someone already replaced it

    assert refresher.seen == ["refresh-old"]


def test_the_deadline_is_readable_at_any_time(
    manager: TokenManager, store: SQLiteStore, integration_id: str
) -> None:
    tokens = tokens_expiring_in(timedelta(hours=3))
    store.save_tokens(integration_id, tokens)

    assert manager.reauthorization() == ReauthorizationState(deadline=tokens.refresh_expires_at)

    later = datetime(2030, 1, 1, tzinfo=timezone.utc)
    manager.set_deadline(later)
    assert manager.reauthorization().deadline == later


def test_a_fresh_authorization_clears_the_reauthorization_flag(
    manager: TokenManager, clock: OffsetClock
) -> None:
    manager.mark_reauthorization_needed("revoked")
    tokens = tokens_expiring_in(timedelta(hours=4), now=clock.now())

    manager.store_new_tokens(tokens)

    state = manager.reauthorization()
    assert not state.needs_reauthorization
    assert state.deadline == tokens.refresh_expires_at
    assert manager.access_token() == "access-old"


def test_a_refresh_is_logged_without_the_token(
    manager: TokenManager, store: SQLiteStore, integration_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=1)))

    with caplog.at_level("DEBUG", logger="connector_core.auth"):
        manager.access_token()

    assert f"integration {integration_id}: access token refreshed" in caplog.text
    assert "access-new-1" not in caplog.text


# --- one refresh at a time ------------------------------------------------------------------------------


def test_a_caller_waits_for_a_refresh_in_progress_and_uses_its_token(
    manager: TokenManager, store: SQLiteStore, integration_id: str, refresher: Refresher
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=1)))
    lock = f"token-refresh:{integration_id}"
    assert store.try_lock(lock, "another-process", timedelta(seconds=60))

    def the_other_process_finishes() -> None:
        time.sleep(0.2)
        store.save_tokens(
            integration_id, tokens_expiring_in(timedelta(hours=4), access_token="access-winner")
        )
        store.unlock(lock, "another-process")

    finisher = threading.Thread(target=the_other_process_finishes)
    finisher.start()
    try:
        assert manager.access_token() == "access-winner"
    finally:
        finisher.join()
    assert refresher.seen == []


def test_a_caller_gives_up_when_the_refresh_lease_is_never_released(
    store: SQLiteStore, integration_id: str, refresher: Refresher, clock: OffsetClock
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=1)))
    store.try_lock(f"token-refresh:{integration_id}", "stuck", timedelta(seconds=60))
    impatient = TokenManager(store, integration_id, refresher, clock=clock, lock_wait=0.2)

    with pytest.raises(TimeoutError, match="for another process to refresh the token"):
        impatient.access_token()
    assert refresher.seen == []


def test_eight_threads_sharing_a_store_cause_one_refresh(
    store: SQLiteStore, integration_id: str, clock: OffsetClock
) -> None:
    store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=5)))
    calls: list[str] = []
    calls_lock = threading.Lock()

    def slow_refresher(refresh_token: SecretStr) -> TokenSet:
        with calls_lock:
            calls.append(refresh_token.get_secret_value())
        time.sleep(0.2)
        return tokens_expiring_in(
            timedelta(hours=4), access_token=f"access-{len(calls)}", refresh_token="r-2"
        )

    barrier = threading.Barrier(8)
    tokens: list[str] = []

    def worker() -> None:
        manager = TokenManager(store, integration_id, slow_refresher, clock=clock)
        barrier.wait(timeout=10)
        token = manager.access_token()
        with calls_lock:
            tokens.append(token)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert calls == ["refresh-old"]
    assert tokens == ["access-1"] * 8


@pytest.mark.slow
def test_eight_processes_cause_exactly_one_refresh_and_share_its_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))  # spawned children import token_workers
    import token_workers

    counter_path = tmp_path / "refreshes.log"
    parent_store = open_store(store_url)
    integration_id = parent_store.create_integration("fake", "Shared", Credentials({}, {}), {}).id
    parent_store.save_tokens(integration_id, tokens_expiring_in(timedelta(minutes=5)))

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(8)
    results = context.Queue()
    workers = [
        context.Process(
            target=token_workers.ask_for_token,
            args=(store_url, integration_id, str(counter_path), barrier, results),
        )
        for _ in range(8)
    ]
    for process in workers:
        process.start()
    try:
        tokens = [results.get(timeout=60) for _ in workers]
    except queue.Empty:
        pytest.fail(f"workers did not answer; exit codes {[p.exitcode for p in workers]}")
    finally:
        for process in workers:
            process.join(timeout=30)

    assert [p.exitcode for p in workers] == [0] * 8, tokens
    refreshes = counter_path.read_text().splitlines()
    assert len(refreshes) == 1, refreshes
    assert refreshes[0].endswith("used refresh-old")
    winner = refreshes[0].split(" ")[0]
    assert tokens == [f"access-from-{winner}"] * 8
    stored = parent_store.load_tokens(integration_id)
    assert stored is not None
    assert stored.tokens.refresh_token is not None
    assert stored.tokens.refresh_token.get_secret_value() == f"refresh-from-{winner}"
    parent_store.close()
    assert "token_workers" in sys.modules
