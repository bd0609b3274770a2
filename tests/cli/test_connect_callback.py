"""`channel-connectors connect` waits for the callback with its own state: a forged request or another
integration's state is turned away, and only the real redirect connects."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests

from connector_core import ConnectorHost, Integrations, SQLiteStore
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

CALLBACK = "/tiktok/auth/callback"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_integration(run: Any, tmp_path: Path, emu: TikTokShopEmulator, name: str) -> str:
    creds = tmp_path / f"{name}.json"
    creds.write_text(json.dumps(emulator_form(emu)))
    added = run("integrations", "add", "tiktok_shop", "--file", str(creds), "--name", name)
    assert added.code == 0, added.err
    return str(added.out.split()[2])


def connected(tmp_path: Path, integration_id: str) -> bool:
    store = SQLiteStore(tmp_path / "home" / "store.sqlite3")
    try:
        return Integrations(ConnectorHost().load(), store).open(integration_id).status().connected
    finally:
        store.close()


class Connecting:
    """`connect ID` running in a thread, as an operator's terminal would."""

    def __init__(self, run: Any, integration_id: str, port: int, timeout: float) -> None:
        self.result: Any = None
        self.thread = threading.Thread(
            target=lambda: setattr(
                self, "result", run("connect", integration_id, "--port", str(port), "--timeout", str(timeout))
            ),
            daemon=True,
        )
        self.thread.start()

    def consent_url(self, capsys: pytest.CaptureFixture[str], within: float = 10.0) -> str:
        printed = ""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            printed += capsys.readouterr().out
            found = re.search(r"(http://127\.0\.0\.1:\d+/open/authorize\?\S+)", printed)
            if found:
                return found.group(1)
            time.sleep(0.02)
        raise AssertionError(f"connect printed no consent URL: {printed!r}")

    def finish(self, within: float = 30.0) -> Any:
        self.thread.join(within)
        assert not self.thread.is_alive()
        return self.result


def test_a_forged_callback_first_then_the_real_redirect_connects(run, tmp_path, capsys):
    port = free_port()
    redirect = f"http://127.0.0.1:{port}{CALLBACK}"
    with TikTokShopEmulator(
        EmulatorConfig(orders=5, seed=3, auto_approve=True, redirect_uri=redirect)
    ) as emu:
        integration_id = add_integration(run, tmp_path, emu, "shop-b")
        connecting = Connecting(run, integration_id, port, timeout=20)
        url = connecting.consent_url(capsys)

        with pytest.raises(urllib.error.HTTPError) as forged:
            urllib.request.urlopen(f"{redirect}?code=forged-code")  # noqa: S310
        assert forged.value.code == 400

        requests.get(url, timeout=10)  # the seller approves: TikTok redirects with the code and our state
        result = connecting.finish()

    assert result.code == 0, result.err
    assert connected(tmp_path, integration_id)


def test_the_state_of_integration_a_delivered_to_connect_b_is_refused(run, tmp_path, capsys):
    port = free_port()
    redirect = f"http://127.0.0.1:{port}{CALLBACK}"
    with TikTokShopEmulator(
        EmulatorConfig(orders=5, seed=3, auto_approve=True, redirect_uri=redirect)
    ) as emu:
        a_id = add_integration(run, tmp_path, emu, "shop-a")
        b_id = add_integration(run, tmp_path, emu, "shop-b")
        store = SQLiteStore(tmp_path / "home" / "store.sqlite3")
        a_url = Integrations(ConnectorHost().load(), store).open(a_id).begin_connect(redirect)
        store.close()
        connecting = Connecting(run, b_id, port, timeout=2)
        connecting.consent_url(capsys)

        answer = requests.get(a_url, timeout=10)  # A's consent, redirected to the terminal waiting for B
        assert answer.status_code == 400 and "not the one this terminal is waiting for" in answer.text
        result = connecting.finish()

    assert result.code != 0
    assert "turned away" in result.err and "Traceback" not in result.err
    assert not connected(tmp_path, b_id)
    assert not connected(tmp_path, a_id)
