"""The stores earlier releases wrote (tests/samples/stores): copies of them to open with today's code.

Each release left a SQLite file, a pg_dump of one schema and the facts its generator recorded; the
migration tests open a fresh copy of either, sealed with the generators' test-only key.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from postgres_support import postgres_url, restored_dump

SAMPLES = Path(__file__).parent.parent / "samples" / "stores"
FIXTURE_KEY = next(
    # Read, not imported: the generators' module needs the emulator and cryptography at import time.
    line.split('"')[1]
    for line in (SAMPLES / "release_samples.py").read_text().splitlines()
    if line.startswith("FIXTURE_KEY")
)


def release_facts(release: str) -> dict[str, Any]:
    """What the generator recorded of the store it wrote: ids, shops, SKUs (no secrets)."""
    facts: dict[str, Any] = json.loads((SAMPLES / f"release_{release}.facts.json").read_text())
    return facts


def release_sqlite(release: str, tmp_path: Path) -> Path:
    """A private copy of the release's SQLite store (owner-only, as the store insists)."""
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(SAMPLES / f"release_{release}.sqlite3", path)
    path.chmod(0o600)
    return path


@contextmanager
def release_schema(release: str) -> Iterator[str]:
    """The release's pg_dump loaded into a schema of its own on the test server; yields its URL."""
    dump = (SAMPLES / f"release_{release}.postgres.sql").read_text()
    with restored_dump(postgres_url(), dump, f"release_{release}") as url:
        yield url
