"""Code comments cite the wire reference by anchor (`reference.md#signing`): every cited anchor must exist,
so renaming or removing a section of docs/tiktok_shop/reference.md cannot silently orphan a citation."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "docs" / "tiktok_shop" / "reference.md"
SOURCES = ("connector_core", "connectors", "tiktok_shop_emulator", "tests", "benchmarks")
THIS_FILE = Path(__file__).resolve()


def python_files() -> list[Path]:
    return [p for folder in SOURCES for p in (REPO / folder).rglob("*.py") if p.resolve() != THIS_FILE]


def anchors() -> set[str]:
    return set(re.findall(r'<a id="([a-z0-9-]+)"></a>', REFERENCE.read_text(encoding="utf-8")))


def citations() -> dict[str, set[str]]:
    """Anchor -> the files citing it: `reference.md#a`, and the `#b` that may follow it on the same line."""
    cited: dict[str, set[str]] = {}
    for path in python_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "reference.md#" not in line:
                continue
            tail = line[line.index("reference.md#") :]
            for anchor in re.findall(r"#([a-z][a-z0-9-]*)", tail):
                cited.setdefault(anchor, set()).add(str(path.relative_to(REPO)))
    return cited


def test_the_reference_is_cited_by_the_code() -> None:
    assert len(citations()) >= 15


def test_every_cited_anchor_exists_in_the_reference() -> None:
    missing = {anchor: sorted(files) for anchor, files in citations().items() if anchor not in anchors()}

    assert missing == {}


def test_no_code_cites_the_old_section_numbers() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in python_files()
        if re.search(r"reference §|§[0-9]", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
