"""The packages stand alone: what each imports, checked in a fresh interpreter so nothing is cached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def modules_after(code: str) -> set[str]:
    """The module names a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO, timeout=120
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def ours(modules: set[str], prefix: str) -> set[str]:
    return {m for m in modules if m == prefix or m.startswith(prefix + ".")}


def test_the_pytest_plugin_imports_nothing_of_the_framework_until_used() -> None:
    loaded = modules_after("import pytest_channel_connectors")

    assert not ours(loaded, "connector_core")
    assert not ours(loaded, "vcr")
    assert not ours(loaded, "pydantic")


def test_the_cli_help_imports_no_emulator_and_no_demo() -> None:
    code = (
        "import contextlib, io\n"
        "from connector_core.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])"
    )
    loaded = modules_after(code)

    assert not ours(loaded, "tiktok_shop_emulator")
    assert "connectors.tiktok_shop.devtools.demo" not in loaded


def test_the_emulator_imports_nothing_of_the_connector_or_the_framework() -> None:
    loaded = modules_after("import tiktok_shop_emulator, tiktok_shop_emulator.cli")

    assert not ours(loaded, "connectors")
    assert not ours(loaded, "connector_core")


def test_the_emulator_sources_name_neither_the_connector_nor_the_framework() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "tiktok_shop_emulator").rglob("*.py")
        if "import connector_core" in path.read_text()
        or "from connector_core" in path.read_text()
        or "from connectors" in path.read_text()
    ]

    assert offenders == []


def test_the_emulator_command_passes_its_options_to_the_emulator() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "connector_core.cli", "emulator", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )

    assert out.returncode == 0
    assert "--auto-approve" in out.stdout
