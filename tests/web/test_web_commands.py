"""`channel-connectors connect-link` and `channel-connectors serve`, as an operator runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from connector_core import ConnectorHost, Integrations
from connector_core.cli import main
from connector_core.store import SQLiteStore
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator


@pytest.fixture
def home_with_integration(tmp_path: Path, emulator: TikTokShopEmulator) -> tuple[Path, str]:
    home = tmp_path / "home"
    store = SQLiteStore(home / "store.sqlite3")
    record = Integrations(ConnectorHost().load(), store).create("tiktok_shop", emulator_form(emulator))
    store.close()
    return home, record.id


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def test_connect_link_prints_a_url_and_can_renew_it(home_with_integration: Any, capsys: Any) -> None:
    home, integration_id = home_with_integration
    code, url, _ = _run(
        capsys,
        "connect-link",
        integration_id,
        "--home",
        str(home),
        "--base-url",
        "https://connect.example.com/",
    )
    assert code == 0
    assert url.startswith("https://connect.example.com/connect/")
    code, out, _ = _run(
        capsys, "connect-link", integration_id, "--home", str(home), "--extend", url, "--days", "60"
    )
    assert code == 0 and "renewed: valid until" in out
    assert url.rsplit("/", 1)[-1] not in out
    code, renew, _ = _run(capsys, "connect-link", integration_id, "--home", str(home), "--renew")
    assert code == 0 and "/connect/" in renew


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["connect-link", "no-such-integration"], "no integration 'no-such-integration'"),
        (["connect-link", "{id}", "--days", "0"], "days"),
        (["connect-link", "{id}", "--base-url", "ftp://x"], "base_url"),
        (["connect-link", "{id}", "--extend", "https://x/connect/unknown-token-0000000"], "unknown"),
        (["serve", "--admin", "--port", "8123"], "CHANNEL_CONNECTORS_ADMIN_TOKEN"),
    ],
)
def test_bad_invocations_fail_with_one_clear_line(
    home_with_integration: Any, capsys: Any, monkeypatch: Any, argv: list[str], says: str
) -> None:
    home, integration_id = home_with_integration
    for name in (
        "CHANNEL_CONNECTORS_ADMIN_TOKEN",
        "CHANNEL_CONNECTORS_ADMIN_USER",
        "CHANNEL_CONNECTORS_ADMIN_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    code, _, err = _run(capsys, *[a.replace("{id}", integration_id) for a in argv], "--home", str(home))
    assert code == 1
    assert len(err.splitlines()) == 1 and says in err and "Traceback" not in err


def test_a_port_out_of_range_is_a_usage_error(capsys: Any) -> None:
    code, _, err = _run(capsys, "serve", "--port", "70000")
    assert code == 2
    assert len(err.splitlines()) == 1 and "--port" in err and "out of range" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_healthz_and_keeps_codes_out_of_its_output(
    home_with_integration: Any, tmp_path: Path
) -> None:
    home, _ = home_with_integration
    port = _free_port()
    env = {**os.environ, "CHANNEL_CONNECTORS_ADMIN_TOKEN": "serve-test-admin-token-000"}
    command = [
        sys.executable,
        "-m",
        "connector_core.cli",
        "serve",
        "--port",
        str(port),
        "--home",
        str(home),
        "--admin",
    ]
    out_path = tmp_path / "serve.log"
    with out_path.open("wb") as log_file:
        server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, out_path.read_text()
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.2)
        assert health.status_code == 200 and "tiktok_shop" in health.json()["connectors"]
        secret_code = "SECRET-AUTH-CODE-1234567890"
        callback = requests.get(
            f"{base}/tiktok/auth/callback", params={"code": secret_code, "state": "x" * 40}, timeout=5
        )
        assert callback.status_code == 400
        assert requests.get(
            f"{base}/admin", headers={"Authorization": "Bearer serve-test-admin-token-000"}, timeout=5
        ).ok
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    output = out_path.read_text()
    assert f"serving on http://127.0.0.1:{port}" in output
    assert secret_code not in output
