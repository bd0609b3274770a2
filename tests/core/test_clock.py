"""The injectable clock: UTC always, and a test clock that jumps ahead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from connector_core import OffsetClock, SystemClock
from connector_core.clock import from_unix, to_unix


def test_the_system_clock_is_utc() -> None:
    now = SystemClock().now()

    assert now.tzinfo == timezone.utc
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_an_offset_clock_jumps_ahead() -> None:
    clock = OffsetClock()
    before = clock.now()

    clock.advance(timedelta(days=2))

    assert clock.now() - before >= timedelta(days=2)
    assert OffsetClock(timedelta(hours=1)).now() - datetime.now(timezone.utc) > timedelta(minutes=59)


def test_unix_seconds_in_and_out() -> None:
    moment = from_unix("1700000000")

    assert moment == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert from_unix(1700000000.9) == moment
    assert to_unix(moment) == 1700000000
