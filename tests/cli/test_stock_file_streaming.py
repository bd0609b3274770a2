"""A stock file is read in two streaming passes (check every line, then push in batches of 10,000), never
whole into memory; bad lines anywhere still mean nothing pushed, duplicates are refused across batches, and
an optional as_of column lets the ledger refuse an older count over a newer one."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from connector_core import ConnectorHost, Integrations, SQLiteStore
from connector_core.cli.inputs import InputError
from connector_core.cli.stock_file import BATCH, check_stock_file
from tiktok_shop_emulator import TikTokShopEmulator


def gb_skus(emulator: TikTokShopEmulator) -> list[str]:
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    return list(emulator.seller_skus(shop_cipher=gb["cipher"]))


def ledger(tmp_path: Path, integration_id: str) -> dict[Any, Any]:
    integration = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "home" / "store.sqlite3")).open(
        integration_id
    )
    return dict(integration.store.stock_levels(integration.id, integration.account_id))


def test_levels_come_in_bounded_batches_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("sku;quantity\n" + "".join(f"S{i};{i % 7}\n" for i in range(2 * BATCH + 5)))

    with check_stock_file(str(path)) as stock:
        sizes = [len(batch) for batch in stock.batches()]
        skus = [level.sku for batch in stock.batches(size=4) for level in batch]

    assert stock.levels == 2 * BATCH + 5
    assert sizes == [BATCH, BATCH, 5]
    assert skus == [f"S{i}" for i in range(2 * BATCH + 5)]


def test_a_bad_line_past_the_first_batch_still_means_nothing_pushed(
    run: Any, connected: str, tmp_path: Path, emulator: TikTokShopEmulator
) -> None:
    sku = gb_skus(emulator)[0]
    path = tmp_path / "late-bad.csv"
    lines = [f"{sku},5"] + [f"X{i},1" for i in range(BATCH + 10)] + ["LATE,ten"]
    path.write_text("sku,quantity\n" + "\n".join(lines) + "\n")

    result = run("push-stock", connected, str(path))

    assert result.code == 1
    assert result.err.strip() == (
        f"error: {path}: 1 bad line(s), nothing pushed: line {BATCH + 13}: SKU LATE: quantity 'ten' is not a "
        "whole number written with the digits 0-9; fix them and run again (unchanged levels make no call)"
    )
    assert ledger(tmp_path, connected) == {}


def test_a_sku_repeated_across_batches_is_refused_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    body = [f"A{i},1" for i in range(BATCH + 3)] + ["A2,9"]
    path.write_text("sku,quantity\n" + "\n".join(body) + "\n")

    with pytest.raises(InputError, match=f"line {BATCH + 5}: SKU A2 also on line 4: keep one of the two"):
        check_stock_file(str(path))


def test_an_older_count_does_not_overwrite_a_newer_one(
    run: Any, connected: str, tmp_path: Path, emulator: TikTokShopEmulator
) -> None:
    sku = gb_skus(emulator)[0]
    newer, older = tmp_path / "noon.csv", tmp_path / "morning.csv"
    newer.write_text(f"sku,quantity,as_of\n{sku},7,2026-12-07T12:00:00Z\n")
    older.write_text(f"sku,quantity,as_of\n{sku},40,2026-12-07T08:00:00+00:00\n")

    assert run("push-stock", connected, str(newer)).code == 0
    late = run("push-stock", connected, str(older), "--json")

    [result] = json.loads(late.out)["results"]
    assert result["outcome"] == "stale"
    assert [level.quantity for level in ledger(tmp_path, connected).values()] == [7]


def test_an_as_of_without_a_time_zone_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "naive.csv"
    path.write_text("sku,quantity,as_of\nA,1,2026-12-07T12:00:00\n")

    with pytest.raises(InputError, match="line 2: SKU A: as_of '2026-12-07T12:00:00' has no time zone"):
        check_stock_file(str(path))


def test_json_output_is_one_document_and_standard_input_is_read_twice(
    run: Any, connected: str, emulator: TikTokShopEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    skus = gb_skus(emulator)[:2]
    text = "\ufeffsku\tquantity\n" + "".join(f"{sku}\t3\n" for sku in skus) + "NOPE\t1\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    result = run("push-stock", connected, "-", "--json")

    document = json.loads(result.out)
    assert list(document) == ["integration", "results", "counts", "calls", "ok"]
    assert [r["sku"] for r in document["results"]] == [*skus, "NOPE"]
    assert document["counts"]["updated"] == 2 and document["counts"]["unknown_sku"] == 1
    assert document["ok"] is False and result.code == 1
