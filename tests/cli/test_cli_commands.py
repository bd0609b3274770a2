"""The dead ends of issue 13, walked as a newcomer would: choosing the shop, editing an integration, the
emulator and `connect` meeting, every wait saying how to get out; plus the conventions (--json shapes,
--version, --debug anywhere, help with examples)."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from connector_core import ConnectorHost, Integrations, SQLiteStore
from connector_core.cli import build_parser, main
from connectors.tiktok_shop.devtools.commands import connect_command
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

CONSOLE_SCRIPT = str(Path(sys.executable).with_name("channel-connectors"))


def _integrations(tmp_path: Path) -> Integrations:
    return Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "home" / "store.sqlite3"))


# --- choosing the shop ------------------------------------------------------------------------------------


def test_every_authorized_shop_is_served_without_picking_one(run, creds_file, emulator):
    added = run("integrations", "add", "tiktok_shop", "--file", str(creds_file))
    integration = added.out.split()[2]
    connected = run("connect", integration, "--code", emulator.authorize())
    assert "every active shop is served" in connected.out
    assert all(shop["id"] in connected.out for shop in emulator.shops)

    pulled = run("pull-orders", integration, "--json")

    assert pulled.code == 0, pulled.err
    shown = json.loads(run("integrations", "show", integration).out)
    assert {s["id"] for s in shown["shops"]} == {shop["id"] for shop in emulator.shops}
    assert {s["status"] for s in shown["shops"]} == {"active"}


@pytest.mark.parametrize("how", ["id", "name", "cipher"])
def test_update_picks_the_shop_by_id_name_or_cipher(run, connected, emulator, how):
    us = next(s for s in emulator.shops if s["region"] == "US")

    updated = run("integrations", "update", connected, "--shop", us[how], "--json")

    assert updated.code == 0, updated.err
    assert json.loads(updated.out)["selected_account"] == us["id"]
    assert f"{us['name']} {us['id']}" in run("status", connected).out


def test_the_form_shop_field_takes_a_shop_id_as_well_as_a_cipher(run, creds_file, emulator, tmp_path):
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    form = json.loads(creds_file.read_text())
    creds_file.write_text(json.dumps({**form, "shop_cipher": gb["id"]}))
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"import_unpaid_orders": True}))
    integration = run(
        "integrations", "add", "tiktok_shop", "--file", str(creds_file), "--settings", str(settings)
    )
    integration_id = integration.out.split()[2]
    assert run("connect", integration_id, "--code", emulator.authorize()).code == 0

    out = tmp_path / "orders.jsonl"
    pulled = run("pull-orders", integration_id, "--since", "2000-01-01", "--output", str(out))

    assert pulled.code == 0, pulled.err
    ids = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    assert ids == set(emulator.order_ids(shop_cipher=gb["cipher"]))


def test_update_merges_credentials_a_redacted_secret_keeps_the_stored_one(run, connected, emulator, tmp_path):
    edit = tmp_path / "edit.json"
    edit.write_text(json.dumps({"app_secret": "********", "service_id": "", "region": "non_us"}))
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"stock_sync": False}))

    assert (
        run("integrations", "update", connected, "--file", str(edit), "--settings", str(settings)).code == 0
    )

    shown = json.loads(run("integrations", "show", connected).out)
    assert shown["secrets_set"]["app_secret"] is True
    assert shown["settings"]["stock_sync"] is False and shown["settings"]["import_unpaid_orders"] is True
    record = _integrations(tmp_path).store.get_integration(connected)
    assert record.credentials.secret("app_secret") == emulator.credentials["app_secret"]
    assert "app_key" in shown["credentials"]


def test_remove_asks_and_keeps_on_no(run, connected, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")

    kept = run("integrations", "remove", connected)

    assert kept.code == 1 and "nothing deleted" in kept.out
    assert run("integrations", "show", connected).code == 0


# --- connect and the emulator ----------------------------------------------------------------------------


def test_the_emulator_command_prints_the_connect_line_that_meets_it():
    assert connect_command("http://127.0.0.1:8765/tiktok/auth/callback") == "channel-connectors connect ID"
    assert connect_command("http://127.0.0.1:9000/tiktok/auth/callback").endswith("--port 9000")
    assert "--code CODE" in connect_command(None)
    assert "--code CODE" in connect_command("https://host.example/cb")


def test_connect_through_the_callback_as_the_readme_says(tmp_path, creds_file):
    """The emulator redirects to connect's callback: the printed URL, approved, finishes connect."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = EmulatorConfig(orders=20, seed=2, redirect_uri=f"http://127.0.0.1:{port}/tiktok/auth/callback")
    with TikTokShopEmulator(config) as emu:
        from connectors.tiktok_shop.devtools import emulator_form

        creds_file.write_text(json.dumps(emulator_form(emu)))
        home = tmp_path / "home"
        assert (
            main(["integrations", "add", "tiktok_shop", "--file", str(creds_file), "--home", str(home)]) == 0
        )
        integration = _integrations(tmp_path).list()[0].id
        env = {**os.environ, "NO_COLOR": "1"}
        process = subprocess.Popen(
            [
                CONSOLE_SCRIPT,
                "connect",
                integration,
                "--port",
                str(port),
                "--home",
                str(home),
                "--timeout",
                "60",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(3)]
            assert "Ctrl-C" in lines[2] and f"connect {integration} --code CODE" in lines[2]
            url = lines[1].strip()
            # The seller approves: the consent form posts, the emulator redirects to the callback.
            consent = urllib.request.Request(  # noqa: S310 - loopback emulator
                url.split("?")[0],
                data=url.split("?", 1)[1].encode(),
                method="POST",
            )
            with urllib.request.urlopen(consent, timeout=30) as page:  # noqa: S310
                assert b"Connected" in page.read()
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0, err
        assert "3 shop(s) authorized" in out
        assert "every active shop is served" in out


def test_a_connect_that_times_out_names_the_code_option(run, creds_file, monkeypatch):
    integration = run("integrations", "add", "tiktok_shop", "--file", str(creds_file)).out.split()[2]

    started = time.monotonic()
    result = run("connect", integration, "--port", "0", "--timeout", "0.5")

    assert time.monotonic() - started < 30
    assert result.code == 1
    assert f"channel-connectors connect {integration} --code CODE" in result.err
    assert len(result.err.splitlines()) == 1


# --- pull-orders ------------------------------------------------------------------------------------------


def test_the_summary_and_the_bar_count_the_same_orders(run, creds_file, emulator, tmp_path):
    integration = run("integrations", "add", "tiktok_shop", "--file", str(creds_file)).out.split()[2]
    run("connect", integration, "--code", emulator.authorize())
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    run("integrations", "update", integration, "--shop", gb["id"])
    out = tmp_path / "orders.jsonl"

    first = run("pull-orders", integration, "--since", "2000-01-01", "--output", str(out), "--json")
    again = run("pull-orders", integration, "--since", "2000-01-01", "--output", str(out), "--json")

    summary = json.loads(first.out)
    unpaid = len(emulator.order_ids(shop_cipher=gb["cipher"], status="UNPAID"))
    everything = len(emulator.order_ids(shop_cipher=gb["cipher"]))
    assert unpaid > 0
    assert summary["imported"] == everything - unpaid
    assert summary["left_out"] == {"unpaid (settings: import_unpaid_orders is off)": unpaid}
    assert summary["imported"] + sum(summary["left_out"].values()) == everything
    assert summary["window"]["since"].startswith("2000-01-01")
    assert len(out.read_text().splitlines()) == everything - unpaid
    second = json.loads(again.out)
    assert second["written"] == 0 and second["already_in_file"] == everything - unpaid


# --- conventions ------------------------------------------------------------------------------------------


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"channel-connectors \d+\.\d+\.\d+\n", capsys.readouterr().out)


