"""`integrations list --state STATE --limit N --offset N`: the state filter is one store query over the
integrations' own rows, one page shown; a state or a page size an operator mistypes is one line naming it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from connector_core import OffsetClock, SQLiteStore
from connector_core.credentials import Credentials
from connector_core.models import TokenSet
from connector_core.store import RunRecord


def _sellers(tmp_path: Path) -> dict[str, str]:
    clock = OffsetClock()
    store = SQLiteStore(tmp_path / "home" / "store.sqlite3", clock=clock)
    app = store.create_app("tiktok_shop", "Our app", Credentials({"app_key": "k"}, {"app_secret": "s"}))
    ids = {}
    for name in ("quiet", "fine", "broken", "also-fine"):
        ids[name] = store.create_integration("tiktok_shop", name, None, {}, app_id=app.id).id
        clock.advance(timedelta(seconds=1))  # listed oldest first
    now = clock.now()
    for name in ("fine", "broken", "also-fine"):
        tokens = TokenSet(access_token=SecretStr(f"t-{name}"), access_expires_at=now + timedelta(hours=1))
        store.save_tokens(ids[name], tokens)
    store.record_run(RunRecord(ids["broken"], "", "pull_orders", now, now, False, {"error": "boom"}))
    return ids


def test_the_list_filters_by_state_and_pages(run: Any, tmp_path: Path) -> None:
    ids = _sellers(tmp_path)

    def listed(*argv: str) -> dict[str, Any]:
        result = run("integrations", "list", "--json", *argv)
        assert result.code == 0, result.err
        return dict(json.loads(result.out))

    connected = listed("--state", "connected")
    assert [r["id"] for r in connected["integrations"]] == [ids["fine"], ids["also-fine"]]
    assert {r["state"] for r in connected["integrations"]} == {"connected"}
    failing = listed("--state", "failing")["integrations"]
    assert [(r["id"], r["state"]) for r in failing] == [(ids["broken"], "failing")]
    assert [r["id"] for r in listed("--state", "not connected")["integrations"]] == [ids["quiet"]]
    page = listed("--limit", "2", "--offset", "2")
    assert ([r["id"] for r in page["integrations"]], page["total"], page["next_offset"]) == (
        [ids["broken"], ids["also-fine"]],
        4,
        None,
    )
    table = run("integrations", "list", "--limit", "1").out
    assert "1 to 1 of 4: --offset 1 for the next page" in table
    nobody = run("integrations", "list", "--state", "needs re-authorization").out
    assert "no integration is in state needs re-authorization" in nobody


def test_a_mistyped_state_or_page_is_one_line_naming_it(run: Any) -> None:
    for argv, named in (
        (["--state", "sleeping"], "'sleeping' is not a state"),
        (["--limit", "0"], "0 is outside 1..500"),
        (["--offset", "-5"], "-5 is negative"),
        (["--limit", "5m"], "'5m' is not a whole number"),
    ):
        result = run("integrations", "list", *argv)
        assert result.code == 2 and named in result.err, (argv, result.err)
