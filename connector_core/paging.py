"""The page loop every connector with token-paged imports needs, owned by the core, and its consistency check.

A page is believed only when it is consistent with itself and with the run so far (`PageCheck`): a list of
records, a next-page token never seen before in the run, no more distinct records than the largest total
the channel gave in the run, and no last page while fewer than that total were seen. A live shop moves
while it is paged (a record taken on an early page changes and leaves the window, or comes again later;
the total rises and falls), so the check counts distinct records, not rows, and allows for that; a lie is
what no live shop produces. Anything else is `InconsistentAnswer`: the core's call loop asks for the same
page again a few times, then the run fails, so the watermark never moves past records it did not get. A
record seen twice in one run with the same version is emitted once.

Memory stays flat however many records a run takes: the distinct ids are counted in 8-byte hashes
(`connector_core.seen_ids`), and when the channel pages oldest version first (`record_rank`) the (id,
version) keys that the pages have passed are forgotten. Under that order a record's version below the
current page's lowest rank cannot be served again (a record that changes comes again later with a new
version, so a new key); a channel breaking the order would at worst have such a version handed over
twice, never lost. Without a rank every key of the run is kept, as before.

A connector supplies `PageCheck.read` (where its answer keeps the records, the token and the total),
`record_key` (a record's id and version) and, if its pages ascend by version, `record_rank`, plus, to
`page_through`, how to fetch one page and map it.
The resume value handed to the core is `"{records seen}|{channel token}"`, so a resumed run still knows
how many records the window's earlier pages held.

While the host takes a page, the next one is already asked for (`connector_core.read_ahead`): `fetch` may
run in a background thread, one call at a time, after `to_page` of the page before has returned, and
judged by the same `check`. So `fetch` must not depend on anything the host does with a page, and any
channel call a page needs while it is mapped belongs in `to_page` (it is over before the next page is asked
for). A page is accepted (the check's state, the resume value) only when the host asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, NoReturn, TypeVar

from . import read_ahead
from .errors import ChannelError, InconsistentAnswer
from .seen_ids import SeenIds

log = logging.getLogger("connector_core.paging")

P = TypeVar("P")
Emitted = dict[tuple[str, str], float | None]
"""The (id, version) keys a run emitted, each with its rank (None when the channel gives none)."""


@dataclass(frozen=True)
class RawPage:
    """One answer, as the connector reads it: before any check."""

    records: Any
    """The answer's record list (None when it carries none; anything else not a list is refused)."""
    next_token: Any
    """The token of the next page as sent (None or "" on the last page)."""
    total: int | None
    """The channel's count of records in the window, when it gives a sane one."""


