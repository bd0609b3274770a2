"""A stock CSV read in two streaming passes, so a file of millions of lines holds bounded memory.

The rule for bad lines stays what it was: every bad line is reported and nothing is pushed. Pushing the good
batches of a half-bad file would leave the channel at levels no file describes (some SKUs at today's count,
others at yesterday's, with nothing saying which), and a seller who fixes the file and runs again loses
nothing: unchanged levels make no call. Hence two passes:

1. `check_stock_file` reads every line once and keeps only what the checks need: the first problems (up to
   `MAX_REPORTED`), and the (SKU, warehouse) pairs seen, in a temporary SQLite file on disk so duplicate
   detection does not grow the memory with the file. Standard input is copied to a temporary file on the
   way, since it cannot be read twice.
2. `StockFile.batches` reads the file again and yields levels `BATCH` at a time; each batch goes through
   the stock ledger and the per-shop lease like any push.

Columns: sku, quantity, optionally warehouse and as_of (when the count was taken, ISO 8601 with a time
zone: `2026-12-07T09:30:00Z`). A level with `as_of` older than the one the ledger applied is `stale` and
never sent, so an old export run late cannot undo a newer count.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..models import StockLevel
from ..text_lines import TextLines
from .inputs import (
    _CONTROL,
    MAX_REPORTED,
    MAX_STOCK_FILE,
    STDIN,
    InputError,
    _delimiter,
    _header,
    _label,
    _quantity,
    open_input,
)

BATCH = 10_000
"""Levels per push: the most a stock file holds in memory at once."""
AS_OF = "as_of"


@dataclass
class _Row:
    number: int
    level: StockLevel | None
    problem: str | None


def _parse_as_of(raw: str) -> tuple[datetime | None, str | None]:
    text = raw.strip()
    if not text:
        return None, None
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None, f"as_of {text!r} is not a date and time (ISO 8601, e.g. 2026-12-07T09:30:00Z)"
    if moment.tzinfo is None:
        return None, f"as_of {text!r} has no time zone: add Z or an offset such as +01:00"
    return moment, None


def _lines(handle: IO[bytes], path: str, copy: IO[bytes] | None = None) -> TextLines:
    """The stock file's lines, checked (connector_core/text_lines.py), the whole file at most MAX_STOCK_FILE."""
    return TextLines(
        handle,
        _label(path),
        what="stock file",
        long_line="a stock line is a SKU and a count; check that it is the right file",
        error=InputError,
        cap=MAX_STOCK_FILE,
        copy=copy,
    )


@dataclass
class StockFile:
    """A stock file every line of which passed the checks; `batches()` reads it again."""

    path: str
    source: Path
    levels: int
    spooled: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def batches(self, size: int = BATCH) -> Iterator[list[StockLevel]]:
        batch: list[StockLevel] = []
        with self.source.open("rb") as handle:
            for row in _rows(_lines(handle, self.path), self.path):
                assert row.level is not None  # every line passed the first pass
                batch.append(row.level)
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def close(self) -> None:
        if self.spooled is not None:
            self.spooled.cleanup()

    def __enter__(self) -> StockFile:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def _rows(lines: TextLines, path: str) -> Iterator[_Row]:
    """Every stock line after the header, checked on its own (duplicates are the caller's)."""
    label = lines.label
    stream = iter(lines)
    first = next((line for line in stream if line.strip()), None)
    if first is None:
        raise InputError(f"{label}: empty: give a header line `sku,quantity` and one line per SKU")
    delimiter = _delimiter(first, path)
    header_number = lines.number

    def rest() -> Iterator[str]:
        yield first
        yield from stream

    reader = csv.reader(rest(), delimiter=delimiter, strict=True)
    columns: dict[str, int] | None = None

    def cell(row: list[str], name: str) -> str:
        assert columns is not None
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"{label}: line {header_number - 1 + reader.line_num}: {exc}: fix the quoting"
            ) from None
        number = header_number - 1 + reader.line_num
        if not "".join(row).strip():
            continue
        if columns is None:
            columns = _header(row, path)
            continue
        sku = cell(row, "sku").strip()
        warehouse = cell(row, "warehouse").strip() or None
        if not sku:
            yield _Row(number, None, f"line {number}: sku is empty")
            continue
        if _CONTROL.search(sku):
            yield _Row(number, None, f"line {number}: SKU {sku!r} holds control characters")
            continue
        quantity, problem = _quantity(cell(row, "quantity"))
        if problem is None:
            as_of, problem = _parse_as_of(cell(row, AS_OF))
        if problem is not None or quantity is None:
            yield _Row(number, None, f"line {number}: SKU {sku}: {problem}")
            continue
        # Checked above (a non-empty SKU, a whole quantity, an aware time): built without re-validation,
        # which is most of the time of a file of millions of lines.
        level = StockLevel.model_construct(sku=sku, quantity=quantity, warehouse=warehouse, as_of=as_of)
        yield _Row(number, level, None)


