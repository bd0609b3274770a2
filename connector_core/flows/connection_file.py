"""Reading a connections file: the sellers a host imports in bulk, as CSV or JSON Lines, one entry at a time.

Both formats become the mappings `Integrations.import_connections` takes (name, settings, tags, tokens,
shops), each with the line it starts on, so a problem is named by file, line and connection. The file is
read as a stream of lines: a file of 100,000 sellers is never one list in memory.

JSON Lines: one JSON object per line with the keys of an imported connection:
    {"name": "Seller 42", "tags": {"customer": "c-42"}, "settings": {"stock_sync": true},
     "tokens": {"access_token": "...", "access_expires_at": "2026-12-09T10:00:00Z", ...},
     "shops": [{"id": "7495...", "region": "GB", "selector": "GCP_..."}]}

CSV: a header row naming the columns, in any order and case, separated by commas, semicolons or tabs:
    name (required), access_token, access_expires_at, refresh_token, refresh_expires_at, scopes (separated
    by spaces, commas or semicolons), token_extra (a JSON object), shops (a JSON list of shops),
    tag.KEY (one column per tag), setting.KEY (one column per setting: text for a setting the form types
    as text, else a value that reads as JSON, such as true or 15, is taken as that and anything else as
    text). A blank cell is a value not given.

Either: UTF-8 with or without Excel's byte-order mark, Windows or Unix line ends, blank lines ignored. No
message built here quotes a cell or a line: a token must never reach one.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from ..errors import ConnectorError, FieldError
from ..text_lines import TextLines

FileFormat = Literal["csv", "jsonl"]
Opener = Callable[[], IO[bytes]]
"""Opens the file from its start (each pass of an import reads it again)."""

TOKEN_COLUMNS = ("access_token", "access_expires_at", "refresh_token", "refresh_expires_at")
PLAIN_COLUMNS = frozenset({"name", *TOKEN_COLUMNS, "scopes", "token_extra", "shops"})
PREFIXES = {"tag.": "tags", "tags.": "tags", "setting.": "settings", "settings.": "settings"}
EXTENSIONS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_SEPARATORS = re.compile(r"[\s,;]+")


class ConnectionFileError(ConnectorError):
    """The file cannot be read as a connections file at all (not UTF-8, no header, a binary file ...)."""


@dataclass(frozen=True)
class FileEntry:
    """One connection as the file gives it: the line it starts on, its name, the import mapping, and the
    problems found while reading it (a cell that is not JSON ...), named by field only."""

    line: int
    name: str
    fields: dict[str, Any]
    problems: list[FieldError] = field(default_factory=list)


def format_of(filename: str, first_bytes: bytes) -> FileFormat:
    """By the file's extension, else by its first character: `{` is JSON Lines, anything else CSV."""
    lowered = filename.lower()
    for extension, kind in EXTENSIONS.items():
        if lowered.endswith(extension):
            return kind
    text = first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if text.startswith(b"{") else "csv"


def entries(
    open_file: Opener, label: str, kind: FileFormat, text_settings: frozenset[str] = frozenset()
) -> Iterator[FileEntry]:
    """Every connection of the file, in order, each with the line it starts on. `text_settings`: the
    settings a CSV cell gives as text as it is (the form types them as text: `2026` stays "2026")."""
    with open_file() as handle:
        lines = _lines(handle, label)
        yield from (_json_lines(lines) if kind == "jsonl" else _csv_rows(lines, text_settings))


def text_settings_of(schema: dict[str, Any]) -> frozenset[str]:
    """The settings a form types as text only (`"string"`, or `["string", "null"]`)."""
    names = []
    for name, spec in (schema.get("properties") or {}).items():
        kinds = spec.get("type") if isinstance(spec, dict) else None
        kinds = [kinds] if isinstance(kinds, str) else kinds or []
        if "string" in kinds and set(kinds) <= {"string", "null"}:
            names.append(name)
    return frozenset(names)


def _lines(handle: IO[bytes], label: str) -> TextLines:
    return TextLines(
        handle,
        label,
        what="file",
        long_line="one line is one seller; check the file",
        error=ConnectionFileError,
    )


def _json_lines(lines: TextLines) -> Iterator[FileEntry]:
    for text in lines:
        if not text.strip():
            continue
        number = lines.number
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:  # its message names the position, never the content
            yield FileEntry(
                number, "", {}, [FieldError("", f"not valid JSON (column {exc.colno}: {exc.msg})")]
            )
            continue
        except RecursionError:
            yield FileEntry(number, "", {}, [FieldError("", "JSON nested too deeply")])
            continue
        if not isinstance(data, dict):
            yield FileEntry(number, "", {}, [FieldError("", "must be a JSON object, one connection a line")])
            continue
        name = data.get("name")
        yield FileEntry(number, name.strip() if isinstance(name, str) else "", data)


