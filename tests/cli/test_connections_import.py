"""`integrations import --app APP FILE`: a host migrating its sellers imports them from a CSV or JSON Lines
file. Every line is checked before anything is written, a bad line is named in one line (file, line,
connection, field), running the same file again imports nothing twice, and no token is ever printed."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from postgres_support import fresh_schema, postgres_url

from connector_core import ConnectorHost, Integrations, SQLiteStore
from connector_core.home import STORE_FILE
from connector_core.store import open_store
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

SELLERS = 6


@pytest.fixture
def emulator() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(
        EmulatorConfig(orders=20, seed=11, sellers=SELLERS + 1, orders_per_seller=3)
    ) as e:
        yield e


@pytest.fixture
def app(run: Any, creds_file: Path) -> str:
    added = run("apps", "add", "tiktok_shop", "--file", str(creds_file), "--json")
    assert added.code == 0, added.err
    return str(json.loads(added.out)["id"])


@pytest.fixture
def grants(emulator: TikTokShopEmulator) -> list[dict[str, Any]]:
    return emulator.mint_authorizations(first=1, count=SELLERS)


def _store(tmp_path: Path) -> Integrations:
    return Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "home" / STORE_FILE))


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


def _shops(grant: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": s["id"], "name": s["name"], "region": s["region"], "selector": s["cipher"]}
        for s in grant["shops"]
    ]


def _entry(grant: dict[str, Any]) -> dict[str, Any]:
    """One seller as a JSON Lines object: what a host's export of its sellers holds."""
    return {
        "name": grant["seller_name"],
        "tags": {"customer": f"cust-{grant['seller']}"},
        "settings": {"import_unpaid_orders": True},
        "tokens": {
            "access_token": grant["access_token"],
            "access_expires_at": _when(grant["access_token_expire_in"]),
            "refresh_token": grant["refresh_token"],
            "refresh_expires_at": _when(grant["refresh_token_expire_in"]),
        },
        "shops": _shops(grant),
    }


