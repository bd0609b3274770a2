"""`apps`, `integrations tag`, `integrations list --tag`, `integrations shop-settings`: the platform model
from the terminal. One app serves many connections; no secret is ever printed; bad input is one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from connector_core import ConnectorHost, Integrations, SQLiteStore
from tiktok_shop_emulator import TikTokShopEmulator

CONSOLE_SCRIPT = str(Path(sys.executable).with_name("channel-connectors"))
NEW_SECRET = "rotated-secret-0123456789abcdef"


def _integrations(tmp_path: Path) -> Integrations:
    return Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "home" / "store.sqlite3"))


def _add_app(run: Any, creds_file: Path) -> str:
    added = run("apps", "add", "tiktok_shop", "--file", str(creds_file), "--name", "EU app", "--json")
    assert added.code == 0, added.err
    return str(json.loads(added.out)["id"])


def test_an_app_is_added_listed_and_shown_without_its_secret(
    run: Any, creds_file: Path, emulator: TikTokShopEmulator
) -> None:
    app_id = _add_app(run, creds_file)
    listed = json.loads(run("apps", "list", "--json").out)["apps"]
    shown = run("apps", "show", app_id)
    assert [(a["id"], a["name"], a["connections"]) for a in listed] == [(app_id, "EU app", 0)]
    assert json.loads(shown.out)["credentials"]["app_secret"] == "********"
    assert json.loads(shown.out)["secrets_set"]["app_secret"] is True
    assert app_id in run("apps", "list").out
    for output in (shown.out, run("apps", "list").out):
        assert emulator.credentials["app_secret"] not in output


def test_update_rotates_the_secret_for_every_connection_under_the_app_in_one_step(
    run: Any, creds_file: Path, tmp_path: Path
) -> None:
    app_id = _add_app(run, creds_file)
    integrations = _integrations(tmp_path)
    connections = [integrations.create_connection(app_id, name=f"seller {n}").id for n in range(3)]
    new = tmp_path / "new-secret.json"
    new.write_text(json.dumps({"app_secret": NEW_SECRET}))

    updated = run("apps", "update", app_id, "--file", str(new))

    assert updated.code == 0, updated.err
    assert "3 connection(s)" in updated.out
    assert NEW_SECRET not in updated.out + updated.err
    fresh = _integrations(tmp_path)
    assert [fresh.store.get_integration(c).credentials.secret("app_secret") for c in connections] == [
        NEW_SECRET
    ] * 3
    assert json.loads(run("apps", "show", app_id).out)["connections"] == connections


def test_a_blank_secret_in_the_update_keeps_the_stored_one(
    run: Any, creds_file: Path, tmp_path: Path, emulator: TikTokShopEmulator
) -> None:
    app_id = _add_app(run, creds_file)
    blank = tmp_path / "blank.json"
    blank.write_text(json.dumps({"app_secret": ""}))
    assert run("apps", "update", app_id, "--file", str(blank), "--name", "renamed").code == 0
    app = _integrations(tmp_path).store.get_app(app_id)
    assert (app.name, app.credentials.secret("app_secret")) == ("renamed", emulator.credentials["app_secret"])


def test_a_bad_update_names_the_field_and_changes_nothing(
    run: Any, creds_file: Path, tmp_path: Path, emulator: TikTokShopEmulator
) -> None:
    app_id = _add_app(run, creds_file)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"environment": "staging"}))
    result = run("apps", "update", app_id, "--file", str(bad))
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "environment" in result.err
    assert _integrations(tmp_path).store.get_app(app_id).credentials["environment"] != "staging"
    missing = run("apps", "update", "app-nope", "--name", "x")
    assert missing.code == 1 and "app-nope" in missing.err and "apps list" in missing.err


def test_the_real_console_script_reads_the_new_secret_from_standard_input(
    creds_file: Path, tmp_path: Path, emulator: TikTokShopEmulator
) -> None:
    home = str(tmp_path / "home")
    (tmp_path / "home").mkdir()

    def cli(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CONSOLE_SCRIPT, *argv, "--home", home], input=stdin, capture_output=True, text=True, timeout=60
        )

    added = cli("apps", "add", "tiktok_shop", "--file", "-", "--json", stdin=creds_file.read_text())
    assert added.returncode == 0, added.stderr
    app_id = json.loads(added.stdout)["id"]
    rotated = cli("apps", "update", app_id, "--file", "-", stdin=json.dumps({"app_secret": NEW_SECRET}))
    assert rotated.returncode == 0, rotated.stderr
    nothing = cli("apps", "update", app_id)  # no terminal, no file: nothing to change, nothing asked
    assert nothing.returncode == 1 and len(nothing.stderr.strip().splitlines()) == 1
    for result in (added, rotated, nothing):
        assert NEW_SECRET not in result.stdout + result.stderr
        assert emulator.credentials["app_secret"] not in result.stdout + result.stderr
    assert _integrations(tmp_path).store.get_app(app_id).credentials.secret("app_secret") == NEW_SECRET


def test_tags_are_set_found_removed_and_bad_pairs_named(run: Any, creds_file: Path, tmp_path: Path) -> None:
    app_id = _add_app(run, creds_file)
    integrations = _integrations(tmp_path)
    first, second = (integrations.create_connection(app_id, name=n).id for n in ("a", "b"))

    assert run("integrations", "tag", first, "customer=4711", "plan=gold").code == 0
    assert run("integrations", "tag", second, "customer=4712", "plan=gold").code == 0

    def found(*tags: str) -> list[str]:
        argv = [arg for tag in tags for arg in ("--tag", tag)]
        return [r["id"] for r in json.loads(run("integrations", "list", "--json", *argv).out)["integrations"]]

    assert found("plan=gold") == [first, second]
    assert found("plan=gold", "customer=4712") == [second]
    assert "no integration holds customer=1" in run("integrations", "list", "--tag", "customer=1").out
    removed = run("integrations", "tag", first, "--remove", "plan", "--json")
    assert json.loads(removed.out)["tags"] == {"customer": "4711"}
    assert found("plan=gold") == [second]

    bad = run("integrations", "tag", first, "customer")
    assert bad.code == 2 and "'customer': give it as key=value" in bad.err
    gone = run("integrations", "tag", first, "--remove", "plan")
    assert gone.code == 1 and "--remove 'plan'" in gone.err
    assert json.loads(run("integrations", "tag", first, "--json").out)["tags"] == {"customer": "4711"}


def test_shop_settings_override_one_shop_and_bad_input_names_the_field(
    run: Any, connected: str, emulator: TikTokShopEmulator, tmp_path: Path
) -> None:
    de = next(s for s in emulator.shops if s["region"] == "DE")

    set_ = run("integrations", "shop-settings", connected, de["name"], "stock_sync=false", "--json")

    assert set_.code == 0, set_.err
    assert json.loads(set_.out) == {
        "id": connected,
        "shop": de["id"],
        "settings": {"stock_sync": False},
        "pull_interval": None,
    }
    shop = next(s for s in _integrations(tmp_path).open(connected).shops() if s.id == de["id"])
    assert shop.settings == {"stock_sync": False}
    assert "stock_sync=false" in run("integrations", "shop-settings", connected, de["id"]).out

    unknown = run("integrations", "shop-settings", connected, de["id"], "colour=red")
    assert unknown.code == 1 and "'colour'" in unknown.err
    wrong_type = run("integrations", "shop-settings", connected, de["id"], "stock_sync=maybe")
    assert wrong_type.code == 1 and "stock_sync" in wrong_type.err
    no_shop = run("integrations", "shop-settings", connected, "Atlantis", "stock_sync=true")
    assert no_shop.code == 1 and "'Atlantis'" in no_shop.err
    for result in (unknown, wrong_type, no_shop):
        assert len(result.err.strip().splitlines()) == 1

    cleared = run("integrations", "shop-settings", connected, de["id"], "--remove", "stock_sync")
    assert "unchanged" in cleared.out


def test_integrations_add_with_app_shares_the_app_and_follows_its_rotation(
    run: Any, creds_file: Path, tmp_path: Path
) -> None:
    app_id = _add_app(run, creds_file)
    added = run("integrations", "add", "tiktok_shop", "--app", app_id, "--name", "Seller A", "--json")
    assert added.code == 0, added.err
    connection = json.loads(added.out)["id"]
    assert json.loads(run("apps", "list", "--json").out)["apps"][0]["connections"] == 1
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"app_secret": NEW_SECRET}))
    assert run("apps", "update", app_id, "--file", str(new)).code == 0
    assert (
        _integrations(tmp_path).store.get_integration(connection).credentials.secret("app_secret")
        == NEW_SECRET
    )

    unknown = run("integrations", "add", "tiktok_shop", "--app", "app-nope")
    assert unknown.code == 1 and "'app-nope'" in unknown.err
    both = run("integrations", "add", "tiktok_shop", "--app", app_id, "--file", str(creds_file))
    assert both.code == 1 and "not both" in both.err
