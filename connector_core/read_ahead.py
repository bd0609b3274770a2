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
- **No thread outlives its import**: closing the page loop waits for the call in flight (bounded by the
  call's own deadline) before it returns.

`CHANNEL_CONNECTORS_READ_AHEAD=0` turns it off for a process; `off()` for a block (a caller that wants
only the first page, such as the admin page's recent orders, has no use for a second one).
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

ENV = "CHANNEL_CONNECTORS_READ_AHEAD"
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


class Ahead(Generic[T]):
    """One call running in a daemon thread; its answer (or its error) is taken in the caller's thread.

    The call runs in a copy of the caller's context (context variables such as log fields carry over)."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._answer: T | None = None
        self._error: BaseException | None = None
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run, call), name="channel-read-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._answer = call()
        except BaseException as exc:  # handed to the caller's thread in `result`, unchanged
            self._error = exc

    def result(self) -> T:
        """The call's answer, or its exception raised here (the same object: same type, same message)."""
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error
        answer, self._answer = self._answer, None
        return answer  # type: ignore[return-value]  # set by _run when no error was

    def discard(self) -> None:
        """Wait for the call to end and drop what it brought: it was a read that nobody asked for."""
        self._thread.join()
        self._answer = self._error = None