def _jsonl(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


COLUMNS = ["Refresh_Token", "shops", "tag.customer", "name", "access_expires_at", "setting.import_unpaid_orders",
           "access_token", "refresh_expires_at"]  # fmt: skip


def _csv(path: Path, grants: list[dict[str, Any]], *, bom: bool = True, crlf: bool = True) -> Path:
    """A tired operator's spreadsheet export: its own column order, Excel's byte-order mark, Windows line
    ends and blank lines at the end."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(COLUMNS)
    for g in grants:
        e = _entry(g)
        t = e["tokens"]
        writer.writerow([t["refresh_token"], json.dumps(e["shops"]), e["tags"]["customer"], e["name"],
                         t["access_expires_at"], "true", t["access_token"], t["refresh_expires_at"]])  # fmt: skip
    text = out.getvalue() + ("\r\n\r\n" if crlf else "\n\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def _tokens(grants: list[dict[str, Any]]) -> list[str]:
    return [g[k] for g in grants for k in ("access_token", "refresh_token")]


def _no_token_in(grants: list[dict[str, Any]], *texts: str) -> None:
    for token in _tokens(grants):
        for text in texts:
            assert token not in text


def test_a_spreadsheet_export_is_imported_and_its_sellers_are_served(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = run("integrations", "import", "--app", app, str(_csv(tmp_path / "sellers.csv", grants)))

    assert result.code == 0, result.err
    assert f"checked {SELLERS} connection(s)" in result.out and f"{SELLERS} to create" in result.out
    assert f"batch 1: lines 2-{SELLERS + 1}: {SELLERS} created" in result.out
    assert f"imported {SELLERS} connection(s) under app {app}" in result.out
    integrations = _store(tmp_path)
    records = integrations.list()
    assert [r.name for r in records] == [g["seller_name"] for g in grants]
    assert all(r.app_id == app and r.settings["import_unpaid_orders"] is True for r in records)
    [third] = integrations.find({"customer": f"cust-{grants[2]['seller']}"})
    assert {s.account.id for s in integrations.open(third.id).shops()} == {
        s["id"] for s in grants[2]["shops"]
    }
    pulled = [o for page in integrations.open(third.id).pull_orders() for o in page.orders]
    assert pulled  # the imported tokens work against the channel
    _no_token_in(grants, result.out, result.err)


def test_json_lines_from_standard_input_in_small_batches_with_every_connection_listed(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "".join(json.dumps(_entry(g)) + "\n" for g in grants).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))

    result = run("integrations", "import", "--app", app, "-", "--batch-size", "4", "--verbose", "--debug")

    assert result.code == 0, result.err
    assert "(jsonl)" in result.out
    assert "batch 1: lines 1-4: 4 created" in result.out and "batch 2: lines 5-6: 2 created" in result.out
    ids = [r.id for r in _store(tmp_path).list()]
    assert f"line 5: {grants[4]['seller_name']!r} -> {ids[4]}" in result.out
    _no_token_in(grants, result.out, result.err)


def test_running_the_same_file_again_imports_only_what_is_new(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "sellers.jsonl", [_entry(g) for g in grants[:4]])
    assert run("integrations", "import", "--app", app, str(path)).code == 0
    first_ids = [r.id for r in _store(tmp_path).list()]

    again = run("integrations", "import", "--app", app, str(path), "--verbose")
    assert again.code == 0, again.err
    assert "0 to create, 4 already imported" in again.out
    assert f"line 2: already imported as {first_ids[1]}: skipped" in again.out
    grown = _jsonl(tmp_path / "sellers.jsonl", [_entry(g) for g in grants])
    more = run("integrations", "import", "--app", app, str(grown), "--json")

    assert json.loads(more.out) == {
        "app": app, "file": str(grown), "format": "jsonl", "entries": SELLERS, "created": 2, "skipped": 4,
        "batches": 1, "dry_run": False,
    }  # fmt: skip
    assert [r.id for r in _store(tmp_path).list()][:4] == first_ids and len(
        _store(tmp_path).list()
    ) == SELLERS


def test_a_dry_run_checks_every_line_and_writes_nothing(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = run("integrations", "import", "--app", app, str(_csv(tmp_path / "s.csv", grants)), "--dry-run")

    assert result.code == 0, result.err
    assert f"{SELLERS} to create" in result.out and "dry run: nothing was written" in result.out
    assert _store(tmp_path).list() == []


def _bad(grants: list[dict[str, Any]], n: int, **change: Any) -> list[dict[str, Any]]:
    entries = [_entry(g) for g in grants]
    entries[n] = {**entries[n], **change}
    return entries


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"settings": {"import_unpaid_orders": "sometimes"}}, "settings.import_unpaid_orders: "),
        ({"tokens": "SEE_TOKENS"}, "tokens.access_expires_at: "),
        ({"shops": [{"name": "no id"}]}, "shops.0.id: is missing"),
        ({"tags": {"customer": 7}}, "tags: tag 'customer'"),
        ({"colour": "blue"}, "colour: is not a field of an imported connection"),
        ({"name": ""}, "name: is missing"),
        ({"name": "Emulator Seller 1"}, "name: also on line 1"),
    ],
)
def test_the_first_bad_line_is_named_in_one_line_and_nothing_is_written(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    if change.get("tokens") == "SEE_TOKENS":  # a bad expiry beside real tokens: the tokens stay unsaid
        change = {"tokens": {**_entry(grants[3])["tokens"], "access_expires_at": "next tuesday"}}
    path = _jsonl(tmp_path / "sellers.jsonl", _bad(grants, 3, **change))

    result = run("integrations", "import", "--app", app, str(path))

    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith(f"error: {path}: line 4: ")
    assert field in line and "nothing was imported" in line
    if change.get("name"):
        assert f"connection {change['name']!r}" in line
    assert _store(tmp_path).list() == []
    _no_token_in(grants, result.out, result.err)


def test_a_shop_on_two_lines_or_half_imported_is_refused_naming_the_shop(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path
) -> None:
    twice = _bad(grants, 4, shops=_shops(grants[1]))
    result = run("integrations", "import", "--app", app, str(_jsonl(tmp_path / "a.jsonl", twice)))
    assert result.code == 1
    assert f"line 5: connection {grants[4]['seller_name']!r}: shops: shop {grants[1]['shops'][0]['id']!r} " \
        "is also on line 2" in result.err  # fmt: skip

    assert (
        run(
            "integrations", "import", "--app", app, str(_jsonl(tmp_path / "b.jsonl", [_entry(grants[0])]))
        ).code
        == 0
    )
    mixed = [_entry(grants[1]), {**_entry(grants[2]), "shops": _shops(grants[0])[:1] + _shops(grants[2])}]
    result = run("integrations", "import", "--app", app, str(_jsonl(tmp_path / "c.jsonl", mixed)))
    assert result.code == 1
    assert f"line 2: connection {grants[2]['seller_name']!r}: shops: shop {grants[0]['shops'][0]['id']!r} is " \
        "already served by connection" in result.err  # fmt: skip
    assert len(_store(tmp_path).list()) == 1


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"name,colour\r\nA,blue\r\n", "line 1: column 'colour' is not a column of a connections file"),
        (b"access_token,shops\n", "line 1: no name column"),
        (b"\n\n", "empty: give a header line"),
        (b"name,shops\nA,[not json\n", "line 2: connection 'A': shops: is not JSON"),
        (b"name,shops\n\xff\xfe,[]\n", "line 2: not UTF-8 text"),
        (b'name,shops\n"A,[]\n', "line 2: unexpected end of data"),
    ],
)
def test_a_file_that_is_not_a_connections_file_is_named_with_its_line(
    run: Any, app: str, tmp_path: Path, content: bytes, named: str
) -> None:
    path = tmp_path / "sellers.csv"
    path.write_bytes(content)

    result = run("integrations", "import", "--app", app, str(path))

    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert f"{path}: {named}" in result.err
    assert _store(tmp_path).list() == []


def test_an_unknown_app_or_a_missing_file_is_one_line_naming_it(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "sellers.jsonl", [_entry(grants[0])])

    unknown = run("integrations", "import", "--app", "app-nobody", str(path))
    missing = run("integrations", "import", "--app", app, str(tmp_path / "nowhere.csv"))

    assert unknown.code == 1 and unknown.err.strip() == (
        "error: no app 'app-nobody' in the store: list them with `channel-connectors apps list`"
    )
    assert missing.code == 1 and "no such connections file" in missing.err
    assert _store(tmp_path).list() == []


def test_no_token_reaches_the_output_or_the_debug_log_of_a_failed_import(
    run: Any, app: str, grants: list[dict[str, Any]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    entries = [_entry(g) for g in grants]
    entries[-1] = {**entries[-1], "tokens": {**entries[-1]["tokens"], "refresh_expires_at": "soon"}}
    path = _jsonl(tmp_path / "sellers.jsonl", entries)

    result = run("integrations", "import", "--app", app, str(path), "--verbose")

    assert result.code == 1 and "tokens.refresh_expires_at" in result.err
    _no_token_in(grants, result.out, result.err, caplog.text)


def test_the_same_import_and_rerun_on_postgresql(
    run: Any, creds_file: Path, grants: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    with fresh_schema(postgres_url()) as url:
        added = run("apps", "add", "tiktok_shop", "--database-url", url, "--file", str(creds_file), "--json")
        app = json.loads(added.out)["id"]
        path = _csv(tmp_path / "sellers.csv", grants)

        first = run("integrations", "import", "--app", app, str(path), "--database-url", url, "--json")
        again = run("integrations", "import", "--app", app, str(path), "--database-url", url, "--json")

        assert json.loads(first.out)["created"] == SELLERS, first.err
        assert (json.loads(again.out)["created"], json.loads(again.out)["skipped"]) == (0, SELLERS)
        store = open_store(url)
        try:
            assert [r.name for r in store.list_integrations()] == [g["seller_name"] for g in grants]
        finally:
            store.close()
        _no_token_in(grants, first.out, first.err, again.out, again.err)


def test_csv_settings_are_typed_by_the_connectors_form(run: Any, app: str, tmp_path: Path) -> None:
    """`true` is a yes for a yes/no setting; a setting the form types as text keeps the cell's text (a
    `20261101` typed where a date belongs is then named as a bad date, not as a number)."""
    path = tmp_path / "waiting.csv"
    path.write_text(
        "name;setting.import_unpaid_orders;setting.import_orders_since;tag.plan\n"
        "Seller A;true;2026-11-01;gold\nSeller B;false;;\n"
    )
    assert run("integrations", "import", "--app", app, str(path)).code == 0
    a, b = _store(tmp_path).list()
    assert (a.settings["import_unpaid_orders"], a.settings["import_orders_since"], a.tags) == (
        True,
        "2026-11-01",
        {"plan": "gold"},
    )
    assert b.settings["import_unpaid_orders"] is False and not b.tags
    assert _store(tmp_path).store.load_tokens(a.id) is None  # no token cells: waiting for its Connect

    path.write_text("name,setting.import_orders_since\nSeller C,20261101\n")
    refused = run("integrations", "import", "--app", app, str(path))
    assert (
        refused.code == 1 and "line 2: connection 'Seller C': settings.import_orders_since: " in refused.err
    )
    assert "YYYY-MM-DD" in refused.err
