"""Reading one page ahead in the core's page loop: the next page is asked for while the host takes the
current one, and nothing a host or a ledger can see differs from reading page by page."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Generator
from typing import Any

import pytest

from connector_core import InconsistentAnswer, read_ahead
from connector_core.errors import ChannelUnavailable
from connector_core.paging import PageCheck, RawPage, page_through

WAIT = 5.0


def readers() -> list[threading.Thread]:
    """The read-ahead threads alive now (other threads, an emulator's or a watchdog's, come and go)."""
    return [t for t in threading.enumerate() if t.name.startswith(read_ahead.THREAD_NAME)]


class CursorCheck(PageCheck):
    channel = "Cursor Shop"
    page_size = 2
    token_field = "cursor"
    total_field = "count"

    def read(self, data: Any) -> RawPage:
        return RawPage(data.get("items"), data.get("cursor"), data.get("count"))

    def record_key(self, raw: Any) -> tuple[str | None, str | None]:
        return str(raw["id"]), str(raw["v"])


def page(ids: list[int], cursor: str | None, count: int = 6) -> dict[str, Any]:
    return {"items": [{"id": i, "v": 1} for i in ids], "cursor": cursor, "count": count}


THREE_PAGES = {None: page([1, 2], "c2"), "c2": page([3, 4], "c3"), "c3": page([5, 6], None)}


class Channel:
    """A channel answering from `answers` (an exception instead of a page is raised), logging each ask
    with the thread it came from, and whether a page was being mapped at that moment."""

    def __init__(self, answers: dict[str | None, Any], early: bool = False) -> None:
        self.answers = answers
        self.early = early  # the connector gives `page_calls`: the next page is asked for before mapping
        self.page_calls_overlapped = False
        self.asked: list[str | None] = []
        self.threads: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.mapping = False
        self.asked_while_mapping = False
        self.asked_event: dict[str | None, threading.Event] = {t: threading.Event() for t in answers}
        self._lock = threading.Lock()

    def fetch(self, token: str | None, check: PageCheck) -> dict[str, Any]:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.asked_while_mapping |= self.mapping
            self.asked.append(token)
            self.threads.append(threading.current_thread().name)
        try:
            answer = self.answers[token]
            if isinstance(answer, BaseException):
                raise answer
            check(answer)  # what the core's call loop does with `check`
            return answer  # type: ignore[no-any-return]
        finally:
            with self._lock:
                self.in_flight -= 1
            self.asked_event[token].set()

    def to_page(self, raw: list[Any], resume: str | None, total: int | None) -> tuple[list[int], str | None]:
        self.mapping = True
        try:
            return [r["id"] for r in raw], resume
        finally:
            self.mapping = False

    def page_calls(self, raw: list[Any]) -> None:
        # A page's own channel call (TikTok: its open cancellation requests): never beside another call.
        with self._lock:
            self.page_calls_overlapped |= self.in_flight > 0

    def pages(self, resume: str | None = None) -> Generator[tuple[list[int], str | None], None, None]:
        return page_through(
            resume=resume,
            new_check=lambda resumed, seen, emitted: CursorCheck(
                "/items", resumed=resumed, seen=seen, emitted=emitted
            ),
            fetch=self.fetch,
            to_page=self.to_page,
            may_be_stale=lambda exc: False,
            page_calls=self.page_calls if self.early else None,
        )


@pytest.fixture(params=["on", "off"])
def switch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(read_ahead.ENV, "1" if request.param == "on" else "0")
    return str(request.param)


@pytest.fixture(params=[False, True], ids=["after-mapping", "before-mapping"])
def early(request: pytest.FixtureRequest) -> bool:
    """Whether the connector gives `page_calls` (the next page is then asked for before the page is mapped)."""
    return bool(request.param)


def test_the_next_page_is_asked_for_while_the_host_holds_the_current_one() -> None:
    channel = Channel(THREE_PAGES)
    pages = channel.pages()

    assert next(pages) == ([1, 2], "2|c2")
    assert channel.asked_event["c2"].wait(WAIT)  # asked for before the host asks for it
    assert channel.asked == [None, "c2"]
    assert channel.threads[1].startswith(read_ahead.THREAD_NAME)
    assert list(pages) == [([3, 4], "4|c3"), ([5, 6], None)]
    assert channel.asked == [None, "c2", "c3"]


def test_pages_and_resume_values_are_those_of_a_page_by_page_read(switch: str, early: bool) -> None:
    # Whatever the switch, the same pages, the same resume values, the same asks in the same order.
    channel = Channel(THREE_PAGES, early)

    assert list(channel.pages()) == [([1, 2], "2|c2"), ([3, 4], "4|c3"), ([5, 6], None)]
    assert list(Channel(THREE_PAGES, early).pages(resume="2|c2")) == [([3, 4], "4|c3"), ([5, 6], None)]
    assert channel.asked == [None, "c2", "c3"]
    assert channel.most_in_flight == 1  # one call in flight at most
    assert not channel.page_calls_overlapped  # a page's own calls never go beside the next page's ask
    if not early:
        assert not channel.asked_while_mapping  # without `page_calls`, mapping may call: never overlapped
    if switch == "off":
        assert set(channel.threads) == {threading.current_thread().name}
        assert not channel.asked_while_mapping


def test_the_switch_turns_it_off_for_the_process_or_for_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(read_ahead.ENV, "0")
    assert not read_ahead.enabled()
    monkeypatch.setenv(read_ahead.ENV, "1")
    with read_ahead.off():
        channel = Channel(THREE_PAGES)
        pages = channel.pages()
        next(pages)
    assert read_ahead.enabled()
    assert channel.asked == [None]  # the loop started inside the block reads no page ahead
    pages.close()


def test_a_failed_read_ahead_raises_its_own_error_when_the_host_reaches_that_page(
    switch: str, early: bool
) -> None:
    unavailable = ChannelUnavailable("Cursor Shop", 503, "the shop is down for maintenance", http_status=503)
    channel = Channel({None: page([1, 2], "c2"), "c2": unavailable}, early)
    pages = channel.pages()

    assert next(pages) == ([1, 2], "2|c2")  # not earlier: page 1 is the host's, whole
    if switch == "on":
        assert channel.asked_event["c2"].wait(WAIT)
    with pytest.raises(ChannelUnavailable) as raised:
        next(pages)

    assert raised.value is unavailable  # the same error: type, code and one-line message unchanged
    assert str(raised.value) == str(unavailable) and "\n" not in str(raised.value)
    assert threading.current_thread().name == "MainThread"  # raised in the host's thread


def test_an_inconsistent_page_read_ahead_fails_a_fresh_run_at_that_page(switch: str) -> None:
    channel = Channel({None: page([1, 2], "c2"), "c2": page([3, 4], "c2")})  # the cursor does not advance
    pages = channel.pages()

    assert next(pages) == ([1, 2], "2|c2")
    with pytest.raises(InconsistentAnswer, match="repeated cursor 'c2' after 2 pages"):
        next(pages)


def test_an_inconsistent_page_read_ahead_still_restarts_a_resumed_window(switch: str, early: bool) -> None:
    # A resumed run whose saved count no longer adds up starts its window over, as page by page.
    answers = {
        None: page([1, 2], "c2", count=4),
        "c2": page([3, 4], None, count=4),
        "x": page([7, 8], "y", count=4),
        "y": page([9, 10], None, count=4),  # 6 distinct records of a count of 4: a lie, or a moved window
    }
    channel = Channel(answers, early)

    assert list(channel.pages(resume="2|x")) == [([7, 8], "4|y"), ([1, 2], "2|c2"), ([3, 4], None)]
    assert channel.asked == ["x", "y", None, "c2"]


@pytest.mark.parametrize("stop", ["close", "error", "break"])
def test_a_host_that_stops_leaves_the_page_read_ahead_unread_and_no_thread(stop: str, early: bool) -> None:
    channel = Channel(THREE_PAGES, early)
    before = threading.active_count()
    taken = []
    pages = channel.pages()

    if stop == "close":
        taken.append(next(pages))
        pages.close()
    elif stop == "error":
        taken.append(next(pages))
        with pytest.raises(RuntimeError):
            pages.throw(RuntimeError("the host failed while taking page 1"))
    else:
        for taken_page in pages:
            taken.append(taken_page)
            break
        del pages  # a host that breaks out and drops the iterator

    assert taken == [([1, 2], "2|c2")]  # what the host took, whose resume value it saved
    assert channel.asked in ([None], [None, "c2"])  # page 2 at most read, never handed over
    assert not readers() and threading.active_count() <= before  # waited for, not left running
    assert channel.in_flight == 0


def test_many_runs_leave_no_thread_behind() -> None:
    before = threading.active_count()
    for run in range(60):
        channel = Channel(THREE_PAGES, early=run % 2 == 0)
        if run % 3 == 0:
            assert len(list(channel.pages())) == 3
        elif run % 3 == 1:
            for _ in channel.pages():
                break  # the iterator is dropped at once: its page read ahead is waited for, then dropped
        else:
            pages = channel.pages()
            next(pages)
            pages.close()
    assert not readers() and threading.active_count() <= before


def test_with_page_calls_the_next_page_is_in_flight_while_this_one_is_mapped() -> None:
    channel = Channel(THREE_PAGES, early=True)
    seen_while_mapping: list[bool] = []
    mapping = channel.to_page

    def to_page(raw: list[Any], resume: str | None, total: int | None) -> tuple[list[int], str | None]:
        if resume is not None:  # a page with a next one: that one is asked for before this one is mapped
            seen_while_mapping.append(channel.asked_event[resume.split("|")[1]].wait(WAIT))
        return mapping(raw, resume, total)

    channel.to_page = to_page  # type: ignore[method-assign]

    assert len(list(channel.pages())) == 3
    assert seen_while_mapping == [True, True]


def _map_for(seconds: float) -> None:
    """Pure Python work that never lets go of the GIL by itself, like mapping an order."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.mark.parametrize("turns", [True, False])
def test_a_page_being_mapped_lets_the_reading_thread_in(turns: bool) -> None:
    # With a switch interval of minutes, CPython hands the GIL to a waiting thread only when its holder lets
    # it go: the reader's answer "arrives" 20 ms into mapping 120 records of 1 ms each.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        woke: list[float] = []
        reader = threading.Thread(target=lambda: (time.sleep(0.02), woke.append(time.perf_counter())))
        reader.start()
        records = read_ahead.taking_turns(range(120)) if turns else iter(range(120))
        for _ in records:
            _map_for(0.001)
        mapped = time.perf_counter()
        reader.join()
    finally:
        sys.setswitchinterval(previous)

    if turns:
        assert woke[0] < mapped, "the reader waited for the whole page to be mapped"
    else:  # the control: without turns the reader gets the GIL only once mapping ends
        assert woke[0] >= mapped


def test_taking_turns_gives_every_record_once_in_order() -> None:
    assert list(read_ahead.taking_turns(iter(range(21)), every=4)) == list(range(21))
    assert list(read_ahead.taking_turns([])) == []
