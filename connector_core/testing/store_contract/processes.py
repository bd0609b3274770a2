"""Contract: leases, in one process and across processes (spawned, so nothing is shared but the database)."""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from datetime import timedelta
from typing import Any

from ...clock import OffsetClock
from ...store import Store, lease_owner
from .base import ContractBase, StoreFactory

LEASE = "contract:import:shop-a"
WORKERS = 4
ROUNDS_EACH = 5
PROCESS_TIMEOUT = 90.0


def _contend(factory: StoreFactory, rounds: int, holders: Any, peak: Any, taken: Any) -> None:
    """One worker process: take the lease `rounds` times, each time checking nobody else holds it."""
    store = factory()
    owner = lease_owner()
    deadline = time.monotonic() + PROCESS_TIMEOUT
    try:
        done = 0
        while done < rounds and time.monotonic() < deadline:
            if not store.try_lock(LEASE, owner, timedelta(seconds=30)):
                time.sleep(0.005)
                continue
            with holders.get_lock():
                holders.value += 1
                peak.value = max(peak.value, holders.value)
            time.sleep(0.02)  # hold it a while: a second holder would overlap here
            with holders.get_lock():
                holders.value -= 1
            store.unlock(LEASE, owner)
            done += 1
            with taken.get_lock():
                taken.value += 1
            time.sleep(0.005)
    finally:
        store.close()


def _hold_and_hang(factory: StoreFactory, owner: str, ttl_seconds: float, ready: Any) -> None:
    """Take the lease and never give it back: the parent kills this process with SIGKILL."""
    store = factory()
    ready.put(store.try_lock(LEASE, owner, timedelta(seconds=ttl_seconds)))
    time.sleep(PROCESS_TIMEOUT)


class ProcessContract(ContractBase):
    def test_a_lease_is_exclusive_until_released(self, store: Store) -> None:
        assert store.try_lock("job", "a", timedelta(seconds=60))
        assert store.try_lock("job", "a", timedelta(seconds=60))  # the holder renews
        assert not store.try_lock("job", "b", timedelta(seconds=60))

        store.unlock("job", "b")  # not b's to release
        assert not store.try_lock("job", "b", timedelta(seconds=60))
        store.unlock("job", "a")
        assert store.try_lock("job", "b", timedelta(seconds=60))

    def test_the_holder_of_a_lease_is_visible_until_it_ends(self, store: Store) -> None:
        assert store.lease_holder("job") is None
        store.try_lock("job", "a", timedelta(seconds=60))
        held = store.lease_holder("job")
        assert held is not None and (held.name, held.owner) == ("job", "a")
        assert timedelta(seconds=55) < held.expires_at - held.acquired_at <= timedelta(seconds=61)

        time.sleep(0.05)
        store.try_lock("job", "a", timedelta(seconds=60))
        renewed = store.lease_holder("job")
        assert renewed is not None
        assert renewed.acquired_at == held.acquired_at  # a renewal is the same tenure
        assert renewed.expires_at > held.expires_at

        store.unlock("job", "a")
        assert store.lease_holder("job") is None

    def test_a_lease_that_ran_out_is_taken_over(self, store: Store) -> None:
        assert store.try_lock("job", "crashed", timedelta(0))

        assert store.lease_holder("job") is None
        assert store.try_lock("job", "survivor", timedelta(seconds=60))
        assert not store.try_lock("job", "crashed", timedelta(seconds=60))

    def test_a_lease_ignores_a_test_clock_jumping_ahead(self, store: Store, clock: OffsetClock) -> None:
        assert store.try_lock("job", "a", timedelta(seconds=60))
        clock.advance(timedelta(days=1))

        assert not store.try_lock("job", "b", timedelta(seconds=60))

    def test_lease_owners_name_the_host_and_process_and_never_repeat(self) -> None:
        owners = {lease_owner() for _ in range(100)}

        assert len(owners) == 100
        assert all(re.fullmatch(rf".+:{os.getpid()}:[0-9a-f]{{8}}", o) for o in owners)

    def test_a_lease_is_exclusive_across_processes(self, store: Store, store_factory: StoreFactory) -> None:
        spawn = multiprocessing.get_context("spawn")
        holders, peak, taken = spawn.Value("i", 0), spawn.Value("i", 0), spawn.Value("i", 0)
        workers = [
            spawn.Process(target=_contend, args=(store_factory, ROUNDS_EACH, holders, peak, taken))
            for _ in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(PROCESS_TIMEOUT)

        assert [w.exitcode for w in workers] == [0] * WORKERS
        assert taken.value == WORKERS * ROUNDS_EACH  # everyone got its turns...
        assert peak.value == 1  # ...one at a time
        assert store.lease_holder(LEASE) is None

    def test_a_killed_holder_keeps_its_lease_only_until_it_expires(
        self, store: Store, store_factory: StoreFactory
    ) -> None:
        spawn = multiprocessing.get_context("spawn")
        ready = spawn.Queue()
        child_owner = "contract-child"
        holder = spawn.Process(target=_hold_and_hang, args=(store_factory, child_owner, 3.0, ready))
        holder.start()
        try:
            assert ready.get(timeout=PROCESS_TIMEOUT) is True
        finally:
            holder.kill()
            holder.join(PROCESS_TIMEOUT)

        held = store.lease_holder(LEASE)
        assert held is not None and held.owner == child_owner
        assert not store.try_lock(LEASE, "survivor", timedelta(seconds=30))  # dead, but not yet expired

        deadline = time.time() + 30
        while not store.try_lock(LEASE, "survivor", timedelta(seconds=30)):
            assert time.time() < deadline, "the killed holder's lease was never handed over"
            time.sleep(0.05)
        handed_over = time.time()

        assert handed_over >= held.expires_at.timestamp() - 0.5  # not before it expired (clock skew aside)
        assert handed_over <= held.expires_at.timestamp() + 2.0  # and soon after
        survivor = store.lease_holder(LEASE)
        assert survivor is not None and survivor.owner == "survivor"
