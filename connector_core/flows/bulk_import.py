"""Importing many sellers' connections at once (`Integrations.import_connections`).

A host moving thousands of sellers from another system already holds their tokens and shops. Every entry
is checked first (its settings against the connector's settings form, its tags, tokens and shops), and the
first bad one is refused in one line naming it (by position and name) and its fields, before anything is
written. Then the entries are written in batches, each batch one store transaction (all of it or none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from .. import forms
from ..errors import FieldError, InvalidInput
from ..host import Connector
from ..models import Account, TokenSet
from ..store import Store
from ..store.bulk import NewConnection
from ..store.platform_delegation import checked_tags

DEFAULT_BATCH = 1000
"""Connections per store transaction: large enough that a transaction's fixed cost vanishes, small enough
that a batch holds little memory and a lock briefly."""

ImportEntry = NewConnection | Mapping[str, Any]
"""A `NewConnection`, or a mapping with the same keys: name, settings, tags, tokens (a `TokenSet` or its
fields), shops (`Account`s or their fields)."""

ENTRY_KEYS = frozenset({"name", "settings", "tags", "tokens", "shops"})


def import_connections(
    store: Store,
    connector: Connector,
    app_id: str,
    entries: Iterable[ImportEntry],
    batch_size: int = DEFAULT_BATCH,
) -> list[str]:
    """Check every entry, then write them in batches of `batch_size`; the new connection ids, in order."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    checker = EntryChecker(connector)
    checked = [checker.entry(n, e) for n, e in enumerate(entries, start=1)]
    ids: list[str] = []
    for start in range(0, len(checked), batch_size):
        ids.extend(store.import_connections(app_id, checked[start : start + batch_size]))
    return ids


class EntryChecker:
    """The checks of one import, entry by entry: what `import_connections` runs before writing, and what a
    reader of a connections file (connector_core/flows/connection_file_import.py) runs on its first pass."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.schema = connector.settings_schema()
        # Many sellers share the same settings: each distinct form is validated once.
        self._settings: dict[str, tuple[dict[str, Any], list[FieldError]]] = {}

    def entry(self, number: int, entry: ImportEntry) -> NewConnection:
        what = f"{self.connector.id} connection {number} of the import"
        if not isinstance(entry, (NewConnection, Mapping)):
            raise InvalidInput(what, [FieldError("", "must be a NewConnection or a mapping of its fields")])
        raw = _as_mapping(entry)
        name = raw.get("name") or self.connector.manifest.name
        if isinstance(name, str) and name:
            what += f" ({name[:60]!r})"
        errors = [
            FieldError(k, "is not a field of an imported connection") for k in sorted(set(raw) - ENTRY_KEYS)
        ]
        if not isinstance(name, str):
            errors.append(FieldError("name", "must be text"))
        settings, setting_errors = self._checked_settings(raw.get("settings") or {})
        errors += setting_errors
        tags: dict[str, str] = {}
        try:
            tags = checked_tags(raw.get("tags") or {})
        except (ValueError, AttributeError) as exc:
            errors.append(
                FieldError("tags", str(exc) if isinstance(exc, ValueError) else "must be a mapping")
            )
        tokens = _model(TokenSet, raw.get("tokens"), "tokens", errors)
        shops = [_model(Account, s, f"shops.{i}", errors) for i, s in enumerate(raw.get("shops") or [])]
        ids = [s.id for s in shops if s is not None]
        if len(set(ids)) != len(ids) or any(not i for i in ids):
            errors.append(FieldError("shops", "shop ids must be distinct and non-empty"))
        if errors:
            raise InvalidInput(what, errors)
        return NewConnection(
            name=str(name), settings=settings, tags=tags, tokens=tokens, shops=[s for s in shops if s]
        )

    def _checked_settings(self, settings: Any) -> tuple[dict[str, Any], list[FieldError]]:
        if not isinstance(settings, Mapping):
            return {}, [FieldError("settings", "must be a mapping")]
        try:
            key = json.dumps(settings, sort_keys=True)
        except (TypeError, ValueError):
            return {}, [FieldError("settings", "must hold JSON values only")]
        if key not in self._settings:
            filled = forms.apply_defaults(forms.drop_blank(settings, self.schema), self.schema)
            errors = [
                FieldError(f"settings.{e.field}" if e.field else "settings", e.message)
                for e in forms.validate(filled, self.schema)
            ]
            self._settings[key] = (filled, errors)
        filled, errors = self._settings[key]
        return dict(filled), list(errors)


def _as_mapping(entry: ImportEntry) -> Mapping[str, Any]:
    if isinstance(entry, NewConnection):
        return {
            "name": entry.name,
            "settings": entry.settings,
            "tags": entry.tags,
            "tokens": entry.tokens,
            "shops": entry.shops,
        }
    return entry


def _model(kind: type[Any], value: Any, field: str, errors: list[FieldError]) -> Any:
    """`value` as a `kind` (TokenSet, Account); a problem is named by its field only, never with the value
    (a token must not reach a message)."""
    if value is None:
        if kind is Account:
            errors.append(FieldError(field, "is missing"))
        return None
    if isinstance(value, kind):
        return value
    if not isinstance(value, Mapping):
        errors.append(FieldError(field, f"must be a {kind.__name__} or a mapping of its fields"))
        return None
    try:
        return kind.model_validate(dict(value))
    except ValidationError as exc:
        for problem in exc.errors(include_input=False, include_url=False, include_context=False):
            where = ".".join(str(p) for p in problem["loc"])
            kind_of = problem["type"]
            if kind_of == "value_error" and where.endswith("_at"):  # the models' own check: no time zone
                kind_of = "naive_datetime"
            errors.append(FieldError(f"{field}.{where}" if where else field, _safe_message(kind_of)))
        return None


def _safe_message(kind: str) -> str:
    """pydantic's messages may quote the input; its error type never does."""
    return {
        "missing": "is missing",
        "string_type": "must be text",
        "datetime_parsing": "must be a date and time",
        "datetime_type": "must be a date and time",
        "datetime_from_date_parsing": "must be a date and time (ISO 8601, e.g. 2026-12-09T10:00:00Z)",
        "naive_datetime": "needs a time zone (e.g. 2026-12-09T10:00:00Z or +01:00)",
        "list_type": "must be a list",
        "dict_type": "must be a mapping",
        "extra_forbidden": "is not a field",
    }.get(kind, f"is not valid ({kind})")
