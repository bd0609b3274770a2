"""Reading one page ahead in the core's page loop: the next page is asked for while the host takes the
current one, and nothing a host or a ledger can see differs from reading page by page."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import pytest

from connector_core import InconsistentAnswer, read_ahead
from connector_core.errors import ChannelUnavailable
from connector_core.paging import PageCheck, RawPage, page_through

WAIT = 5.0


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

    def __init__(self, answers: dict[str | None, Any]) -> None:
        self.answers = answers
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

    def pages(self, resume: str | None = None) -> Generator[tuple[list[int], str | None], None, None]:
        return page_through(
            resume=resume,
            new_check=lambda resumed, seen, emitted: CursorCheck(
                "/items", resumed=resumed, seen=seen, emitted=emitted
            ),
            fetch=self.fetch,
            to_page=self.to_page,
            may_be_stale=lambda exc: False,
        )


@pytest.fixture(params=["on", "off"])
def switch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(read_ahead.ENV, "1" if request.param == "on" else "0")
    return str(request.param)


def test_the_next_page_is_asked_for_while_the_host_holds_the_current_one() -> None:
    channel = Channel(THREE_PAGES)
    pages = channel.pages()

    assert next(pages) == ([1, 2], "2|c2")
    assert channel.asked_event["c2"].wait(WAIT)  # asked for before the host asks for it
    assert channel.asked == [None, "c2"]
    assert channel.threads[1] == "channel-read-ahead"
    assert list(pages) == [([3, 4], "4|c3"), ([5, 6], None)]
    assert channel.asked == [None, "c2", "c3"]


def test_pages_and_resume_values_are_those_of_a_page_by_page_read(switch: str) -> None:
    # Whatever the switch, the same pages, the same resume values, the same asks in the same order.
    channel = Channel(THREE_PAGES)

    assert list(channel.pages()) == [([1, 2], "2|c2"), ([3, 4], "4|c3"), ([5, 6], None)]
    assert list(Channel(THREE_PAGES).pages(resume="2|c2")) == [([3, 4], "4|c3"), ([5, 6], None)]
    assert channel.asked == [None, "c2", "c3"]
    assert channel.most_in_flight == 1  # one call in flight at most
    assert not channel.asked_while_mapping  # a page's own calls (while mapped) never overlap the next ask
    if switch == "off":
        assert set(channel.threads) == {threading.current_thread().name}


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


def test_a_failed_read_ahead_raises_its_own_error_when_the_host_reaches_that_page(switch: str) -> None:
    unavailable = ChannelUnavailable("Cursor Shop", 503, "the shop is down for maintenance", http_status=503)
    channel = Channel({None: page([1, 2], "c2"), "c2": unavailable})
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


def test_an_inconsistent_page_read_ahead_still_restarts_a_resumed_window(switch: str) -> None:
    # A resumed run whose saved count no longer adds up starts its window over, as page by page.
    answers = {
        None: page([1, 2], "c2", count=4),
        "c2": page([3, 4], None, count=4),
        "x": page([7, 8], "y", count=4),
        "y": page([9, 10], None, count=4),  # 6 distinct records of a count of 4: a lie, or a moved window
    }
    channel = Channel(answers)

    assert list(channel.pages(resume="2|x")) == [([7, 8], "4|y"), ([1, 2], "2|c2"), ([3, 4], None)]
    assert channel.asked == ["x", "y", None, "c2"]


@pytest.mark.parametrize("stop", ["close", "error", "break"])
def test_a_host_that_stops_leaves_the_page_read_ahead_unread_and_no_thread(stop: str) -> None:
    channel = Channel(THREE_PAGES)
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
    assert threading.active_count() == before  # the read ahead was waited for, not left running
    assert channel.in_flight == 0


def test_many_runs_leave_no_thread_behind() -> None:
    before = threading.active_count()
    for run in range(60):
        channel = Channel(THREE_PAGES)
        if run % 3 == 0:
            assert len(list(channel.pages())) == 3
        elif run % 3 == 1:
            for _ in channel.pages():
                break  # the iterator is dropped at once: its page read ahead is waited for, then dropped
        else:
            pages = channel.pages()
            next(pages)
            pages.close()
    assert threading.active_count() == before
