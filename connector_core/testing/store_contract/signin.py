"""Contract: the sign-in throttle counts failures per client across every process that opens the store,
locks a client out for a time that doubles, and says how long is left."""

from __future__ import annotations

from datetime import timedelta

from ...clock import OffsetClock
from ...store import Store
from ...store.signin import SignInPolicy
from .base import ContractBase, StoreFactory

POLICY = SignInPolicy(
    max_failures=3,
    window=timedelta(minutes=15),
    lockout=timedelta(minutes=1),
    max_lockout=timedelta(minutes=3),
)


class SignInThrottleContract(ContractBase):
    def test_the_last_allowed_failure_starts_a_lockout_that_says_how_long(
        self, store: Store, clock: OffsetClock
    ) -> None:
        assert store.record_signin_failure("10.0.0.1", POLICY) is None
        assert store.record_signin_failure("10.0.0.1", POLICY) is None
        assert store.signin_lockout("10.0.0.1") is None
        assert store.record_signin_failure("10.0.0.1", POLICY) == timedelta(minutes=1)
        clock.advance(timedelta(seconds=20))
        left = store.signin_lockout("10.0.0.1")
        assert left is not None and timedelta(seconds=39) <= left <= timedelta(seconds=40)
        assert store.signin_lockout("10.0.0.2") is None  # per client
        store.clear_signin_failures("10.0.0.1")  # a right sign-in does not lift a lockout
        assert store.signin_lockout("10.0.0.1") is not None
        clock.advance(timedelta(seconds=41))
        assert store.signin_lockout("10.0.0.1") is None

    def test_each_further_lockout_doubles_up_to_the_cap(self, store: Store, clock: OffsetClock) -> None:
        lockouts = []
        for _ in range(4):
            lockout = None
            while lockout is None:
                lockout = store.record_signin_failure("c", POLICY)
            lockouts.append(lockout)
            clock.advance(lockout + timedelta(seconds=1))
        assert lockouts == [timedelta(minutes=m) for m in (1, 2, 3, 3)]

    def test_failures_outside_the_window_and_after_a_right_sign_in_are_forgotten(
        self, store: Store, clock: OffsetClock
    ) -> None:
        store.record_signin_failure("c", POLICY)
        store.record_signin_failure("c", POLICY)
        clock.advance(timedelta(minutes=16))
        assert store.record_signin_failure("c", POLICY) is None  # a new window: one failure so far
        store.record_signin_failure("c", POLICY)
        store.clear_signin_failures("c")
        assert store.record_signin_failure("c", POLICY) is None
        assert store.record_signin_failure("c", POLICY) is None

    def test_two_processes_count_into_one_throttle(
        self, store: Store, store_factory: StoreFactory, clock: OffsetClock
    ) -> None:
        other = store_factory(clock=clock)  # another web process on the same database
        try:
            assert store.record_signin_failure("c", POLICY) is None
            assert other.record_signin_failure("c", POLICY) is None
            assert store.record_signin_failure("c", POLICY) is not None
            assert other.signin_lockout("c") is not None
        finally:
            other.close()