@dataclass
class PageCheck:
    """What one import run has seen, to judge whether the next page can be believed (module docstring)."""

    path: str
    resumed: bool
    """The run started from a saved token: the records of earlier pages were counted by another run."""
    seen: int = 0
    """Distinct records taken in this window (those of earlier runs included, when resumed)."""
    pages: int = 0
    tokens: set[str] = field(default_factory=set)
    emitted: Emitted = field(default_factory=dict)
    """Keys emitted in this run, carried over when a run starts its window again; keys ranked below
    `floor` are forgotten (module docstring)."""
    ids: SeenIds = field(default_factory=SeenIds)
    most: int = 0
    """The largest total of the run."""
    versions: int = 0
    """Records that came again with a newer version (changed while paging): pages they fill are due."""
    floor: float | None = None
    """The lowest rank of the latest page whose records all had one: the pages have passed what is below."""
    checked: tuple[list[Any], list[tuple[str | None, str | None]]] | None = field(default=None, repr=False)
    """The records of the page last checked and their keys, so `accept` of that page reads them once."""

    channel: ClassVar[str] = "the channel"
    page_size: ClassVar[int] = 100
    max_pages: ClassVar[int] = 20_000
    """Pages one run may take without a total to bound it."""
    records_field: ClassVar[str] = "records"
    token_field: ClassVar[str] = "next_page_token"  # noqa: S105 - a field's name, not a secret
    total_field: ClassVar[str] = "total_count"
    records_word: ClassVar[str] = "records"
    success_without_records: ClassVar[str] = "answered success without {field}"

    # --- what the connector supplies ---------------------------------------------------------------------

    def read(self, data: Any) -> RawPage:
        raise NotImplementedError("a connector's PageCheck says where its answer keeps records and tokens")

    def record_key(self, raw: Any) -> tuple[str | None, str | None]:
        """(id, version) of a raw record; (None, None) when it has neither (it is then a problem later)."""
        raise NotImplementedError

    def record_rank(self, raw: Any) -> float | None:
        """Where a record's version sorts, when the channel serves pages in ascending order of it (oldest
        update first) and a changed record comes again later with a higher rank. None (the default): no
        such order is promised, and the run keeps every key it emitted."""
        return None

    # --- the check -----------------------------------------------------------------------------------------

    def __call__(self, data: Any) -> None:
        """Raise `InconsistentAnswer` when `data` cannot be the next page of this run (nothing is changed)."""
        page = self.read(data)
        records, total = page.records, page.total
        if records is None and total == 0 and not page.next_token:
            return  # an empty window
        if not isinstance(records, list):
            self._fail(
                self.success_without_records.format(field=self.records_field)
                if records is None
                else f"{self.records_field} is not a list"
            )
        token = page.next_token or None
        if token is not None and not isinstance(token, str):
            self._fail(f"{self.token_field} is a {type(token).__name__}, not text")
        if token is not None and token in self.tokens:
            self._fail(f"repeated {self.token_field} {token[:12]!r} after {self.pages + 1} pages")
        keys = [self.record_key(raw) for raw in records]
        self.checked = (records, keys)
        ids = self.ids
        new_ids = {record_id for record_id, _ in keys if record_id is not None}
        seen = self.seen + sum(1 for record_id in new_ids if record_id not in ids)
        most = max(self.most, total or 0)
        if total is not None and seen > most + most // 100 + 1:
            self._fail(
                f"{seen} distinct {self.records_word} so far but {self.total_field} never said more than {most}"
            )
        if token is None and total is not None and seen < total and not self.resumed:
            self._fail(
                f"a page without {self.token_field} after {seen} of {self.total_field} {total} {self.records_word}"
            )
        if token is not None and not records and (total is None or seen < total):
            self._fail(f"an empty page with a {self.token_field}")
        due = self.max_pages if total is None else (most + self.versions) // self.page_size + 3
        if self.pages + 1 > due:
            self._fail(
                f"page {self.pages + 1} for {self.total_field} {total}: far more pages than {self.records_word}"
            )

    def accept(self, data: Any) -> tuple[list[Any], str | None, int | None]:
        """Record a checked page; its raw records not yet emitted in this run (one per id and version)."""
        page = self.read(data)
        records: list[Any] = page.records or []
        # An empty page can only pass the check once every record was seen: it ends the run, token or not.
        token = (page.next_token or None) if records else None
        if token is not None:
            self.tokens.add(token)
        self.pages += 1
        fresh = []
        emitted = self.emitted
        lowest: float | None = None
        ranked = True
        checked, self.checked = self.checked, None
        keys = checked[1] if checked is not None and checked[0] is records else map(self.record_key, records)
        for raw, (record_id, version) in zip(records, keys, strict=True):
            rank = self.record_rank(raw)
            if rank is None:
                ranked = False
            elif lowest is None or rank < lowest:
                lowest = rank
            if record_id is None:
                fresh.append(raw)
                continue
            key = (record_id, str(version))
            if self.ids.add(record_id):
                self.seen += 1
            elif key not in emitted:
                self.versions += 1  # changed since an earlier page of this run: a newer version
            if key in emitted:
                log.info("record %s seen twice in one import (same version): emitted once", record_id)
                continue
            emitted[key] = rank
            fresh.append(raw)
        if ranked and lowest is not None and (self.floor is None or lowest > self.floor):
            self._forget_below(lowest)
        if page.total is not None:
            self.most = max(self.most, page.total)
        return fresh, token, page.total

    def _forget_below(self, floor: float) -> None:
        """Drop the keys ranked below `floor`: in ascending pages they cannot come again (module docstring).
        The dict is rebuilt rather than emptied in place, so it never keeps the table of its largest size."""
        self.floor = floor
        self.emitted = {key: rank for key, rank in self.emitted.items() if rank is None or rank >= floor}

    def _fail(self, what: str) -> NoReturn:
        raise InconsistentAnswer(self.channel, "inconsistent_page", f"{self.path}: {what}", http_status=200)


