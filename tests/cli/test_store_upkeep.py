"""`store size` and `store prune`: an operator sees what the store holds per table and gives back what no
flow reads again, with a dry run first (issue 21: a store of millions of rows made every `status` slow)."""

from __future__ import annotations

import json
from typing import Any


def test_store_size_lists_every_table_with_rows_and_bytes(run: Any) -> None:
    assert run("store", "size").code == 0  # creates the store
    text = run("store", "size")
    assert text.code == 0 and "sqlite store at" in text.out and "stock_ledger" in text.out

    document = json.loads(run("store", "size", "--json").out)
    assert document["backend"] == "sqlite" and document["total_bytes"] > 0
    tables = {t["table"]: t for t in document["tables"]}
    assert tables["runs"]["rows"] == 0 and tables["runs"]["bytes"] > 0


def test_a_dry_run_counts_and_a_prune_with_vacuum_says_so(run: Any) -> None:
    dry = json.loads(run("store", "prune", "--dry-run", "--vacuum", "--json").out)
    assert dry["dry_run"] is True and dry["vacuumed"] is False
    assert set(dry["rows"]) == {"runs", "outbox", "oauth_states", "connect_links", "empty_cache_entries"}

    done = run("store", "prune", "--older-than", "7", "--vacuum")
    assert done.code == 0 and "deleted (older than 7 days" in done.out and "vacuumed" in done.out


def test_a_negative_age_is_refused(run: Any) -> None:
    result = run("store", "prune", "--older-than", "-1")
    assert result.code == 2 and "--older-than must be 0 or more days" in result.out
