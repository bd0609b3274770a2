"""Reading one page ahead: the next page's request is in flight while the host takes the current one.

An import alternates between waiting for a page and working on it (checking, mapping, handing it over,
saving its place); with the channel a round trip away (TikTok answers a page in 100 ms or more) the
connection sits idle while the worker works, and the worker idles while the channel answers. The core's
page loop (`connector_core.paging.page_through`) therefore asks for page N+1 in a background thread as soon
as page N is mapped, while the host takes page N. Waiting on a socket releases the GIL, so the two overlap.

What read-ahead never changes (tests/core/test_read_ahead.py pins each):
- **One call in flight at most** per import: the next page is asked for only once the current one has
  arrived, and the current page's own channel calls (made while it is mapped) are over before it starts,
  so the requests go out in the same order as without read-ahead (cassettes replay unchanged).
- **Nothing moves on a read**: the page loop accepts a page (its check's state, the resume value the host
  saves) only when the host asks for it. A page read ahead that the host never asks for (it stopped: a
  slice's time bound, a lost lease, an error, the generator closed) is dropped, as if never asked for.
- **Errors arrive where they would have**: a call that failed ahead raises its own exception (same type,
  same message) in the host's thread when the host asks for that page, never earlier, never lost.
- **No thread outlives its import**: one background thread per run, started with the first page read
  ahead; closing the page loop (the host stopped, failed, or took the last page) waits for the call in
  flight, bounded by the call's own deadline, and ends the thread before it returns.
- **The HTTP session**: the connector's `HttpClient` is already one per process, shared by every
  integration's calls from any thread (a pooled session, a per-thread deadline watch, locked counters);
  within one import the page read ahead never goes beside the page's own calls (above).

`CHANNEL_CONNECTORS_READ_AHEAD=0` turns it off for a process; `off()` for a block (a caller that wants
only the first page, such as the admin page's recent orders, has no use for a second one).
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from .http_limits import on_sending

T = TypeVar("T")

ENV = "CHANNEL_CONNECTORS_READ_AHEAD"
THREAD_NAME = "channel-read-ahead"
SEND_WAIT = 0.05
"""How long the page loop waits, at most, for the page read ahead to send its request."""
TURN_EVERY = 8
"""Records a page's mapping goes through between two moments it lets other threads run (~1 ms of mapping)."""
_OFF_VALUES = frozenset({"0", "false", "no", "off"})
_off: contextvars.ContextVar[bool] = contextvars.ContextVar("connector_core_read_ahead_off", default=False)


def enabled() -> bool:
    """Read-ahead is on unless `CHANNEL_CONNECTORS_READ_AHEAD` says 0/false/no/off or `off()` is active."""
    if _off.get():
        return False
    return os.environ.get(ENV, "1").strip().lower() not in _OFF_VALUES


@contextmanager
def off() -> Iterator[None]:
    """No read-ahead for page loops started within this block (in this thread or task)."""
    reset = _off.set(True)
    try:
        yield
    finally:
        _off.reset(reset)


def taking_turns(records: Iterable[T], every: int = TURN_EVERY) -> Iterator[T]:
    """`records` one by one, letting other threads run every `every` records: for a connector's loop that
    maps a page (`for raw in read_ahead.taking_turns(raw_orders): ...`).

    Why: the page read ahead arrives while the host's thread maps the current page, holding the GIL. The
    thread that reads it then waits for CPython's switch interval (5 ms) before the GIL is handed over, and
    again for each part of the answer it reads, so the next page is parsed late and its request leaves
    late: the import's pace is the channel's answer plus that thread's reading, and every wait adds to it.
    Releasing the GIL for a moment every few records lets it read at once; mapping is off that path (it
    overlaps the channel's next answer). Measured against the loopback floor, 10,000 orders: 75-78 % of the
    floor's orders per second without, 91-99 % with (docs/scaling.md). When no other thread wants the GIL
    a turn costs about a microsecond."""
    pause = time.sleep
    left = every
    for record in records:
        left -= 1
        if not left:
            left = every
            pause(0)  # releases the GIL: a thread waiting for it takes it now, not at the switch interval
        yield record


class Reader:
    """A page loop's background thread (one, started on first use, so a one-page run starts none): at most
    one call at a time, each in a copy of the caller's context (context variables such as log fields carry
    over). One thread per run rather than per page: it keeps its own store connection for the token read."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    def start(self, call: Callable[[], T]) -> Future[T]:
        """Run `call` in the background; `result()` of the answer gives its value or raises its exception
        (the same object: same type, same message) in the caller's thread."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=THREAD_NAME)
        leaving = threading.Event()

        def run() -> T:
            on_sending(leaving.set)
            try:
                return call()
            finally:
                on_sending(None)
                leaving.set()

        answer = self._pool.submit(contextvars.copy_context().run, run)
        # Wait (a moment at most: a call may first wait out a rate limit) until its request is on its way:
        # while the caller maps a page it holds the GIL, and the request would leave only at its next switch.
        leaving.wait(SEND_WAIT)
        return answer

    def close(self) -> None:
        """Wait for the call in flight, if any, drop what it brought and end the thread."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
