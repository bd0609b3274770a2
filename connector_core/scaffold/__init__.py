"""`channel-connectors new connector NAME`: a new connector's package, ready to grow.

`generate(name, target)` writes a distribution of its own (entry point, PEP 420 `connectors/<name>/`,
schemas as package data, hookimpls, an emulator stub, a cassette-driven contract test, CI); `record(target)`
records its cassettes against the stub, so the package passes the contract suite from its first commit.
"""

from __future__ import annotations

import keyword
import os
import re
import subprocess
import sys
from pathlib import Path
from string import Template

from . import connector_files as c
from . import test_files as t

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(ValueError):
    """A name or folder the scaffold refuses; the text is one line naming it and what to do."""


def check_name(name: str) -> None:
    if not NAME.fullmatch(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(
            f"connector name {name!r}: use 2 to 40 lowercase letters, digits and single underscores, "
            "starting with a letter (e.g. my_channel)"
        )
    if keyword.iskeyword(name) or name in {"connectors", "connector_core", "test", "tests"}:
        raise ScaffoldError(f"connector name {name!r} is reserved: pick another")


def files_for(name: str) -> dict[str, str]:
    """Relative path -> content of every file of a new connector package."""
    values = {
        "name": name,
        "dist": name.replace("_", "-"),
        "title": " ".join(part.capitalize() for part in name.split("_")),
        "camel": "".join(part.capitalize() for part in name.split("_")),
    }
    pkg = f"connectors/{name}"
    templates = {
        "pyproject.toml": c.PYPROJECT,
        "README.md": t.README,
        f"{pkg}/__init__.py": c.INIT,
        f"{pkg}/py.typed": "",
        f"{pkg}/client.py": c.CLIENT,
        f"{pkg}/plugin.py": c.PLUGIN,
        f"{pkg}/schemas/credentials.schema.json": c.CREDENTIALS_SCHEMA,
        f"{pkg}/schemas/settings.schema.json": c.SETTINGS_SCHEMA,
        f"{name}_emulator/__init__.py": t.EMULATOR,
        f"tests/test_{name}_contract.py": t.CONTRACT_TEST,
        "cassettes/.gitkeep": "",
        "ci/run": t.CI_SCRIPT,
        ".github/workflows/ci.yml": t.WORKFLOW,
    }
    return {path: Template(text).substitute(values) for path, text in templates.items()}


def generate(name: str, target: Path) -> list[Path]:
    """Write the package into `target` (which must not exist); returns the files written."""
    check_name(name)
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another --dir or remove it")
    written = []
    for relative, content in files_for(name).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    (target / "ci/run").chmod(0o755)
    return written


def record(target: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Record the package's cassettes against its emulator stub (its contract suite in record-once mode)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--channel-record-mode=once"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


__all__ = ["ScaffoldError", "check_name", "files_for", "generate", "record"]
