"""Fixtures for command-line tests: an emulator, a store home, and a helper that runs the CLI in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connector_core.cli import main
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def emulator() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=400, seed=11)) as emu:
        yield emu


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """`run("integrations", "list")` -> Result; every call uses the same store home in tmp_path."""

    (tmp_path / "home").mkdir()

    def invoke(*argv: str) -> Result:
        command = [argv[0], *argv[1:]]
        if argv[0] in {"integrations", "webhook"}:
            command = [argv[0], argv[1], "--home", str(tmp_path / "home"), *argv[2:]]
        elif argv[0] not in {"list", "schema", "validate", "demo", "emulator"}:
            command = [argv[0], "--home", str(tmp_path / "home"), *argv[1:]]
        code = main(command)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def creds_file(tmp_path: Path, emulator: TikTokShopEmulator) -> Path:
    path = tmp_path / "creds.json"
    path.write_text(json.dumps(emulator_form(emulator)))
    return path


@pytest.fixture
def connected(run: Any, creds_file: Path, emulator: TikTokShopEmulator, tmp_path: Path) -> str:
    """An integration added through the CLI and connected with an auth code; the GB shop selected."""
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"stock_sync": True, "import_unpaid_orders": True}))
    added = run("integrations", "add", "tiktok_shop", "--file", str(creds_file), "--settings", str(settings))
    assert added.code == 0, added.err
    integration_id = added.out.split()[2]
    assert run("connect", integration_id, "--code", emulator.authorize()).code == 0
    from connector_core import ConnectorHost, Integrations, SQLiteStore

    store = SQLiteStore(tmp_path / "home" / "store.sqlite3")
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    Integrations(ConnectorHost().load(), store).open(integration_id).select_account(gb["id"])
    return integration_id
