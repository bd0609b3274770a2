"""What the form tests share: where the frontend lives, and running its Node scripts (or saying why not)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from connectors.tiktok_shop.schema_files import schema_file

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
SCHEMA_DIR = Path(str(schema_file("credentials.schema.json"))).parent
EDGE_CASES = Path(__file__).with_name("form_edge_cases.json")
BUNDLE = REPO / "connector_core" / "web" / "static" / "forms.js"


def skip_or_fail(reason: str, required_by: str) -> None:
    """Skip with `reason`, unless CI set `required_by`=1: then a missing tool is a failure, not a skip."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} (and {required_by}=1 requires it)")
    pytest.skip(reason)


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed", "CHANNEL_CONNECTORS_REQUIRE_NODE")
    if not (FRONTEND / "node_modules").is_dir():
        skip_or_fail(
            "frontend/node_modules is missing: run `npm ci` in frontend/", "CHANNEL_CONNECTORS_REQUIRE_NODE"
        )
    assert node is not None
    return node


def run_node(script: str, *args: str, timeout: float = 120) -> Any:
    """Run one of frontend/scripts and return the JSON it prints."""
    node = require_node()
    done = subprocess.run(
        [node, str(FRONTEND / "scripts" / script), *args],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def edge_cases() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(EDGE_CASES.read_text(encoding="utf-8"))
    return table
