"""Form validation of arbitrary input, property-based: `forms.validate` never raises, and never echoes a
secret value in what it reports (hosts show these messages in their admin UI and their logs)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector_core import ConnectorHost, FieldError, forms

CONNECTOR = ConnectorHost().load().get("tiktok_shop")
SCHEMAS = {"credentials": CONNECTOR.credentials_schema(), "settings": CONNECTOR.settings_schema()}
MARK = "SeCrEt"  # every secret value carries it, and no schema title or rule name does

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=10),
    st.sampled_from(
        ["", "production", "sandbox", "us", "non_us", "https://x.example", "2024-02-30", "********"]
    ),
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
secret_text = st.text(max_size=30).map(lambda t: f"{MARK}-{t}")
# A secret field may hold anything a form or an API client sends: a string, or a number, list or object
# that has the secret inside it.
secret_values = st.one_of(
    secret_text,
    st.lists(secret_text, min_size=1, max_size=3),
    st.dictionaries(st.text(max_size=6), secret_text, min_size=1, max_size=3),
    st.tuples(secret_text, json_values).map(list),
)


@st.composite
def form_input(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    schema = SCHEMAS[draw(st.sampled_from(sorted(SCHEMAS)))]
    secret_names = forms.secret_fields(schema)
    names = sorted(schema["properties"])
    values: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(names), unique=True)):
        values[name] = draw(secret_values if name in secret_names else json_values)
    for name in draw(st.lists(st.text(max_size=10), max_size=3)):  # fields the schema does not know
        values.setdefault(name, draw(json_values))
    return schema, values


def secret_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if MARK in value else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in secret_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in secret_strings(v)]
    return []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form_input())
def test_validation_never_raises_and_never_echoes_a_secret(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    schema, values = case
    errors = forms.validate(values, schema)
    assert all(isinstance(e, FieldError) for e in errors)
    secrets = {name: secret_strings(values[name]) for name in forms.secret_fields(schema) if name in values}
    shown = " | ".join(f"{e.field}: {e.message}" for e in errors)
    assert MARK not in shown, f"a secret was echoed: {shown!r} for {secrets}"


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_arbitrary_objects_against_each_schema_never_raise(values: dict[str, Any]) -> None:
    for schema in SCHEMAS.values():
        assert all(isinstance(e, FieldError) for e in forms.validate(values, schema))
