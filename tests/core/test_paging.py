"""The core's page loop and its consistency check, for a channel shaped unlike TikTok (records under
"items", a "cursor", a "count"): what a second connector supplies is where its answer keeps them."""

from __future__ import annotations

from typing import Any

import pytest

from connector_core import InconsistentAnswer
from connector_core.paging import PageCheck, RawPage, page_through


class CursorCheck(PageCheck):
    channel = "Cursor Shop"
    page_size = 2
    token_field = "cursor"
    total_field = "count"

    def read(self, data: Any) -> RawPage:
        return RawPage(data.get("items"), data.get("cursor"), data.get("count"))

    def record_key(self, raw: Any) -> tuple[str | None, str | None]:
        return str(raw["id"]), str(raw["v"])


def page(ids: list[int], cursor: str | None, count: int = 4) -> dict[str, Any]:
    return {"items": [{"id": i, "v": 1} for i in ids], "cursor": cursor, "count": count}


def run(answers: dict[str | None, dict[str, Any]], resume: str | None = None) -> list[tuple[list[int], Any]]:
    asked: list[str | None] = []

    def fetch(token: str | None, check: PageCheck) -> dict[str, Any]:
        asked.append(token)
        data = answers[token]
        check(data)  # what the core's call loop does with `check`
        return data

    pages = page_through(
        resume=resume,
        new_check=lambda resumed, seen, emitted: CursorCheck(
            "/items", resumed=resumed, seen=seen, emitted=emitted
        ),
        fetch=fetch,
        to_page=lambda raw, page_resume, total: ([r["id"] for r in raw], page_resume),
        may_be_stale=lambda exc: False,
    )
    return list(pages)


def test_every_page_comes_once_with_a_resume_value_counting_what_was_seen() -> None:
    answers = {None: page([1, 2], "c2"), "c2": page([3, 4], None)}

    assert run(answers) == [([1, 2], "2|c2"), ([3, 4], None)]
    assert run(answers, resume="2|c2") == [([3, 4], None)]


def test_a_cursor_that_does_not_advance_is_an_inconsistent_answer() -> None:
    answers = {None: page([1, 2], "c2"), "c2": page([3, 4], "c2")}

    with pytest.raises(InconsistentAnswer, match="repeated cursor 'c2' after 2 pages"):
        run(answers)


def test_a_last_page_while_the_count_says_more_is_an_inconsistent_answer() -> None:
    with pytest.raises(InconsistentAnswer, match="a page without cursor after 2 of count 4 records"):
        run({None: page([1, 2], None)})


class RankedCheck(CursorCheck):
    """A channel that pages oldest version first: the core may forget the keys its pages passed."""

    def record_rank(self, raw: Any) -> float | None:
        return float(raw["v"])


def pages_in_version_order(count: int, per_page: int) -> list[dict[str, Any]]:
    """Records 0..count-1, record n at version n, `per_page` to a page, oldest first."""
    return [
        {"items": [{"id": n, "v": n} for n in range(start, min(start + per_page, count))], "count": count}
        for start in range(0, count, per_page)
    ]


def take(check: PageCheck, data: dict[str, Any]) -> list[int]:
    check(data)
    fresh, _, _ = check.accept(data)
    return [r["id"] for r in fresh]


def test_a_long_run_in_version_order_keeps_only_the_keys_of_the_pages_it_is_on() -> None:
    check = RankedCheck("/items", resumed=False)
    pages = pages_in_version_order(10_000, 100)
    for number, data in enumerate(pages):
        data["cursor"] = f"c{number + 1}" if number + 1 < len(pages) else None
        take(check, data)

    assert check.seen == 10_000 and len(check.ids) == 10_000
    assert len(check.emitted) <= 100, "the keys below the last page's oldest version are forgotten"


def test_in_version_order_a_record_repeated_on_the_next_page_is_still_emitted_once() -> None:
    check = RankedCheck("/items", resumed=False)
    first = {"items": [{"id": n, "v": n} for n in (1, 2)], "cursor": "c2", "count": 4}
    # An offset-paged channel whose window lost a record meanwhile serves the page boundary again.
    second = {"items": [{"id": n, "v": n} for n in (2, 3, 4)], "cursor": None, "count": 4}

    assert take(check, first) == [1, 2]
    assert take(check, second) == [3, 4]
    assert check.seen == 4


def test_in_version_order_a_record_that_changed_comes_again_and_counts_once() -> None:
    check = RankedCheck("/items", resumed=False)
    first = {"items": [{"id": 1, "v": 1}, {"id": 2, "v": 2}], "cursor": "c2", "count": 3}
    second = {"items": [{"id": 3, "v": 3}, {"id": 1, "v": 9}], "cursor": None, "count": 3}

    assert take(check, first) == [1, 2]
    assert take(check, second) == [3, 1], "record 1's new version is handed over"
    assert (check.seen, check.versions) == (3, 1)


def test_without_a_rank_every_key_of_the_run_is_kept() -> None:
    check = CursorCheck("/items", resumed=False)
    pages = pages_in_version_order(1_000, 100)
    for number, data in enumerate(pages):
        data["cursor"] = f"c{number + 1}" if number + 1 < len(pages) else None
        take(check, data)

    assert len(check.emitted) == 1_000
