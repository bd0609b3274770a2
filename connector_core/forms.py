"""Credential and settings forms, described by JSON Schema (draft-07) so any host can render them.

Draft-07 because react-jsonschema-form's (RJSF) validator, ajv, speaks it. The conventions a connector's
schema follows, and a host relies on:
- a secret has `"writeOnly": true` and `"format": "password"`: hosts never show it again after saving;
- a field the OAuth flow fills (tokens) has `"x-oauth-managed": true`: hosts hide it from the form. ajv's
  strict mode refuses unknown keywords, so a host that compiles these schemas declares it once:
  `ajv.addKeyword({keyword: "x-oauth-managed", schemaType: "boolean"})` (our bundle does);
- a rule may carry its own sentence in ajv-errors' `errorMessage` keyword (see `form_messages`);
- every field has a `title` and a `description` telling the seller where to find the value.

Python and the browser agree. `validate` gives the verdict ajv gives on every input: `pattern` is read as
the ECMA-262 regular expression it is (`ecma`), `format: uri` is checked as ajv-formats checks it, `date` by
the same calendar. A test runs a table of edge cases through both and fails on any disagreement.

The blank rule, the same for credentials and settings: a top-level field whose value is `""` or `null` is
not set. `prepare` removes it, then fills every absent field that has a default; only then is the form
validated. RJSF does the same in the browser (an emptied input becomes `undefined` and is left out of the
submitted JSON). A string of spaces is a value, validated as typed.

Edit mode: `edit_schema` is the form for changing a stored integration: secrets are not required and say
"leave blank to keep the stored value". `apply_edit_form` applies what such a form submits (a field left
out is cleared, a blank secret and the OAuth-managed tokens keep their stored values); `merge` applies a
partial change (a field left out is unchanged).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from . import ecma
from .blank_rule import is_blank, state_blank_rule
from .credentials import Credentials
from .errors import FieldError, InvalidInput
from .form_messages import ERROR_MESSAGES, message_for
from .resources import load_json

SECRET_SENTINEL = "********"  # noqa: S105 - a placeholder shown instead of a secret, not a secret
"""What a host shows (and may send back unchanged) in place of a stored secret."""

OAUTH_MANAGED = "x-oauth-managed"

KEEP_STORED_HINT = "Leave blank to keep the stored value."

# Draft-07's formats as jsonschema checks them, plus `uri` checked the way ajv-formats does.
_FORMAT_CHECKER = FormatChecker(formats=Draft7Validator.FORMAT_CHECKER.checkers)
_FORMAT_CHECKER.checks("uri")(ecma.is_uri)

# Keywords whose value is a map of names to sub-schemas (the names are data, not keywords).
_SCHEMA_MAPS = ("properties", "definitions", "dependencies")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SUBSCHEMAS = (
    "additionalProperties",
    "additionalItems",
    "propertyNames",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "items",
)


def load_schema(path: str | Path) -> dict[str, Any]:
    """Load a form schema and check that it is a valid draft-07 schema whose patterns ECMA-262 accepts
    (the metaschema check runs on the translated patterns: Python's `re` cannot judge ECMA syntax)."""
    schema = load_json(path)
    if not isinstance(schema, dict):
        Draft7Validator.check_schema(schema)
        raise ValueError(f"{path}: a form schema must be a JSON object")
    schema = state_blank_rule(schema)  # a connector's schema that does not say the blank rule yet, does now
    try:
        Draft7Validator.check_schema(python_schema(schema))
    except ecma.UnsupportedPattern as exc:
        raise ValueError(f"{path}: {exc}") from None
    return schema


def python_schema(schema: Any) -> Any:
    """`schema` with every `pattern` and `patternProperties` name rewritten so that Python's `re` matches
    exactly what ECMA-262 (and so ajv) matches. Raises `ecma.UnsupportedPattern` naming the pattern."""
    if isinstance(schema, list):
        return [python_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword == "pattern" and isinstance(value, str):
            out[keyword] = _translated(value)
        elif keyword == "patternProperties" and isinstance(value, dict):
            out[keyword] = {_translated(name): python_schema(sub) for name, sub in value.items()}
        elif keyword in _SCHEMA_MAPS and isinstance(value, dict):
            out[keyword] = {name: python_schema(sub) for name, sub in value.items()}
        elif keyword in _SCHEMA_LISTS or keyword in _SUBSCHEMAS:
            out[keyword] = python_schema(value)
        else:
            out[keyword] = value
    return out


def _translated(pattern: str) -> str:
    try:
        return ecma.ecma_to_python(pattern)
    except ecma.UnsupportedPattern as exc:
        raise ecma.UnsupportedPattern(f"pattern {pattern!r}: {exc}") from None


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    props = schema.get("properties", {})
    return props if isinstance(props, dict) else {}


def is_secret(field_schema: Mapping[str, Any]) -> bool:
    return bool(field_schema.get("writeOnly")) or field_schema.get("format") == "password"


def secret_fields(schema: Mapping[str, Any]) -> frozenset[str]:
    """The names of the top-level fields that hold secrets."""
    return frozenset(name for name, sub in _properties(schema).items() if is_secret(sub))


def oauth_managed_fields(schema: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(name for name, sub in _properties(schema).items() if sub.get(OAUTH_MANAGED))


def _field_path(error: ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required" and isinstance(error.message, str):
        # jsonschema reports a missing property against its parent; the host wants the missing field.
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return f"{path}.{missing}" if path and missing else missing or path
    return path


def _title(error: ValidationError) -> str:
    field_schema = error.schema if isinstance(error.schema, dict) else {}
    title = field_schema.get("title")
    if isinstance(title, str):
        return title
    path = [str(p) for p in error.absolute_path]
    return path[-1] if path else "value"


def _message(error: ValidationError, schema: Mapping[str, Any]) -> str:
    if error.validator == "required":
        field_schema = error.schema if isinstance(error.schema, dict) else {}
        missing = _field_path(error).rsplit(".", 1)[-1]
        sub = _properties(field_schema or schema).get(missing, {})
        return f"{sub.get('title', missing)} is required"
    return message_for(error, _title(error))


def _is_property_name_error(error: ValidationError) -> bool:
    schema_path = list(error.absolute_schema_path)
    return len(schema_path) >= 2 and schema_path[-2] == "propertyNames"


def _unknown_fields(error: ValidationError) -> list[str]:
    """The names an `additionalProperties: false` error is about (jsonschema reports them on the parent).
    The error carries the schema `python_schema` made, so its pattern names are already Python's."""
    parent = error.schema if isinstance(error.schema, dict) else {}
    known = _properties(parent)
    patterns = parent.get("patternProperties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [
        str(name)
        for name in instance
        if name not in known and not any(re.search(p, str(name)) for p in patterns)
    ]


def _field_errors(error: ValidationError, schema: Mapping[str, Any]) -> list[FieldError]:
    if _is_property_name_error(error):
        # jsonschema reports a bad key against the map that holds it; name the key itself.
        parent = _field_path(error)
        name = str(error.instance)
        own = error.schema.get(ERROR_MESSAGES) if isinstance(error.schema, dict) else None
        message = message_for(error, name) if own else f"'{name}' is not an accepted name here"
        return [FieldError(f"{parent}.{name}" if parent else name, message)]
    if error.validator == "additionalProperties":
        # One error per unknown field, at that field's own path, so a form can flag each of them.
        parent = _field_path(error)
        names = _unknown_fields(error)
        if names:
            return [FieldError(f"{parent}.{n}" if parent else n, "unknown field") for n in names]
        return [FieldError(parent, "has a field it does not accept")]
    return [FieldError(_field_path(error), _message(error, schema))]


def validate(values: Mapping[str, Any], schema: Mapping[str, Any]) -> list[FieldError]:
    """Every problem in `values`, one `FieldError(field path, message)` each, sorted by field."""
    validator = Draft7Validator(python_schema(schema), format_checker=_FORMAT_CHECKER)
    errors = [fe for e in validator.iter_errors(dict(values)) for fe in _field_errors(e, schema)]
    return sorted(set(errors), key=lambda e: (e.field, e.message))


def require_valid(values: Mapping[str, Any], schema: Mapping[str, Any], what: str) -> None:
    """Raise `InvalidInput` naming every bad field, or return quietly."""
    errors = validate(values, schema)
    if errors:
        raise InvalidInput(what, errors)


def apply_defaults(values: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each absent top-level field set to its schema default."""
    filled = dict(values)
    for name, sub in _properties(schema).items():
        if name not in filled and "default" in sub:
            filled[name] = sub["default"]
    return filled


def drop_blank(values: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The blank rule: a top-level field holding null, or "" when it is a text field, is not set (RJSF leaves
    an emptied input out). Without `schema` every "" counts as blank. The schemas say the same rule
    (`blank_rule`), so a standard validator reading them agrees."""
    fields = _properties(schema) if schema is not None else {}
    return {k: v for k, v in values.items() if not is_blank(v, fields.get(k) if schema is not None else None)}


def prepare(values: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """Submitted form values as they are validated and stored, credentials and settings alike: blank
    fields removed, then every absent field with a default filled in."""
    return apply_defaults(drop_blank(values, schema), schema)


def edit_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The form for editing a stored integration: no secret is required, and each says it may be left blank
    to keep the stored value (hosts never show a stored secret, so an edit comes back without it)."""
    edited = copy.deepcopy(dict(schema))
    secrets = secret_fields(edited)
    if isinstance(edited.get("required"), list):
        edited["required"] = [name for name in edited["required"] if name not in secrets]
    for name in secrets:
        field = edited["properties"][name]
        described = str(field.get("description", "")).strip()
        field["description"] = f"{described} {KEEP_STORED_HINT}".strip()
    return state_blank_rule(edited)  # a secret no longer required may now be left blank: say so


@dataclass(frozen=True)
class RedactedForm:
    """What a host may show: secret values replaced by `SECRET_SENTINEL`, plus which secrets are set."""

    values: dict[str, Any]
    is_set: dict[str, bool]


def redact(values: Mapping[str, Any], schema: Mapping[str, Any]) -> RedactedForm:
    """Values safe to display again: every secret becomes the sentinel (or None when unset)."""
    secrets = secret_fields(schema)
    shown: dict[str, Any] = {}
    is_set: dict[str, bool] = {}
    for name, value in values.items():
        if name in secrets:
            present = _has_value(value)
            is_set[name] = present
            shown[name] = SECRET_SENTINEL if present else None
        else:
            shown[name] = value
    for name in secrets - set(values):
        is_set[name] = False
    return RedactedForm(values=shown, is_set=is_set)


def _has_value(value: Any) -> bool:
    if value is None:
        return False
    plain = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return plain not in ("", None)


def merge(
    stored: Mapping[str, Any], submitted: Mapping[str, Any], schema: Mapping[str, Any]
) -> dict[str, Any]:
    """An edited form: submitted values win, except a secret left empty or sent back as the sentinel keeps
    the stored value (hosts never show secrets, so an edit form comes back without them)."""
    secrets = secret_fields(schema)
    merged = dict(stored)
    for name, value in submitted.items():
        if name in secrets and (value in (None, "") or value == SECRET_SENTINEL):
            continue
        merged[name] = value
    return merged


def apply_edit_form(
    stored: Mapping[str, Any], submitted: Mapping[str, Any], schema: Mapping[str, Any]
) -> dict[str, Any]:
    """A whole edit form, as RJSF submits it, applied to the stored values. Unlike `merge` (a partial
    change, where an absent field is unchanged), a field the seller emptied is absent from what RJSF
    submits, so here an absent field is cleared, except the fields the form never holds: a secret left
    blank (or sent back as the sentinel) keeps its stored value, and the OAuth-managed fields always do
    (only Connect sets them; a value posted for one is ignored)."""
    managed = oauth_managed_fields(schema)
    kept = {name: value for name, value in stored.items() if name in secret_fields(schema) | managed}
    typed = {name: value for name, value in drop_blank(submitted).items() if name not in managed}
    return merge(kept, typed, schema)


def split_credentials(values: Mapping[str, Any], schema: Mapping[str, Any]) -> Credentials:
    """Form values as `Credentials`: secret fields held apart, as `SecretStr`."""
    secrets = secret_fields(schema)
    public = {k: v for k, v in values.items() if k not in secrets}
    hidden = {k: _plain(v) for k, v in values.items() if k in secrets and _has_value(v)}
    return Credentials(public, hidden)


def _plain(value: Any) -> str:
    return str(value.get_secret_value() if hasattr(value, "get_secret_value") else value)


def credentials_as_form(creds: Credentials) -> dict[str, Any]:
    """The stored credentials back as one form mapping (secrets as SecretStr)."""
    return dict(creds.items())


def iter_fields(schema: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, field schema) in the order the schema lists them."""
    yield from _properties(schema).items()
