"""The page check's compact set of ids: exact for what was added, whatever its size."""

from __future__ import annotations

from connector_core.seen_ids import SeenIds


def test_every_id_added_is_found_and_no_other_through_growth() -> None:
    seen = SeenIds()
    added = [f"5770{n * 7919:015d}" for n in range(20_000)]

    assert all(seen.add(i) for i in added)
    assert not seen.add(added[123]), "an id added again is not new"
    assert len(seen) == 20_000
    assert all(i in seen for i in added)
    assert not any(f"other-{n}" in seen for n in range(20_000))
