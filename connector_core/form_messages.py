"""One readable sentence per failed JSON Schema rule, naming the field by its title.

A schema may give its own sentence per rule with ajv-errors' `errorMessage` keyword
(`"errorMessage": {"pattern": "App Key may hold letters, digits, _ and - only"}`): the browser (our bundle
loads ajv-errors) and Python then show the same words. Otherwise a sentence is made from the rule. No
message ever quotes the value (it may be a secret) nor a raw regular expression (nobody can read them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

__all__ = ["ERROR_MESSAGES", "message_for"]

ERROR_MESSAGES = "errorMessage"

_FORMAT_HINTS = {
    "uri": "a full URL such as https://example.com",
    "date": "a date written as YYYY-MM-DD",
    "date-time": "a date and time such as 2024-05-31T12:00:00Z",
    "email": "an e-mail address",
}


def _plural(count: Any, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _choices(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


_BY_RULE: dict[str, Callable[[str, Any], str]] = {
    "minLength": lambda t, v: f"{t} must be at least {_plural(v, 'character')} long",
    "maxLength": lambda t, v: f"{t} must be at most {_plural(v, 'character')} long",
    "pattern": lambda t, v: f"{t} is not in the expected form",
    "format": lambda t, v: f"{t} must be {_FORMAT_HINTS.get(str(v), f'a valid {v}')}",
    "enum": lambda t, v: f"{t} must be one of: {_choices(v)}",
    "const": lambda t, v: f"{t} must be {v}",
    "type": lambda t, v: f"{t} must be {_type_words(v)}",
    "minimum": lambda t, v: f"{t} must be at least {v}",
    "maximum": lambda t, v: f"{t} must be at most {v}",
    "exclusiveMinimum": lambda t, v: f"{t} must be more than {v}",
    "exclusiveMaximum": lambda t, v: f"{t} must be less than {v}",
    "minItems": lambda t, v: f"{t} needs at least {_plural(v, 'entry', 'entries')}",
    "maxItems": lambda t, v: f"{t} takes at most {_plural(v, 'entry', 'entries')}",
    "uniqueItems": lambda t, v: f"{t} must not repeat an entry",
    "minProperties": lambda t, v: f"{t} needs at least {_plural(v, 'entry', 'entries')}",
    "maxProperties": lambda t, v: f"{t} takes at most {_plural(v, 'entry', 'entries')}",
}

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a group of fields",
    "array": "a list",
    "null": "empty",
}


def _type_words(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def _own_message(field_schema: Mapping[str, Any], rule: str) -> str | None:
    """The schema's own sentence for `rule` (ajv-errors' `errorMessage`, a string or per-rule object)."""
    custom = field_schema.get(ERROR_MESSAGES)
    if isinstance(custom, str):
        return custom
    if isinstance(custom, Mapping) and isinstance(custom.get(rule), str):
        return str(custom[rule])
    return None


def message_for(error: ValidationError, title: str) -> str:
    """The sentence for one failed rule of a field called `title`."""
    field_schema = error.schema if isinstance(error.schema, Mapping) else {}
    rule = str(error.validator)
    own = _own_message(field_schema, rule)
    if own is not None:
        return own
    describe = _BY_RULE.get(rule)
    if describe is not None:
        return describe(title, error.validator_value)
    return f"{title} does not satisfy '{rule}'"
