"""Finding the framework's published contract files (`schemas/core/`), installed or not.

In a source checkout or an editable install they sit in `schemas/core/` at the repository's top level; inside a
wheel they travel as `connector_core/_schemas/core` (so the wheel installs no second top-level name). A
connector ships its own schemas inside its own package and finds them with `importlib.resources`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def schemas_root() -> Path:
    """The directory holding `core/`, the framework's generated model schemas."""
    for candidate in (_PACKAGE_DIR / "_schemas", _PACKAGE_DIR.parent / "schemas"):
        if (candidate / "core").is_dir():
            return candidate
    raise FileNotFoundError(
        "the schemas/ directory was not found next to connector_core: reinstall channel-connectors"
    )


def schema_path(*parts: str) -> Path:
    """The path of one published schema file, e.g. `schema_path("core", "order.schema.json")`."""
    path = schemas_root().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"schema file {'/'.join(parts)} is missing from {schemas_root()}")
    return path


def load_json(path: str | Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
