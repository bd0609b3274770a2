"""The published schemas say the blank rule themselves: a standard validator reading the file (Python's
jsonschema here, ajv through the edge-case table) gives `channel-connectors validate`'s verdict on blanks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

from connector_core import ConnectorHost
from connector_core.blank_rule import state_blank_rule, unstated
from connector_core.cli import main

SCHEMAS = Path(__file__).resolve().parents[2] / "connectors" / "tiktok_shop" / "schemas"
GOOD = {
    "environment": "production",
    "region": "non_us",
    "app_key": "6abc123",
    "app_secret": "s3cret-value-123",
}


def _published(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


def _standard_verdict(name: str, values: dict[str, Any]) -> bool:
    """What a host validating the published file with a stock draft-07 validator concludes."""
    validator = Draft7Validator(_published(name), format_checker=FormatChecker())
    return next(validator.iter_errors(values), None) is None


def _cli_verdict(
    tmp_path: Path, name: str, values: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> bool:
    path = tmp_path / "form.json"
    path.write_text(json.dumps(values))
    code = main(["validate", "tiktok_shop", str(path), *(["--settings"] if name == "settings" else [])])
    capsys.readouterr()
    return code == 0


def test_every_form_of_every_connector_states_the_blank_rule() -> None:
    for connector in ConnectorHost().load():
        for label, schema in (
            ("credentials", connector.credentials_schema()),
            ("settings", connector.settings_schema()),
            ("edit", connector.credentials_schema(edit=True)),
        ):
            assert unstated(schema) == [], f"{connector.id} {label}"


def test_the_committed_files_already_say_it() -> None:
    for name in ("credentials", "settings"):
        assert state_blank_rule(_published(name)) == _published(name), f"{name}.schema.json"
        assert unstated(_published(name)) == []


@pytest.mark.parametrize(
    ("name", "values", "valid"),
    [
        ("credentials", {**GOOD, "base_url": ""}, True),
        ("credentials", {**GOOD, "base_url": None}, True),
        ("credentials", {**GOOD, "authorize_url": "", "version": "", "service_id": ""}, True),
        ("credentials", {**GOOD, "base_url": "not a url"}, False),
        ("credentials", {**GOOD, "app_key": ""}, False),  # required: blank is refused everywhere
        ("credentials", {**GOOD, "app_secret": "s3cret-value-123 "}, False),  # a pasted trailing space
        ("settings", {"import_orders_since": ""}, True),
        ("settings", {"import_orders_since": None}, True),
        ("settings", {"import_orders_since": "2026-13-01"}, False),
        ("settings", {"stock_sync": None}, True),
        ("settings", {"stock_sync": ""}, False),  # not a yes/no: refused by both, not silently dropped
    ],
)
def test_validate_and_a_standard_validator_agree_on_blanks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, values: dict[str, Any], valid: bool
) -> None:
    assert _standard_verdict(name, values) is valid
    assert _cli_verdict(tmp_path, name, values, capsys) is valid


def test_a_secret_with_a_trailing_space_is_refused_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "creds.json"
    path.write_text(json.dumps({**GOOD, "app_secret": "s3cret-value-123 "}))

    code = main(["integrations", "add", "tiktok_shop", "--file", str(path), "--home", str(tmp_path)])
    err = capsys.readouterr().err

    assert code == 1
    assert "App Secret must not begin or end with a space" in err and "s3cret-value-123" not in err
