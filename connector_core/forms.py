"""Credential and settings forms, described by JSON Schema (draft-07) so any host can render them.

Draft-07 because react-jsonschema-form's default validator speaks it. The conventions a connector's
schema follows, and a host relies on:
- a secret has `"writeOnly": true` and `"format": "password"`: hosts never show it again after saving;
- a field the OAuth flow fills (tokens) has `"x-oauth-managed": true`: hosts hide it from the form;
- every field has a `title` and a `description` telling the seller where to find the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from .credentials import Credentials
from .errors import FieldError, InvalidInput
from .resources import load_json

SECRET_SENTINEL = "********"  # noqa: S105 - a placeholder shown instead of a secret, not a secret
"""What a host shows (and may send back unchanged) in place of a stored secret."""

OAUTH_MANAGED = "x-oauth-managed"

_FORMAT_CHECKER = Draft7Validator.FORMAT_CHECKER


def load_schema(path: str | Path) -> dict[str, Any]:
    """Load a form schema and check that it is itself a valid draft-07 schema."""
    schema = load_json(path)
    Draft7Validator.check_schema(schema)
    if not isinstance(schema, dict):
        raise ValueError(f"{path}: a form schema must be a JSON object")
    return schema


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


def _message(error: ValidationError, schema: Mapping[str, Any]) -> str:
    field_schema = error.schema if isinstance(error.schema, dict) else {}
    title = field_schema.get("title")
    if error.validator == "required":
        missing = _field_path(error).rsplit(".", 1)[-1]
        sub = _properties(field_schema or schema).get(missing, {})
        return f"{sub.get('title', missing)} is required"
    if is_secret(field_schema):
        # jsonschema's own messages quote the value; a secret's value must never be echoed.
        return f"{title or 'value'} does not satisfy '{error.validator}'"
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in field_schema.get("enum", []))
        return f"{title or 'value'} must be one of {allowed}"
    if isinstance(error.instance, (dict, list)):
        # jsonschema's message quotes the whole object or list, secrets inside it included: name the rule.
        return f"{title or 'value'} does not satisfy '{error.validator}' ({error.validator_value!r})"
    return f"{title}: {error.message}" if title else error.message


def _unknown_fields(error: ValidationError) -> list[str]:
    """The names an `additionalProperties: false` error is about (jsonschema reports them on the parent)."""
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
    if error.validator == "additionalProperties":
        # One error per unknown field, at that field's own path, so a form can flag each of them.
        parent = _field_path(error)
        names = _unknown_fields(error)
        if names:
            return [FieldError(f"{parent}.{n}" if parent else n, "unknown field") for n in names]
    return [FieldError(_field_path(error), _message(error, schema))]


def validate(values: Mapping[str, Any], schema: Mapping[str, Any]) -> list[FieldError]:
    """Every problem in `values`, one `FieldError(field path, message)` each, sorted by field."""
    validator = Draft7Validator(schema, format_checker=_FORMAT_CHECKER)
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


def drop_blank(values: Mapping[str, Any]) -> dict[str, Any]:
    """Forms send "" for untouched inputs; an empty optional field means 'not set'."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


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