def split_resume(resume: str | None) -> tuple[int | None, str | None]:
    """(records seen before, page token) from a resume value; (None, token) for a bare token."""
    if not resume:
        return None, None
    count, bar, token = resume.partition("|")
    if bar and count.isdigit() and token:
        return int(count), token
    return None, resume


def page_through(
    *,
    resume: str | None,
    new_check: Callable[[bool, int, Emitted], PageCheck],
    fetch: Callable[[str | None, PageCheck], Any],
    to_page: Callable[[list[Any], str | None, int | None], P],
    may_be_stale: Callable[[ChannelError], bool],
) -> Generator[P, None, None]:
    """Every page of a window, from `resume` (see the module docstring).

    `new_check(resumed, seen, emitted)` makes the run's check; `fetch(token, check)` asks for one page
    through the core's call loop (passing `check`, so an inconsistent page is asked again); `to_page(raw
    records, resume, total)` maps a page; `may_be_stale(error)` says whether a refusal of a resumed run's
    first call may mean its saved token went stale. A stale token, or an inconsistency met by a resumed
    run (records updated since left the window, so the saved count may no longer add up), starts the
    window over once rather than fail on every later run; a fresh run reports it. The run's emitted keys
    go along (the records it handed over are not handed over again), less those the pages had passed
    (`record_rank`): like the records of the runs before the resume, those may come a second time."""
    seen_before, token = split_resume(resume)
    check = new_check(resume is not None and seen_before is None, seen_before or 0, {})
    first = True
    ahead = read_ahead.enabled()
    pending: read_ahead.Ahead[Any] | None = None  # the next page, asked for while the host takes this one
    try:
        while True:
            try:
                if pending is not None:
                    # The page read ahead: its error (after the call loop's own re-asks) is raised here,
                    # when the host reaches it, exactly as a fetch made now would raise it.
                    asked, pending = pending, None
                    data = asked.result()
                else:
                    data = fetch(token, check)
            except InconsistentAnswer as exc:
                if resume is None:
                    raise
                log.warning("%s; restarting the window from its start", exc.channel_message)
                token = resume = None
                check = new_check(False, 0, check.emitted)
                continue
            except ChannelError as exc:
                if not first or resume is None or not may_be_stale(exc):
                    raise
                log.warning("resume token refused (%s); restarting the window from its start", exc.code)
                token = resume = None
                check = new_check(False, 0, {})
                continue
            first = False
            raw_records, next_token, total = check.accept(data)
            mapped = to_page(raw_records, f"{check.seen}|{next_token}" if next_token else None, total)
            # The raw page is done with: let it go before the next one arrives, so a run holds at most
            # one raw page beside the mapped one (parsed JSON is the largest thing an import holds).
            del data, raw_records
            if next_token and ahead:
                # The page's own calls (made while mapping it) are over and `check` holds it: the next
                # page can be asked for now, judged against the run so far exactly as it would be later.
                # Nothing touches `check` until `result()` has joined the thread.
                pending = read_ahead.Ahead(partial(fetch, next_token, check))
            yield mapped
            del mapped
            if not next_token:
                return
            token = next_token
    finally:
        if pending is not None:
            pending.discard()  # the host stopped before this page: a read, dropped (read_ahead docstring)
