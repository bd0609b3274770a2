"""The CLI, the web app and the workers load the host's plugins the same way (`load_host`), so one order
gets one answer whichever process reads it: here a host plugin holds orders awaiting shipment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from connector_core import ConnectorHost, Integrations
from connector_core.cli import main
from connector_core.host_plugins import HOST_PLUGINS_ENV, load_host
from connector_core.store import DATABASE_URL_ENV, open_store
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

PLUGIN = "hold_host_plugin"
ADMIN_TOKEN = "admin-token-for-tests-0123456789"


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=30, seed=5)) as emulator:
        yield emulator


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store every process here opens through the environment, as a deployment names it."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite://{folder / 'store.sqlite3'}")
    monkeypatch.delenv(HOST_PLUGINS_ENV, raising=False)
    return folder


@pytest.fixture
def connected(emu: TikTokShopEmulator, home: Path) -> str:
    """A connected integration with the GB shop selected (made without any host plugin)."""
    integrations = Integrations(ConnectorHost().load(), open_store())
    since = datetime.fromtimestamp(emu.clock.start - emu.config.history_seconds, tz=timezone.utc)
    settings = {
        "import_unpaid_orders": True,
        "import_orders_since": (since - timedelta(days=1)).date().isoformat(),
    }
    record = integrations.create("tiktok_shop", emulator_form(emu), settings)
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    account = next(a for a in integration.store.list_accounts(record.id) if a.selector == cipher)
    integration.select_account(account.id)
    integrations.store.close()
    return record.id


def awaiting(emu: TikTokShopEmulator) -> str:
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    return next(o for o in emu.order_ids(shop_cipher=cipher) if emu.order(o)["status"] == "AWAITING_SHIPMENT")


def test_the_cli_applies_the_hosts_rule(
    connected: str, emu: TikTokShopEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    out = tmp_path / "orders.jsonl"

    assert main(["pull-orders", connected, "--output", str(out)]) == 0

    statuses = {json.loads(line)["id"]: json.loads(line)["status"] for line in out.read_text().splitlines()}
    assert statuses[awaiting(emu)] == "on_hold"


def test_the_web_app_applies_the_hosts_rule(
    connected: str, emu: TikTokShopEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from connector_core.web import AdminConfig, create_app

    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    app = create_app(admin=AdminConfig(token=ADMIN_TOKEN))  # the factory opens what the environment names
    client = TestClient(app, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

    answer = client.get(f"/api/v1/connections/{connected}/orders", params={"order_id": awaiting(emu)})

    assert answer.status_code == 200, answer.text
    assert answer.json()["items"][0]["status"] == "on_hold"


def test_a_worker_applies_the_hosts_rule(
    connected: str, emu: TikTokShopEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("celery")
    from connector_core.worker import WorkerSettings, build_runtime

    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    runtime = build_runtime(WorkerSettings.from_environ())
    try:
        [order] = runtime.integrations.open(connected).get_orders([awaiting(emu)]).orders
    finally:
        runtime.close()

    assert order.status.value == "on_hold"


def test_without_the_plugin_the_connectors_own_mapping_answers(
    connected: str, emu: TikTokShopEmulator
) -> None:
    integrations = Integrations(load_host(), open_store())
    [order] = integrations.open(connected).get_orders([awaiting(emu)]).orders
    integrations.store.close()

    assert order.status.value == "awaiting_shipment"


def test_a_plugin_that_cannot_load_stops_the_cli_in_one_line_naming_it(
    connected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(HOST_PLUGINS_ENV, "no_such_host_module_here")

    assert main(["pull-orders", connected]) == 1

    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no_such_host_module_here" in err and HOST_PLUGINS_ENV in err


def test_a_plugin_that_cannot_load_stops_the_web_app_naming_it(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("starlette")
    from connector_core.host_plugins import HostPluginError
    from connector_core.web import create_app

    monkeypatch.setenv(HOST_PLUGINS_ENV, "no_such_host_module_here")

    with pytest.raises(HostPluginError, match="no_such_host_module_here"):
        create_app()


def test_a_cli_pull_hands_the_orders_to_the_hosts_receiver_once_as_a_worker_would(
    connected: str, emu: TikTokShopEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator's pull moves the same import cursor the workers use: the orders it reads must reach the
    host's `order_pages_ready` too, or the host would never see them."""
    from hold_host_plugin import RECEIVED_ENV

    received = tmp_path / "received.jsonl"
    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    monkeypatch.setenv(RECEIVED_ENV, str(received))

    assert main(["pull-orders", connected, "--output", str(tmp_path / "a.jsonl")]) == 0
    assert (
        main(["pull-orders", connected, "--since", "2000-01-01", "--output", str(tmp_path / "b.jsonl")]) == 0
    )

    versions = [tuple(json.loads(line)[:2]) for line in received.read_text().splitlines()]
    written = {json.loads(line)["id"] for line in (tmp_path / "a.jsonl").read_text().splitlines()}
    assert versions and {order_id for order_id, _ in versions} == written
    assert len(versions) == len(set(versions))  # the backfill read them again: handed over once


def test_pull_now_in_the_web_app_hands_the_orders_to_the_hosts_receiver(
    connected: str, emu: TikTokShopEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an order handler of its own, the web app's Pull now goes where a worker's import goes: the
    host plugin's `order_pages_ready` (it was refused as having nowhere to put the orders)."""
    pytest.importorskip("starlette")
    import time

    from hold_host_plugin import RECEIVED_ENV
    from starlette.testclient import TestClient

    from connector_core.web import AdminConfig, create_app

    received = tmp_path / "received.jsonl"
    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    monkeypatch.setenv(RECEIVED_ENV, str(received))
    app = create_app(admin=AdminConfig(token=ADMIN_TOKEN))
    client = TestClient(app, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

    answer = client.post(f"/api/v1/connections/{connected}/pulls")

    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (received.exists() and received.read_text()):
        time.sleep(0.1)
    app.state.sink.close()
    versions = [tuple(json.loads(line)[:2]) for line in received.read_text().splitlines()]
    assert awaiting(emu) in {order_id for order_id, _ in versions}


def test_serve_sends_orders_to_the_hosts_receiver_unless_told_a_folder(
    connected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from connector_core.cli.serving import host_receives_orders

    plain = Integrations(load_host(), open_store())
    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    hosted = Integrations(load_host(), open_store())

    assert host_receives_orders(argparse.Namespace(orders_to=None), hosted)
    assert not host_receives_orders(argparse.Namespace(orders_to="/tmp/orders"), hosted)
    assert not host_receives_orders(argparse.Namespace(orders_to=None), plain)
    plain.store.close()
    hosted.store.close()


def test_list_names_the_host_plugins_every_command_loads_and_one_that_cannot_load(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(HOST_PLUGINS_ENV, PLUGIN)
    assert main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["host_plugins"] == {"loaded": [PLUGIN], "error": None}

    monkeypatch.setenv(HOST_PLUGINS_ENV, "no_such_host_module_here")
    assert main(["list"]) == 0  # the diagnostic command still lists the connectors
    out = capsys.readouterr().out
    assert "tiktok_shop" in out and "host plugins: FAILED" in out and "no_such_host_module_here" in out