class _Seen:
    """(SKU, warehouse) -> first line, on disk: duplicate detection in bounded memory."""

    def __init__(self, folder: str) -> None:
        self.db = sqlite3.connect(str(Path(folder) / "seen.sqlite3"))
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE seen (sku TEXT, wh TEXT, line INTEGER, PRIMARY KEY (sku, wh)) WITHOUT ROWID"
        )

    def add(self, rows: list[_Row]) -> list[str]:
        """Record `rows`; a problem line for each that repeats an earlier (SKU, warehouse)."""
        keys = [(r.level.sku, r.level.warehouse or "", r.number) for r in rows if r.level is not None]
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", keys)
        if self.db.total_changes - before == len(keys):
            return []
        problems = []
        for sku, wh, number in keys:
            (first,) = self.db.execute("SELECT line FROM seen WHERE sku = ? AND wh = ?", (sku, wh)).fetchone()
            if first != number:
                where = f" in warehouse {wh}" if wh else ""
                problems.append(f"line {number}: SKU {sku}{where} also on line {first}: keep one of the two")
        return problems

    def close(self) -> None:
        self.db.close()


def check_stock_file(path: str) -> StockFile:
    """The first pass: every line checked, nothing kept but the first problems; `InputError` naming up to
    `MAX_REPORTED` bad lines (and how many more) when any line is bad."""
    work = tempfile.TemporaryDirectory(prefix="stock-file-")
    try:
        return _check(path, work)
    except BaseException:
        work.cleanup()
        raise


def _check(path: str, work: tempfile.TemporaryDirectory[str]) -> StockFile:
    spool = Path(work.name) / "stdin.csv" if path == STDIN else None
    problems: list[str] = []
    bad = levels = 0
    seen = _Seen(work.name)

    def report(problem: str) -> None:
        nonlocal bad
        bad += 1
        if len(problems) < MAX_REPORTED:
            problems.append(problem)

    def settle(rows: list[_Row]) -> None:
        nonlocal levels
        duplicates = seen.add(rows)
        levels += len(rows) - len(duplicates)
        for problem in duplicates:
            report(problem)

    try:
        handle = sys.stdin.buffer if path == STDIN else open_input(path, "stock file")
        copy = spool.open("wb") if spool is not None else None
        try:
            pending: list[_Row] = []
            for row in _rows(_lines(handle, path, copy), path):
                if row.problem is not None:
                    report(row.problem)
                    continue
                pending.append(row)
                if len(pending) >= BATCH:
                    settle(pending)
                    pending = []
            settle(pending)
        finally:
            if copy is not None:
                copy.close()
            if path != STDIN:
                handle.close()
    finally:
        seen.close()
    label = _label(path)
    if bad:
        shown = "; ".join(sorted(problems, key=_line_of))
        more = f"; and {bad - MAX_REPORTED} more" if bad > MAX_REPORTED else ""
        raise InputError(
            f"{label}: {bad} bad line(s), nothing pushed: {shown}{more}; "
            "fix them and run again (unchanged levels make no call)"
        )
    if not levels:
        raise InputError(f"{label}: no stock lines after the header: nothing to push")
    return StockFile(path, spool if spool is not None else Path(path), levels, work)


def _line_of(problem: str) -> int:
    return int(problem.split(":", 1)[0].removeprefix("line "))
