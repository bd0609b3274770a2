"""The blank rule, said in the schema itself, so any standard validator (ajv, Python's jsonschema) reading a
published form agrees with `forms.validate` and `channel-connectors validate`.

The rule: an optional top-level field holding `null`, or `""` when it is a text field, is not set. A schema
states it field by field, in plain draft-07 that ajv's strict mode and react-jsonschema-form accept:
- the field's type admits null (`"type": ["string", "null"]`: ajv's strict mode allows a union with null,
  and RJSF renders the field by its other type);
- a text field's rules that an empty string would break (`minLength`, `pattern`, `format`) apply to a
  non-empty value only: `"if": {"minLength": 1}, "then": {<those rules, with their errorMessage>}`.

Required fields are left alone: a blank required field is refused everywhere alike.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

ERROR_MESSAGES = "errorMessage"
NON_EMPTY_ONLY = ("minLength", "pattern", "format")
UI_FORMATS = frozenset({"password"})  # a rendering hint, not a rule: stays where RJSF reads it
NOTE = (
    "Blank rule: an optional field holding null, or an empty string when it is text, is not set. Each "
    "optional field states it: its type admits null, and its text rules apply to a non-empty value only."
)


def main_type(field: Mapping[str, Any]) -> str | None:
    """The field's type without the null the blank rule adds: `["boolean", "null"]` -> "boolean"."""
    kind = field.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return str(rest[0]) if len(rest) == 1 else None
    return str(kind) if kind is not None else None


def _is_text(field: Mapping[str, Any]) -> bool:
    kind = field.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def state_field(field: Mapping[str, Any]) -> dict[str, Any]:
    """One optional field, stating the blank rule (a field that already states it comes back equal)."""
    kind = field.get("type")
    if not isinstance(kind, str | list) or "enum" in field or "const" in field:
        return dict(field)  # untyped, or a choice list: left as authored (`unstated` reports it)
    out: dict[str, Any] = {}
    then: dict[str, Any] = dict(field.get("then") or {}) if "if" in field else {}
    messages = dict(field.get(ERROR_MESSAGES) or {}) if isinstance(field.get(ERROR_MESSAGES), Mapping) else {}
    moved_messages = dict(then.get(ERROR_MESSAGES) or {})
    text = _is_text(field)
    for key, value in field.items():
        if key == "type":
            types = list(value) if isinstance(value, list) else [value]
            out[key] = types if "null" in types else [*types, "null"]
        elif text and key in NON_EMPTY_ONLY and not (key == "format" and value in UI_FORMATS):
            then[key] = value
            if key in messages:
                moved_messages[key] = messages.pop(key)
        elif key in (ERROR_MESSAGES, "if", "then"):
            continue
        else:
            out[key] = value
    if messages:
        out[ERROR_MESSAGES] = messages
    if then:
        if moved_messages:
            then[ERROR_MESSAGES] = moved_messages
        out["if"] = {"minLength": 1}
        out["then"] = then
    return out


def state_blank_rule(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an object form whose every optional top-level field states the blank rule."""
    stated = copy.deepcopy(dict(schema))
    properties = stated.get("properties")
    if stated.get("type") != "object" or not isinstance(properties, dict):
        return stated
    required = set(stated.get("required") or [])
    for name, field in properties.items():
        if name not in required and isinstance(field, Mapping):
            properties[name] = state_field(field)
    return stated


def is_blank(value: Any, field: Mapping[str, Any] | None) -> bool:
    """The blank rule for one value: null always; "" for a text field (or when the field is unknown)."""
    if value is None:
        return True
    return value == "" and (field is None or "type" not in field or _is_text(field))


def unstated(schema: Mapping[str, Any]) -> list[str]:
    """Optional fields a plain draft-07 validator would refuse blank: the schema does not say the rule."""
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    validator = Draft7Validator({**schema, "required": []}, format_checker=FormatChecker())
    missing = []
    for name, field in properties.items():
        if name in required or not isinstance(field, Mapping):
            continue
        blanks = [None, ""] if _is_text(field) else [None]
        if any(next(validator.iter_errors({name: blank}), None) is not None for blank in blanks):
            missing.append(name)
    return missing
