"""The pull interval from the CLI: per shop with `shop-settings ID SHOP pull_interval=N`, per connection with
`update ID --pull-interval N`, whatever the connector's settings form has (TikTok's has no such field); what a
tired operator types wrong (0, -5, 5m, 10**9) is one line naming the value, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connector_core import SQLiteStore
from connector_core.credentials import Credentials
from connector_core.models import Account
from connector_core.store.index_roles import CONNECTION_SCOPE


@pytest.fixture
def seller(tmp_path: Path) -> tuple[SQLiteStore, str]:
    store = SQLiteStore(tmp_path / "home" / "store.sqlite3")
    app = store.create_app("tiktok_shop", "Our app", Credentials({"app_key": "k"}, {"app_secret": "s"}))
    record = store.create_integration("tiktok_shop", "Seller", None, {}, app_id=app.id)
    store.save_accounts(record.id, [Account(id="7001", name="UK shop"), Account(id="7002", name="DE shop")])
    return store, record.id


def test_a_shop_and_a_connection_get_their_own_pull_interval(
    run: Any, seller: tuple[SQLiteStore, str]
) -> None:
    store, iid = seller
    shown = run("integrations", "shop-settings", iid, "DE shop", "pull_interval=1800", "--json")
    assert shown.code == 0, shown.err
    assert json.loads(shown.out) == {"id": iid, "shop": "7002", "settings": {}, "pull_interval": 1800}
    updated = run("integrations", "update", iid, "--pull-interval", "900")
    assert updated.code == 0, updated.err
    assert "every 900 s (15 min)" in updated.out
    assert store.pull_intervals(iid) == {CONNECTION_SCOPE: 900, "7002": 1800}
    assert {s.id: s.pull_interval for s in store.list_shops(iid)} == {"7001": 900, "7002": 1800}
    described = json.loads(run("integrations", "show", iid).out)
    assert described["pull_interval"] == 900
    assert {s["id"]: s["pull_interval"] for s in described["shops"]} == {"7001": None, "7002": 1800}

    assert run("integrations", "shop-settings", iid, "7002", "--remove", "pull_interval").code == 0
    assert run("integrations", "update", iid, "--pull-interval", "default").code == 0
    assert store.pull_intervals(iid) == {}


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("0", "0 is outside 60..604800 seconds"),
        ("-5", "-5 is outside 60..604800 seconds"),
        ("5m", "5m is not a whole number of seconds: give seconds, e.g. 300 for 5 minutes"),
        ("1000000000", "1000000000 is outside 60..604800 seconds"),
    ],
)
def test_a_mistyped_interval_is_one_line_and_nothing_is_stored(
    run: Any, seller: tuple[SQLiteStore, str], typed: str, named: str
) -> None:
    store, iid = seller
    by_shop = run("integrations", "shop-settings", iid, "7001", f"pull_interval={typed}")
    by_connection = run("integrations", "update", iid, "--pull-interval", typed)
    for result in (by_shop, by_connection):
        assert result.code != 0 and len(result.err.strip().splitlines()) == 1, result.err
    for result in (by_shop, by_connection):
        assert "pull_interval" in result.err and named in result.err.replace("'", "")
    assert store.pull_intervals(iid) == {}