def test_debug_is_accepted_after_the_command(capsys):
    with pytest.raises(Exception, match="nope"):
        main(["schema", "nope", "--debug"])


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if sub.get_default("passthrough") is None:
                    yield from _commands(sub, (*path, name))
            return
    yield path, parser


def test_every_command_has_examples_and_a_sentence_per_argument():
    commands = list(_commands(build_parser()))
    assert len(commands) >= 14
    for path, parser in commands:
        assert parser.epilog and "examples:" in parser.epilog, path
        assert f"channel-connectors {' '.join(path)}" in parser.epilog, path
        for action in parser._actions:
            if action.dest not in {"help"}:
                assert action.help and len(action.help) > 8, (path, action.dest)


@pytest.mark.parametrize(
    ("argv", "keys"),
    [
        (["list", "--json"], {"connectors", "failures"}),
        (["integrations", "list", "--json"], {"integrations"}),
        (["status", "{id}", "--json"], {"integration", "shop", "connected", "access_token_expires_at",
                                         "reauthorize_by", "needs_reauthorization", "last_order_sync"}),
        (["integrations", "show", "{id}"], {"id", "connector", "credentials", "settings", "accounts"}),
    ],
)  # fmt: skip
def test_json_shapes_are_stable(run, connected, argv, keys):
    result = run(*[a.format(id=connected) for a in argv])

    assert result.code == 0, result.err
    assert keys <= set(json.loads(result.out))


def test_stock_and_shipment_reports_as_json(run, connected, emulator, tmp_path):
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    sku = emulator.seller_skus(shop_cipher=gb["cipher"])[0]
    stock = tmp_path / "stock.csv"
    stock.write_text(f"sku,quantity\n{sku},4\n")

    pushed = json.loads(run("push-stock", connected, str(stock), "--json").out)

    assert pushed["ok"] is True and pushed["counts"]["updated"] == 1
    assert pushed["results"][0]["sku"] == sku
    order = emulator.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb["cipher"], shipping_type="SELLER")[
        0
    ]
    shipped = run(
        "confirm-shipment", connected, "--order", order, "--tracking", "T1", "--carrier", "Nope", "--json"
    )
    report = json.loads(shipped.out)
    assert shipped.code == 1 and report["ok"] is False and report["parcels"][0]["outcome"] == "rejected"


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from connector_core.cli.output import decorations_on, style

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert decorations_on(Tty())
    assert "\033[" in style("x", "red", Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not decorations_on(Tty()) and style("x", "red", Tty()) == "x"
    monkeypatch.delenv("NO_COLOR")
    assert style("x", "red", open(os.devnull, "w")) == "x"  # noqa: SIM115


def test_the_bar_draws_only_on_a_terminal_and_counts_to_its_total(monkeypatch):
    from connector_core.cli.output import ProgressBar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    screen = Tty()
    bar = ProgressBar("orders", stream=screen)
    bar.advance(3, total=10)
    bar.advance(7)
    bar.finish()
    assert "orders [" in screen.getvalue() and screen.getvalue().rstrip().split("\r")[-1].count("10/10") == 1

    piped = io.StringIO()
    quiet = ProgressBar("orders", stream=piped)
    quiet.advance(5, total=5)
    quiet.finish()
    assert piped.getvalue() == ""
