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
