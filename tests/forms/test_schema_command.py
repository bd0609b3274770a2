"""`channel-connectors schema`: the forms a host renders, as the command line prints them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector_core import forms
from connector_core.cli import main
from connector_core.host import ConnectorHost


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["schema", "tiktok_shop", *argv]) == 0
    printed: dict[str, object] = json.loads(capsys.readouterr().out)
    return printed


def test_edit_prints_the_form_where_secrets_may_be_left_blank(capsys: pytest.CaptureFixture[str]) -> None:
    edit = _printed(capsys, "--edit")

    assert edit == forms.edit_schema(ConnectorHost().get("tiktok_shop").credentials_schema())
    assert "app_secret" not in edit["required"]  # type: ignore[operator]


def test_the_settings_ui_schema(capsys: pytest.CaptureFixture[str]) -> None:
    ui = _printed(capsys, "--settings", "--ui")

    assert ui["status_overrides"]["ui:options"] == {"expandable": False}  # type: ignore[index]


def test_edit_of_the_settings_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "tiktok_shop", "--settings", "--edit"]) == 1

    [line] = capsys.readouterr().err.splitlines()
    assert line == "error: --edit applies to the credential form only (settings have no secrets to keep)"


def test_validate_applies_the_blank_rule_to_settings_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"import_orders_since": "", "stock_sync": True}))

    assert main(["validate", "tiktok_shop", str(path), "--settings"]) == 0
    assert "valid tiktok_shop settings" in capsys.readouterr().out
