"""Finding the shipped schema files, from a checkout, an editable install or a wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector_core.resources import load_json, schema_path, schemas_root
from connectors.tiktok_shop.schema_files import schema_file


def test_the_schemas_directory_is_found_from_the_installed_package() -> None:
    root = schemas_root()

    assert (root / "core").is_dir()
    assert not (root / "tiktok_shop").exists(), "a connector's schemas live in the connector's package"


def test_a_connector_finds_its_own_schemas_inside_its_package() -> None:
    path = schema_file("credentials.schema.json")

    assert path.parent.parent.name == "tiktok_shop"
    assert path.is_file()


def test_a_missing_connector_schema_names_the_file() -> None:
    with pytest.raises(FileNotFoundError, match=r"schemas/api/none.json is missing"):
        schema_file("api", "none.json")


def test_a_schema_path_points_at_an_existing_file() -> None:
    path = schema_file("settings.schema.json")

    assert path.is_file()
    assert load_json(path)["title"] == "TikTok Shop settings"


def test_a_missing_schema_names_the_file_and_where_it_looked() -> None:
    with pytest.raises(FileNotFoundError, match=r"schema file nowhere/none.json is missing from .*schemas"):
        schema_path("nowhere", "none.json")


def test_load_json_reads_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"name": "Bücher"}', encoding="utf-8")

    assert load_json(path) == {"name": "Bücher"}
