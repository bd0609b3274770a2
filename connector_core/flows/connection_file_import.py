"""Importing a connections file under an app, in two streaming passes, for the CLI and the admin page.

`Integrations.import_connections` checks every entry before it writes any, and so must a file: a half
imported file leaves the operator to work out which sellers are in and which are not. But holding 100,000
checked entries to write them afterwards costs hundreds of MB. Hence two passes over the file:

1. `check_file` reads every entry and runs the import's own checks on it (`EntryChecker`: settings
   against the connector's form, tags, tokens, shops), plus what only a whole file shows: a name or a
   shop on two lines, and entries already imported. It keeps names, shop ids and line numbers, never an
   entry. The first problem stops it, in one line naming the file, the line, the connection and the
   field; nothing has been written then.
2. `write_file` reads the file again and hands `import_connections` one batch at a time.

Running the same file again is safe. A connection is recognised by its shops: an entry whose shops are
all served, under this app, by one existing connection was imported before and is skipped (reported as
such, not written twice). An entry with some of its shops served by existing connections and some not,
or by two connections, is refused naming the shop: which connection should serve it is the operator's
call. An entry without shops (a seller who still has to Connect) has nothing to be recognised by and is
created on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConnectorError, FieldError, InvalidInput
from .bulk_import import DEFAULT_BATCH, EntryChecker
from .connection_file import FileEntry, FileFormat, Opener, entries, text_settings_of
from .integrations import Integrations

NAME_SHOWN = 60
"""The most characters of a connection's name a message quotes."""


class ConnectionFileRefused(ConnectorError):
    """An entry of the file is wrong: one line naming the file, its line, the connection and the field."""

    def __init__(self, label: str, line: int, name: str, errors: list[FieldError]) -> None:
        self.label, self.line, self.name, self.errors = label, line, name, errors
        who = f"connection {name[:NAME_SHOWN]!r}" if name else "a connection without a name"
        details = "; ".join(str(e) for e in errors)
        super().__init__(
            f"{label}: line {line}: {who}: {details}: nothing was imported; fix the line and run again"
        )


@dataclass
class ImportPlan:
    """What the first pass found: how many entries, which lines were imported before (and by which
    connection), nothing of the entries themselves."""

    label: str
    kind: FileFormat
    app_id: str
    text_settings: frozenset[str] = frozenset()
    """The connector's settings a CSV cell gives as text as it is."""
    entries: int = 0
    skipped: dict[int, str] = field(default_factory=dict)
    """line -> the existing connection already serving that entry's shops."""

    @property
    def to_create(self) -> int:
        return self.entries - len(self.skipped)


@dataclass(frozen=True)
class Batch:
    """One store transaction of the second pass."""

    number: int
    first_line: int
    last_line: int
    lines: list[int]
    names: list[str]
    ids: list[str]


def check_file(
    integrations: Integrations, app_id: str, open_file: Opener, label: str, kind: FileFormat
) -> ImportPlan:
    """The first pass: every entry checked; `ConnectionFileRefused` at the first bad one (or
    `ConnectionFileError` for a file that is not a connections file), before anything is written."""
    app = integrations.store.get_app(app_id)  # UnknownApp: the operator typed the wrong app id
    connector = integrations.host.get(app.connector)
    checker = EntryChecker(connector)
    plan = ImportPlan(label, kind, app_id, text_settings_of(connector.settings_schema()))
    names: dict[str, int] = {}
    shops: dict[str, int] = {}
    for entry in entries(open_file, label, kind, plan.text_settings):
        plan.entries += 1
        problems = list(entry.problems) or _checked(checker, plan.entries, entry)
        if not problems and (first := names.get(entry.name.casefold())) is not None:
            problems = [FieldError("name", f"also on line {first}: each connection once, with all its shops")]
        shop_ids = [str(s.get("id")) for s in entry.fields.get("shops") or [] if isinstance(s, dict)]
        if not problems:
            problems = [
                FieldError(
                    "shops", f"shop {s[:NAME_SHOWN]!r} is also on line {shops[s]}: a shop has one connection"
                )
                for s in shop_ids
                if s in shops
            ][:1]
        if not problems:
            existing, problems = _already_imported(integrations, app_id, shop_ids)
            if existing is not None:
                plan.skipped[entry.line] = existing
        if problems:
            raise ConnectionFileRefused(label, entry.line, entry.name, problems)
        names[entry.name.casefold()] = entry.line
        shops.update(dict.fromkeys(shop_ids, entry.line))
    if not plan.entries:
        raise ConnectionFileRefused(label, 1, "", [FieldError("", "no connections after the header")])
    return plan


def _checked(checker: EntryChecker, number: int, entry: FileEntry) -> list[FieldError]:
    if not entry.name:
        return [FieldError("name", "is missing: give each connection a name (the seller's)")]
    try:
        checker.entry(number, entry.fields)
    except InvalidInput as exc:  # its errors name fields, never values
        return exc.errors
    return []


def _already_imported(
    integrations: Integrations, app_id: str, shop_ids: list[str]
) -> tuple[str | None, list[FieldError]]:
    """(the connection already serving every one of these shops under the app, or None; problems)."""
    if not shop_ids:
        return None, []
    serving = {s: integrations.store.route_webhook_shop(app_id, s) for s in shop_ids}
    served = {s: ids for s, ids in serving.items() if ids}
    if not served:
        return None, []
    owners = {i for ids in served.values() for i in ids}
    if len(owners) == 1 and len(served) == len(shop_ids):
        return owners.pop(), []
    shop = next(s for s in shop_ids if s in served)
    unserved = [s for s in shop_ids if s not in served]
    why = (
        f"shop {shop[:NAME_SHOWN]!r} is already served by connection {sorted(served[shop])[0]} under this "
        + (
            f"app, shop {unserved[0][:NAME_SHOWN]!r} is not"
            if unserved
            else "app and another of its shops by another connection"
        )
        + ": add the shop to that connection (Connect again) or remove the line"
    )
    return None, [FieldError("shops", why)]


def write_file(
    integrations: Integrations,
    plan: ImportPlan,
    open_file: Opener,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[Batch], None] | None = None,
) -> tuple[int, int]:
    """The second pass: the entries the plan did not skip, `batch_size` per store transaction; (connections
    created, batches). Each batch goes to `on_batch` and is then let go. A store failure raises
    `ConnectorError` saying how many were written (a rerun of the same file skips them)."""
    batches = 0
    pending: list[tuple[int, str, dict[str, Any]]] = []
    written = 0

    def flush() -> None:
        nonlocal pending, written, batches
        if not pending:
            return
        try:
            ids = integrations.import_connections(
                plan.app_id, [f for _, _, f in pending], batch_size=len(pending)
            )
        except Exception as exc:
            if not written:
                raise
            raise ConnectorError(
                f"{plan.label}: stopped at line {pending[0][0]}, after {written} connection(s) were written: "
                f"{type(exc).__name__}: {exc}; run the same file again: those written are recognised by their "
                "shops and skipped"
            ) from None
        batches += 1
        batch = Batch(
            number=batches,
            first_line=pending[0][0],
            last_line=pending[-1][0],
            lines=[n for n, _, _ in pending],
            names=[name for _, name, _ in pending],
            ids=ids,
        )
        written += len(ids)
        if on_batch is not None:
            on_batch(batch)
        pending = []

    for entry in entries(open_file, plan.label, plan.kind, plan.text_settings):
        if entry.line in plan.skipped:
            continue
        pending.append((entry.line, entry.name, entry.fields))
        if len(pending) >= batch_size:
            flush()
    flush()
    return written, batches
