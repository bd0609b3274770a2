"""The committed forms bundle is what frontend/ builds today, so a pip install serves what the sources say."""

from __future__ import annotations

import subprocess
from pathlib import Path

from forms_support import BUNDLE, FRONTEND, require_node


def test_the_committed_bundle_is_a_fresh_build(tmp_path: Path) -> None:
    node = require_node()
    fresh = tmp_path / "forms.js"

    done = subprocess.run(
        [node, str(FRONTEND / "scripts" / "build.mjs"), str(fresh)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert fresh.read_bytes() == BUNDLE.read_bytes(), "rebuild it: cd frontend && npm ci && npm run build"


def test_the_bundle_exports_render_form_and_names_no_machine_path() -> None:
    text = BUNDLE.read_text(encoding="utf-8")

    assert "renderForm" in text
    assert "node_modules/" not in text and "/home/" not in text
