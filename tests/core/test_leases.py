"""The core's one lease: bounded wait, renewed during long work, a dead holder taken over only once its call
can no longer land, and a release that survives a store that fails for a moment. Labels, the token manager
and the flows all hold it, so the label flow (money spent) is where these are pinned hardest."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from core_support import FakeChannel

from connector_core import LabelNotAllowed, OffsetClock, SQLiteStore
from connector_core.auth import TokenManager
from connector_core.credentials import Credentials
from connector_core.flows import labels as label_flow
from connector_core.leases import LeaseBusy, LeaseLost, hold
from connector_core.models import TokenSet
from connector_core.store import StoreUnavailable

SHORT = timedelta(seconds=0.3)


def dead_owner() -> str:
    """A lease owner naming a process of this machine that has exited (as after a SIGKILL)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:dead"


def label_lease(integration: Any, order_id: str) -> str:
    return f"labels:{integration.id}:{integration.account_id}:{order_id}"


def test_a_hold_longer_than_its_time_to_live_is_renewed_so_no_one_else_takes_it(
    store: SQLiteStore,
) -> None:
    with hold(store, "job", what="a long job", ttl=SHORT, wait=timedelta(0)) as held:
        time.sleep(1.0)  # more than three times the lease's time to live
        with (
            pytest.raises(LeaseBusy, match="a long job is running since"),
            hold(store, "job", what="a long job", ttl=SHORT, wait=timedelta(0)),
        ):
            pass
        held.confirm()  # held without a gap all along
    assert store.lease_holder("job") is None


def test_a_label_run_longer_than_its_lease_never_overlaps_a_retry(
    connected: Any, channel: FakeChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(label_flow, "LABEL_LEASE_TTL", SHORT)
    real = channel.labels.package_with
    first_call = threading.Event()

    def slow_channel(order_id: str, line_ids: Any) -> Any:
        if not first_call.is_set():
            first_call.set()
            time.sleep(1.2)  # the first run's call outlives its lease four times over
        return real(order_id, line_ids)

    channel.labels.package_with = slow_channel  # type: ignore[method-assign]
    outcomes: list[str] = []
    first = threading.Thread(
        target=lambda: outcomes.extend(r.outcome for r in connected.create_labels("o1", [["l1"]]).results)
    )
    first.start()
    assert first_call.wait(5)
    time.sleep(0.6)  # past the first run's lease, had it not been renewed
    with pytest.raises(LabelNotAllowed, match="another label run holds it"):
        connected.create_labels("o1", [["l1"]])
    first.join()
    again = connected.create_labels("o1", [["l1"]])

    assert outcomes == ["created"]
    assert [r.outcome for r in again.results] == ["already_created"]
    assert channel.labels.purchases["o1"] == 1


def test_a_run_that_lost_its_lease_reports_nothing_and_the_next_run_says_created_once(
    connected: Any, channel: FakeChannel
) -> None:
    name = label_lease(connected, "o2")
    real = channel.labels.package_with

    def stalled_past_the_lease(order_id: str, line_ids: Any) -> Any:
        # What a stall past the expiry looks like to the store: another run holds the order now.
        holder = connected.store.lease_holder(name)
        connected.store.unlock(name, holder.owner)
        assert connected.store.try_lock(name, "other-host:77:retry", timedelta(minutes=1))
        return real(order_id, line_ids)

    channel.labels.package_with = stalled_past_the_lease  # type: ignore[method-assign]
    with pytest.raises(LeaseLost, match="lost its lease"):
        connected.create_labels("o2", [["a"]])
    channel.labels.package_with = real  # type: ignore[method-assign]
    assert [i.status for i in connected.store.list_intents(connected.id, kind="label")] == ["pending"]
    assert connected.store.lease_holder(name).owner == "other-host:77:retry", (
        "the loser freed another's lease"
    )

    connected.store.unlock(name, "other-host:77:retry")
    retry = connected.create_labels("o2", [["a"]])
    assert [r.outcome for r in retry.results] == ["created"]
    assert channel.labels.purchases["o2"] == 1


def test_a_dead_label_runs_lease_is_taken_over_once_its_last_call_can_no_longer_land(
    connected: Any, channel: FakeChannel
) -> None:
    connected.http.deadline = 0.5  # the longest a call of the dead run could still take
    assert connected.store.try_lock(label_lease(connected, "o3"), dead_owner(), timedelta(minutes=2))

    started = time.monotonic()
    report = connected.create_labels("o3", [["x"]])
    waited = time.monotonic() - started

    assert [r.outcome for r in report.results] == ["created"]
    assert 0.5 <= waited < 5, f"took the dead run's lease over after {waited:.2f}s"


def test_a_live_label_runs_lease_is_not_taken_over(connected: Any) -> None:
    assert connected.store.try_lock(label_lease(connected, "o4"), "elsewhere:1:x", timedelta(minutes=2))
    with pytest.raises(LabelNotAllowed, match=r"another label run holds it \(elsewhere:1:x"):
        connected.create_labels("o4", [["x"]])


class FlakyUnlock:
    """A store whose first releases fail the way a dropped database connection does."""

    def __init__(self, store: SQLiteStore, failures: int) -> None:
        self.store = store
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def unlock(self, name: str, owner: str) -> None:
        if self.failures:
            self.failures -= 1
            raise StoreUnavailable("db:5432", "the connection dropped during a write")
        self.store.unlock(name, owner)


def test_a_release_that_meets_a_dropped_connection_is_retried(store: SQLiteStore) -> None:
    flaky = FlakyUnlock(store, failures=2)
    with hold(flaky, "stock", what="a stock push", ttl=timedelta(minutes=5), wait=timedelta(0)):  # type: ignore[arg-type]
        pass
    assert store.lease_holder("stock") is None


def test_a_dead_refreshers_lease_is_taken_over_after_the_call_deadline_not_its_expiry(
    store: SQLiteStore, clock: OffsetClock
) -> None:
    from pydantic import SecretStr

    iid = store.create_integration("fake", "Token test", Credentials({}, {}), {}).id
    soon = clock.now() + timedelta(minutes=1)
    store.save_tokens(
        iid,
        TokenSet(
            access_token=SecretStr("LeaseTestAccess-old-5521"),
            access_expires_at=soon,
            refresh_token=SecretStr("LeaseTestRefresh-7730"),
            refresh_expires_at=soon + timedelta(days=300),
        ),
    )
    fresh = TokenSet(
        access_token=SecretStr("LeaseTestAccess-new-5522"),
        access_expires_at=soon + timedelta(hours=4),
        refresh_token=SecretStr("LeaseTestRefresh-7731"),
        refresh_expires_at=soon + timedelta(days=300),
    )
    assert store.try_lock(f"token-refresh:{iid}", dead_owner(), timedelta(seconds=60))
    manager = TokenManager(
        store, iid, lambda _: fresh, clock=clock, lock_wait=1.0, settle=timedelta(seconds=0.3)
    )

    started = time.monotonic()
    assert manager.access_token() == "LeaseTestAccess-new-5522"
    assert 0.3 <= time.monotonic() - started < 5
