"""`status` tells the last call's truth, and `check` proves the connection with one cheap call: after the
emulator restarts (TikTok forgets every token, as when a seller revokes the app) neither says "connected"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

CONFIG = EmulatorConfig(orders=10, seed=4)


@pytest.fixture
def world(run: Any, tmp_path: Path) -> Iterator[tuple[str, TikTokShopEmulator]]:
    with TikTokShopEmulator(CONFIG) as emu:
        creds = tmp_path / "creds.json"
        creds.write_text(json.dumps(emulator_form(emu)))
        integration_id = run("integrations", "add", "tiktok_shop", "--file", str(creds)).out.split()[2]
        assert run("connect", integration_id, "--code", emu.authorize()).code == 0
        gb = next(s for s in emu.shops if s["region"] == "GB")
        assert run("integrations", "update", integration_id, "--shop", gb["id"]).code == 0
        yield integration_id, emu


def _restart(emu: TikTokShopEmulator) -> TikTokShopEmulator:
    """A fresh emulator on the same ports: it knows none of the tokens the store holds."""
    api, auth = urlsplit(emu.api_base_url).port, urlsplit(emu.auth_base_url).port
    emu.stop()
    return TikTokShopEmulator(CONFIG, port=api, auth_port=auth)


def test_check_proves_a_working_connection(run: Any, world: tuple[str, TikTokShopEmulator]) -> None:
    integration_id, _ = world

    result = run("check", integration_id)
    as_json = json.loads(run("check", integration_id, "--json").out)

    assert result.code == 0 and result.out.startswith("ok:")
    assert as_json["ok"] is True and {s["region"] for s in as_json["shops"]} == {"US", "GB", "DE"}
    assert json.loads(run("status", integration_id, "--json").out)["connected"] is True


def test_after_the_emulator_restarts_check_and_status_say_reconnect(
    run: Any, world: tuple[str, TikTokShopEmulator]
) -> None:
    integration_id, emu = world
    with _restart(emu):
        checked = run("check", integration_id)
        status = json.loads(run("status", integration_id, "--json").out)
        listed = run("integrations", "list").out

    assert checked.code == 1
    assert "FAILING" in checked.out and f"channel-connectors connect {integration_id}" in checked.out
    assert status["connected"] is False and status["state"] == "needs_reauthorization"
    assert "needs re-authorization" in listed


def test_a_failed_pull_makes_status_say_failing_with_what_to_run(
    run: Any, world: tuple[str, TikTokShopEmulator]
) -> None:
    integration_id, emu = world
    emu.stop()  # the channel cannot be reached at all

    assert run("pull-orders", integration_id).code == 1
    text = run("status", integration_id).out
    document = json.loads(run("status", integration_id, "--json").out)

    assert "connected          no: the last call (pull_orders" in text
    assert f"channel-connectors check {integration_id}" in text
    assert document["connected"] is False and document["state"] == "failing"