def _delimiter(header: str, label: str, number: int) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0 and header.strip().lower() != "name":
        raise ConnectionFileError(
            f"{label}: line {number}: the header must name the columns (name, access_token, shops, ...), "
            "separated by commas, semicolons or tabs"
        )
    return best


def _header(row: list[str], label: str, number: int) -> list[str]:
    columns: list[str] = []
    for raw in row:
        name = raw.strip().lower()
        known = name in PLAIN_COLUMNS or any(name.startswith(p) and len(name) > len(p) for p in PREFIXES)
        if not known:
            raise ConnectionFileError(
                f"{label}: line {number}: column {raw.strip()[:40]!r} is not a column of a connections file: "
                f"use name, {', '.join(sorted(PLAIN_COLUMNS - {'name'}))}, tag.KEY or setting.KEY"
            )
        if name in columns:
            raise ConnectionFileError(f"{label}: line {number}: column {name!r} appears twice: keep one")
        columns.append(name)
    if "name" not in columns:
        raise ConnectionFileError(
            f"{label}: line {number}: no name column: the header must name each connection's name"
        )
    return columns


def _csv_rows(lines: TextLines, text_settings: frozenset[str]) -> Iterator[FileEntry]:
    label = lines.label
    stream = iter(lines)
    first = next((line for line in stream if line.strip()), None)
    if first is None:
        raise ConnectionFileError(f"{label}: empty: give a header line and one line per connection")
    header_number = lines.number
    delimiter = _delimiter(first, label, header_number)

    def rest() -> Iterator[str]:
        yield first
        yield from stream

    reader = csv.reader(rest(), delimiter=delimiter, strict=True)
    columns: list[str] | None = None
    consumed = 0
    while True:
        start = header_number + consumed  # the physical line this record starts on
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # its message says what is wrong with the quoting, never the content
            raise ConnectionFileError(
                f"{label}: line {start}: {exc}: fix the quoting (a cell holding commas or quotes is quoted)"
            ) from None
        consumed = reader.line_num
        if not "".join(row).strip():
            continue
        if columns is None:
            columns = _header(row, label, start)
            continue
        yield _csv_entry(start, columns, row, text_settings)


def _csv_entry(number: int, columns: list[str], row: list[str], text_settings: frozenset[str]) -> FileEntry:
    problems: list[FieldError] = []
    if len(row) > len(columns):
        problems.append(FieldError("", f"has {len(row)} cells, the header {len(columns)} columns"))
    cells = {c: v.strip() for c, v in zip(columns, row, strict=False)}
    fields: dict[str, Any] = {"name": cells.get("name", "")}
    tokens: dict[str, Any] = {c: cells[c] for c in TOKEN_COLUMNS if cells.get(c)}
    if cells.get("scopes"):
        tokens["scopes"] = [s for s in _SEPARATORS.split(cells["scopes"]) if s]
    if cells.get("token_extra"):
        tokens["extra"] = _json_cell(cells["token_extra"], "token_extra", dict, problems)
    if tokens:
        fields["tokens"] = tokens
    if cells.get("shops"):
        fields["shops"] = _json_cell(cells["shops"], "shops", list, problems)
    for column, value in cells.items():
        prefix = next((p for p in PREFIXES if column.startswith(p)), None)
        if prefix is None or not value:
            continue
        section = fields.setdefault(PREFIXES[prefix], {})
        key = column[len(prefix) :]
        as_text = PREFIXES[prefix] == "tags" or key in text_settings
        section[key] = value if as_text else _setting(value)
    return FileEntry(number, fields["name"], fields, problems)


def _json_cell(text: str, column: str, kind: type, problems: list[FieldError]) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        problems.append(
            FieldError(column, f"is not JSON (give a JSON {'list' if kind is list else 'object'})")
        )
        return kind()
    if not isinstance(value, kind):
        problems.append(FieldError(column, f"must be a JSON {'list' if kind is list else 'object'}"))
        return kind()
    return value


def _setting(text: str) -> Any:
    """`true`, `15`, `["a"]` as JSON; anything else as the text it is (as `shop-settings key=value`)."""
    try:
        return json.loads(text)
    except ValueError:
        return text
