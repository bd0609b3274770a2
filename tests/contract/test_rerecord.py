"""Re-recording changes a cassette only where the data changed.

The TikTok flows are recorded from the emulator into a temporary folder twice with the same world: the
files are byte for byte the same (and the same as the committed ones). Then one datum of the world
changes (the seller's name, which TikTok returns in token answers) and the flows are recorded again:
only the interactions that carry that datum differ, and only in that field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
import test_tiktok_shop_contract as tiktok
import yaml

from connector_core.testing import CassetteLedger, contract_session

# Every flow but the 429 one, whose recording waits out a real one-second Retry-After.
FLOWS = (
    "connect",
    "refresh",
    "check_connection",
    "order_import",
    "stock_push",
    "shipment_confirmation",
    "webhooks",
    "label_flow",
    "expired_access_token_is_refreshed",
    "revoked_authorization_requires_reauthorization",
)


def record(harness: tiktok.TestTikTokShopContract, folder: Path, workdir: Path) -> dict[str, bytes]:
    """Record every flow into `folder` from a fresh emulator each; returns name -> file bytes."""
    ledger = CassetteLedger()
    for name in FLOWS:
        with contract_session(
            harness, name, mode="rewrite", workdir=workdir, ledger=ledger, cassette_dir=folder
        ) as session:
            getattr(harness, f"test_{name}")(session)
    return {path.stem: path.read_bytes() for path in sorted(folder.glob("*.yaml"))}


def json_differences(old: Any, new: Any, path: str = "") -> list[str]:
    """The paths at which two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(set(old) | set(new))
        return [d for k in keys for d in json_differences(old.get(k), new.get(k), f"{path}.{k}".lstrip("."))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in json_differences(a, b, f"{path}[{i}]")
        ]
    return [] if old == new else [path or "(root)"]


@pytest.fixture(scope="module")
def first_recording(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("first")
    (root / "cassettes").mkdir()
    return record(tiktok.TestTikTokShopContract(), root / "cassettes", root)


def test_recording_twice_gives_the_same_bytes(first_recording: dict[str, bytes], tmp_path: Path) -> None:
    (tmp_path / "cassettes").mkdir()
    second = record(tiktok.TestTikTokShopContract(), tmp_path / "cassettes", tmp_path)
    assert sorted(second) == sorted(FLOWS)
    different = [name for name in FLOWS if first_recording[name] != second[name]]
    assert different == [], f"re-recording the same world changed {different}"


def test_the_committed_cassettes_are_what_the_emulator_records_today(
    first_recording: dict[str, bytes], channel_record_mode: str
) -> None:
    if channel_record_mode != "none":
        pytest.skip("this run re-records the committed cassettes; compare them after it")
    committed = tiktok.CASSETTES
    stale = [name for name in FLOWS if (committed / f"{name}.yaml").read_bytes() != first_recording[name]]
    assert stale == [], (
        f"{stale} differ from a fresh recording: the connector or the emulator changed; re-record with "
        "pytest tests/contract --channel-record-mode=rewrite and review the diff"
    )


def test_a_changed_datum_changes_only_the_interactions_that_carry_it(
    first_recording: dict[str, bytes], tmp_path: Path
) -> None:
    class RenamedSeller(tiktok.TestTikTokShopContract):
        emulator_overrides: ClassVar[dict[str, Any]] = {"seller_name": "Renamed Test Seller"}

    (tmp_path / "cassettes").mkdir()
    changed = record(RenamedSeller(), tmp_path / "cassettes", tmp_path)

    differences: dict[str, list[tuple[int, list[str]]]] = {}
    for name in FLOWS:
        if changed[name] == first_recording[name]:
            continue
        old, new = yaml.safe_load(first_recording[name]), yaml.safe_load(changed[name])
        assert old["metadata"] == new["metadata"], f"{name}: facts changed"
        assert len(old["interactions"]) == len(new["interactions"]), f"{name}: the flow changed"
        for index, (a, b) in enumerate(zip(old["interactions"], new["interactions"], strict=True)):
            assert a["request"] == b["request"], f"{name}[{index}]: a request changed"
            if a["response"] != b["response"]:
                body_a = json.loads(a["response"]["body"]["string"])
                body_b = json.loads(b["response"]["body"]["string"])
                differences.setdefault(name, []).append((index, json_differences(body_a, body_b)))
                assert a["request"]["uri"].split("?")[0].endswith(("/token/get", "/token/refresh"))

    assert differences, "the changed datum must show up somewhere"
    assert all(paths == ["data.seller_name"] for found in differences.values() for _, paths in found), (
        differences
    )
    # connect exchanges a code once; refresh and the expired-token flow each refresh once
    assert {name: len(found) for name, found in differences.items()} == {
        "connect": 1,
        "refresh": 1,
        "expired_access_token_is_refreshed": 1,
    }
