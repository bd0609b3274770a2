"""The documented path works in the browser too: `serve` listens where the emulator's default consent
redirect points, a connect link goes all the way to "connected", `connect` hands over to a running `serve`,
and Ctrl-C stops `serve` and `emulator` with exit 130."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from test_connect_callback import CALLBACK, Connecting, add_integration, connected, free_port

from connector_core.cli import connect as connect_command
from connector_core.cli import serving
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator
from tiktok_shop_emulator import cli as emulator_cli

pytest.importorskip("uvicorn")

CONSOLE_SCRIPT = str(Path(sys.executable).with_name("channel-connectors"))


def test_serve_listens_where_the_emulator_sends_the_seller_and_clashes_with_no_emulator_port() -> None:
    redirect = urlsplit(emulator_cli.DEFAULT_REDIRECT_URI)

    assert redirect.port == serving.SERVE_PORT == connect_command.DEFAULT_PORT
    assert redirect.path == CALLBACK
    assert serving.SERVE_PORT not in (emulator_cli.DEFAULT_PORT, emulator_cli.DEFAULT_PORT + 1)


def _wait_for_line(process: subprocess.Popen[str], pattern: str, within: float = 30.0) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if re.search(pattern, line):
            return line
        if not line and process.poll() is not None:
            break
    raise AssertionError(
        f"no line matching {pattern!r}; stderr: {process.stderr.read() if process.stderr else ''}"
    )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    (tmp_path / "home").mkdir(exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [CONSOLE_SCRIPT, "serve", "--port", str(port), "--home", str(tmp_path / "home")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        _wait_for_line(process, "serving on")
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_a_connect_link_through_serve_ends_connected(run, tmp_path, serve) -> None:
    _process, port = serve
    with TikTokShopEmulator(
        EmulatorConfig(orders=5, seed=3, auto_approve=True, redirect_uri=f"http://127.0.0.1:{port}{CALLBACK}")
    ) as emu:
        integration_id = add_integration(run, tmp_path, emu, "web")
        link = run("connect-link", integration_id, "--base-url", f"http://127.0.0.1:{port}")
        assert link.code == 0, link.err

        page = requests.get(link.out.strip(), timeout=20)  # link -> consent -> back to serve's callback

    assert page.status_code == 200, page.text
    assert connected(tmp_path, integration_id)


def test_connect_hands_over_to_a_running_serve(run, tmp_path, serve, capsys) -> None:
    _process, port = serve
    with TikTokShopEmulator(
        EmulatorConfig(orders=5, seed=3, auto_approve=True, redirect_uri=f"http://127.0.0.1:{port}{CALLBACK}")
    ) as emu:
        integration_id = add_integration(run, tmp_path, emu, "handover")
        connecting = Connecting(run, integration_id, port, timeout=20)
        url = connecting.consent_url(capsys)
        requests.get(url, timeout=20)  # the seller approves; serve receives the redirect
        result = connecting.finish()

    assert result.code == 0, result.err
    assert connected(tmp_path, integration_id)


def test_ctrl_c_stops_serve_with_exit_130(serve) -> None:
    process, _port = serve
    process.send_signal(signal.SIGINT)
    assert process.wait(20) == 130


def test_ctrl_c_stops_the_emulator_with_exit_130() -> None:
    process = subprocess.Popen(
        [CONSOLE_SCRIPT, "emulator", "--port", "0", "--orders", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_line(process, "Press Ctrl-C")
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_connect_link_prints_json(run, tmp_path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=5, seed=3)) as emu:
        integration_id = add_integration(run, tmp_path, emu, "json")
    result = run("connect-link", integration_id, "--days", "3", "--json")

    document = json.loads(result.out)
    assert result.code == 0 and document["integration"] == integration_id
    assert document["url"].startswith("http://127.0.0.1:8765/connect/") and document["days"] == 3


def test_serve_admin_as_the_readme_starts_it_keeps_pulled_orders_in_the_home(tmp_path) -> None:
    home = tmp_path / "admin-home"
    home.mkdir()
    process = subprocess.Popen(
        [CONSOLE_SCRIPT, "serve", "--admin", "--port", str(free_port()), "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "CHANNEL_CONNECTORS_ADMIN_TOKEN": "t" * 32},
    )
    try:
        line = _wait_for_line(process, "imported orders")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)

    assert f"{home / 'orders'}/INTEGRATION_ID.jsonl" in line
    assert (home / "orders").is_dir()  # Pull now has somewhere to put the orders: the button works


def test_the_emulator_as_the_readme_starts_it_points_to_the_browser_path_too() -> None:
    import io

    from connectors.tiktok_shop.devtools.commands import print_connect_steps

    config = EmulatorConfig(orders=5, seed=3, redirect_uri=emulator_cli.DEFAULT_REDIRECT_URI)
    with TikTokShopEmulator(config) as emu:
        printed = io.StringIO()
        print_connect_steps(emu, printed)

    assert "channel-connectors serve --admin" in printed.getvalue()
    assert f"http://127.0.0.1:{serving.SERVE_PORT}/admin" in printed.getvalue()
