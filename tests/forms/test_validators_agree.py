"""Python and ajv (the validator react-jsonschema-form uses) give the same verdict on every edge case.

The table (form_edge_cases.json) holds schema, value and the expected verdict; Python's `forms.validate`
must give it here, and ajv, run by frontend/scripts/verdicts.mjs, must give it too. CI installs Node and
sets CHANNEL_CONNECTORS_REQUIRE_NODE=1, so there the ajv half cannot be skipped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from forms_support import EDGE_CASES, SCHEMA_DIR, edge_cases, run_node
from jsonschema import Draft7Validator

from connector_core import forms
from connector_core.ecma import UnsupportedPattern, ecma_to_python

TABLE = edge_cases()
CASES = TABLE["cases"]


def _schema(name: str) -> dict[str, Any]:
    spec = TABLE["schemas"][name]
    return forms.load_schema(SCHEMA_DIR / spec["$file"]) if "$file" in spec else spec


def python_verdict(case: dict[str, Any]) -> bool:
    schema = _schema(case["schema"])
    if schema.get("type") == "object":
        return forms.validate(case["value"], schema) == []
    # A form is an object: a schema for one value is checked as the only field of a form.
    return forms.validate({"value": case["value"]}, {"type": "object", "properties": {"value": schema}}) == []


def test_the_table_is_large_and_its_ids_unique() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {True, False} == {c["valid"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['id']}-{c['schema']}" for c in CASES])
def test_python_gives_the_expected_verdict(case: dict[str, Any]) -> None:
    assert python_verdict(case) is case["valid"], case["why"]


@pytest.fixture(scope="module")
def ajv() -> dict[str, Any]:
    """ajv's answer on the whole table, asked once."""
    answer: dict[str, Any] = run_node("verdicts.mjs", str(EDGE_CASES), str(SCHEMA_DIR))
    return answer


def test_ajv_gives_the_same_verdict_on_every_case(ajv: dict[str, Any]) -> None:
    answer = ajv
    disagreements = [
        f"{c['id']} ({c['why']}): ajv says {answer['verdicts'][c['id']]}, expected {c['valid']}"
        for c in CASES
        if answer["verdicts"][c["id"]] is not c["valid"]
    ]
    assert disagreements == []


@pytest.mark.parametrize("pattern", TABLE["refused_patterns"])
def test_python_refuses_the_patterns_ecma_refuses(pattern: str, tmp_path: Any) -> None:
    with pytest.raises(UnsupportedPattern):
        ecma_to_python(pattern)
    schema_path = tmp_path / "form.schema.json"
    schema_path.write_text(
        f'{{"type": "object", "properties": {{"x": {{"pattern": {json.dumps(pattern)}}}}}}}'
    )
    with pytest.raises(ValueError, match="pattern"):
        forms.load_schema(schema_path)


def test_ajv_refuses_the_same_patterns(ajv: dict[str, Any]) -> None:
    assert ajv["refused"] == dict.fromkeys(TABLE["refused_patterns"], True)


def test_plain_jsonschema_would_have_let_the_issues_cases_through() -> None:
    """Why the translation exists: the stock Python reading accepts what the browser refuses."""
    credentials = _schema("credentials")
    good = next(c["value"] for c in CASES if c["schema"] == "credentials" and c["valid"])
    stock = Draft7Validator(credentials, format_checker=Draft7Validator.FORMAT_CHECKER)

    assert stock.is_valid({**good, "app_key": "abcd1234\n"})
    assert stock.is_valid({**good, "base_url": "https://exa mple.com"})
    assert forms.validate({**good, "app_key": "abcd1234\n"}, credentials) != []
    assert forms.validate({**good, "base_url": "https://exa mple.com"}, credentials) != []
