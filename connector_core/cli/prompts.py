"""Asking a person for form values at a terminal: one field at a time, its help text shown, secrets never
echoed, a bad answer re-asked for that field only. Ctrl-D ends with `PromptAbandoned` (nothing is stored)."""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import forms
from ..blank_rule import main_type
from ..errors import ConnectorError

MAX_TRIES = 5  # a script piping wrong answers must not loop forever
_TRUE = {"y", "yes", "true", "1", "on"}
_FALSE = {"n", "no", "false", "0", "off"}

Ask = Callable[[str], str]


class PromptAbandoned(ConnectorError):
    """The person ended input (Ctrl-D) or gave up after too many bad answers; nothing was stored."""


def _convert(text: str, field: Mapping[str, Any]) -> Any:
    """The typed text as the field's JSON type; ValueError names what was expected."""
    kind = main_type(field)
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("answer yes or no")
    if kind == "integer":
        if not re.fullmatch(r"-?[0-9]+", text, re.ASCII):
            raise ValueError("type a whole number with the digits 0-9")
        return int(text)
    return text


def _field_problem(name: str, value: Any, field: Mapping[str, Any]) -> str | None:
    """What is wrong with one field's value, judged by that field's schema alone (secrets never quoted)."""
    errors = forms.validate({name: value}, {"type": "object", "properties": {name: dict(field)}})
    return "; ".join(e.message for e in errors) or None


def _prompt_line(name: str, field: Mapping[str, Any], required: bool) -> str:
    label = f"{field.get('title', name)}{' (required)' if required else ''}"
    choices = field.get("enum")
    if choices:
        label += f" [{'/'.join(map(str, choices))}]"
    elif main_type(field) == "boolean":
        label += " [yes/no]"
    default = field.get("default")
    if default is not None and not isinstance(default, (dict, list)):
        shown = ("yes" if default else "no") if isinstance(default, bool) else default
        label += f" (Enter for {shown})"
    return f"{label}: "


def ask_field(
    name: str,
    field: Mapping[str, Any],
    *,
    required: bool,
    ask: Ask,
    ask_secret: Ask,
    say: Callable[[str], None],
) -> Any:
    """One field's value (None: left blank), re-asked until it is acceptable."""
    if field.get("description"):
        say(f"  {field['description']}")
    secret = forms.is_secret(field)
    for _ in range(MAX_TRIES):
        try:
            text = (ask_secret if secret else ask)(_prompt_line(name, field, required)).strip()
        except EOFError:
            raise PromptAbandoned(
                f"input ended (Ctrl-D) at {field.get('title', name)}: nothing was stored"
            ) from None
        if not text:
            if required and field.get("default") is None:
                say(f"  {field.get('title', name)} is required")
                continue
            return None
        try:
            value = _convert(text, field)
        except ValueError as exc:
            say(f"  {exc}")
            continue
        problem = _field_problem(name, value, field)
        if problem is None:
            return value
        say(f"  {problem}")
    raise PromptAbandoned(f"{field.get('title', name)}: no acceptable answer after {MAX_TRIES} tries")


def ask_form(
    schema: Mapping[str, Any],
    *,
    only: Iterable[str] | None = None,
    ask: Ask = input,
    ask_secret: Ask = getpass.getpass,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Values for the fields a person types (OAuth-managed ones and maps skipped); `only` limits the fields."""
    out = say or print
    wanted = set(only) if only is not None else None
    required = set(schema.get("required", []))
    managed = forms.oauth_managed_fields(schema)
    values: dict[str, Any] = {}
    for name, field in forms.iter_fields(schema):
        if name in managed or (wanted is not None and name not in wanted):
            continue
        if main_type(field) in {"object", "array"}:
            continue  # maps and lists are edited as a JSON file: `integrations update ID --settings FILE`
        value = ask_field(name, field, required=name in required, ask=ask, ask_secret=ask_secret, say=out)
        if value is not None:
            values[name] = value
    return values
