"""The example host lives outside the packages: make `examples/host_app` importable for its tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the example host needs the [web] extra")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "host_app"))
sys.path.insert(0, str(ROOT / "tests" / "web"))  # browser_support: Debian's chromium through playwright
