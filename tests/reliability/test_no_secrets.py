"""A full run at DEBUG log level leaks no secret: not in the logs, not in any exception's text, not in the
raw database file (and its write-ahead log). Secrets: the app secret, every auth code, access token and
refresh token the emulator issued, and every request signature (`sign`, 64 hex digits)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from reliability_support import credentials, first_order_day, shop_cipher

from connector_core import (
    ConnectorError,
    ConnectorHost,
    HttpClient,
    Integration,
    Integrations,
    Shipment,
    ShipmentParcel,
    SQLiteStore,
    StockLevel,
)
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator, webhook_signature
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET

HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")
WRONG_SECRET = "wrong-secret-" + "7" * 24
FORM_SECRET = "typed-by-mistake-" + "9" * 20


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, through a plain handler: no SecretFilter of the host's own. What the
    libraries hand to any handler must already be clean."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


class Run:
    """The secrets a run produced, the exception texts it saw, and the integration it drives."""

    def __init__(self, emu: TikTokShopEmulator, store: SQLiteStore) -> None:
        host = ConnectorHost().load()
        # The HTTP client the host would build, plus a hook that collects the tokens as they are issued.
        http = HttpClient("TikTok Shop", secret_parameters=host.get("tiktok_shop").manifest.secret_parameters)
        http.session.hooks["response"].append(self._tokens)
        self.emu = emu
        self.integrations = Integrations(host, store, http_clients={"tiktok_shop": http})
        self.secrets: set[str] = {emu.config.app_secret, WRONG_SECRET, FORM_SECRET}
        self.errors: list[str] = []

    def _tokens(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Every token the token host hands out, straight off the wire."""
        if "/api/v2/token/" in response.url and response.ok:
            data = response.json().get("data") or {}
            self.secrets.update(str(data[k]) for k in ("access_token", "refresh_token") if data.get(k))

    def code(self) -> str:
        code = self.emu.authorize()
        self.secrets.add(code)
        return code

    def expect_error(self, action: Callable[[], object]) -> None:
        try:
            action()
        except ConnectorError as exc:
            self.errors.append(f"{exc!s}\n{exc!r}\n{''.join(traceback.format_exception(exc))}")
        else:
            raise AssertionError(f"{action} should have failed")


def leaks(text: str, secrets: set[str]) -> list[str]:
    found = [f"secret {s[:6]}..." for s in secrets if s in text]
    return found + [f"64-hex value {m[:8]}..." for m in HEX64.findall(text)]


def database_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("*.sqlite3*")))


def run_every_flow(run: Run, tmp_path: Path) -> Integration:
    emu, integrations = run.emu, run.integrations
    run.expect_error(
        lambda: integrations.create(
            "tiktok_shop", {**credentials(emu), "app_secret": FORM_SECRET, "region": "mars"}
        )
    )
    record = integrations.create(
        "tiktok_shop",
        credentials(emu),
        {"stock_sync": True, "import_unpaid_orders": True, "import_orders_since": first_order_day(emu)},
    )
    integration = integrations.open(record.id)
    consent = integration.begin_connect("http://127.0.0.1:9/tiktok/auth/callback")
    state = consent.split("state=", 1)[1]
    code = run.code()
    integration = integrations.complete_connect({"code": code, "state": state, "shop_region": "GB"})
    run.expect_error(lambda: integration.finish_connect({"code": code}))  # a used code is refused
    gb = next(
        a for a in integration.store.list_accounts(integration.id) if a.selector == shop_cipher(emu, "GB")
    )
    integration.select_account(gb.id)
    assert integration.check_connection().ok

    for _ in integration.pull_orders():
        pass
    skus = emu.seller_skus(shop_cipher(emu, "GB"))
    report = integration.push_stock(
        [StockLevel(sku=s, quantity=7) for s in skus] + [StockLevel(sku="NOPE", quantity=1)]
    )
    assert {r.outcome for r in report.results} >= {"updated", "unknown_sku"}

    seller = emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=shop_cipher(emu, "GB"), shipping_type="SELLER"
    )
    integration.confirm_shipment(
        Shipment(order_id=seller[-1], parcels=[ShipmentParcel(tracking_number="T-1", carrier="DPD")])
    )
    emu.faults.lose_answer(r"/packages$")
    lost = Shipment(order_id=seller[-2], parcels=[ShipmentParcel(tracking_number="T-2", carrier="DPD")])
    run.expect_error(lambda: integration.confirm_shipment(lost))
    integration.confirm_shipment(lost)

    body = json.dumps(
        {
            "type": 1,
            "tts_notification_id": "1",
            "shop_id": gb.id,
            "timestamp": emu.clock.unix(),
            "data": {"order_id": seller[-1], "order_status": "AWAITING_COLLECTION"},
        }
    ).encode()
    signature = webhook_signature(emu.config.app_key, emu.config.app_secret, body)
    assert integration.receive_webhook({"Authorization": signature}, body)
    run.expect_error(lambda: integration.receive_webhook({"Authorization": "0" * 64}, body))

    emu.expire_access_tokens()  # the next call hears 105002 and refreshes (refresh tokens rotate here)
    for _ in integration.pull_orders():
        pass
    emu.faults.error_rate(0.3, ("5xx", "drop"), path="/order/")
    for _ in integration.pull_orders():
        pass
    emu.faults.error_rate(None)

    wrong = integrations.create("tiktok_shop", {**credentials(emu), "app_secret": WRONG_SECRET})
    run.expect_error(lambda: integrations.open(wrong.id).finish_connect({"code": run.code()}))

    emu.revoke_tokens()  # the seller removes the app: calls fail, refresh fails, re-authorization is needed
    run.expect_error(lambda: next(iter(integration.pull_orders())))
    run.expect_error(lambda: integration.access_token())
    return integration


def test_a_full_run_at_debug_level_leaks_no_secret(tmp_path: Path, debug_log: io.StringIO) -> None:
    config = EmulatorConfig(orders=900, seed=17, rotate_refresh_tokens=True)
    with TikTokShopEmulator(config) as emu:
        run = Run(emu, SQLiteStore(tmp_path / "store.sqlite3"))
        integration = run_every_flow(run, tmp_path)
        stored = integration.store.load_tokens(integration.id)
        assert stored is not None
        run.secrets.update(
            s.get_secret_value() for s in (stored.tokens.access_token, stored.tokens.refresh_token) if s
        )
        raw_database = database_bytes(tmp_path)  # the -wal file too, read while the connections are open

    assert len(run.secrets) >= 8 and len(run.errors) == 7
    logged = debug_log.getvalue()
    assert "DEBUG urllib3.connectionpool" in logged and "sign=" in logged  # DEBUG really was on
    assert not leaks(logged, run.secrets), leaks(logged, run.secrets)
    for text in run.errors:
        assert not leaks(text, run.secrets), (leaks(text, run.secrets), text)
    in_database = [s[:6] for s in run.secrets if s.encode() in raw_database]
    assert not in_database, f"secrets in the raw database file: {in_database}"


def test_the_demo_at_debug_level_leaks_no_secret(tmp_path: Path) -> None:
    env = {**os.environ, "CHANNEL_CONNECTORS_HOME": str(tmp_path)}
    cli = [sys.executable, "-m", "connector_core.cli"]
    help_text = subprocess.run([*cli, "--help"], capture_output=True, text=True, env=env, check=True).stdout
    if not re.search(r"^\s+demo\s", help_text, re.MULTILINE):
        pytest.skip("the CLI has no demo command")
    done = subprocess.run(
        [*cli, "--debug", "demo", "--orders", "300"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "DEBUG" in done.stderr
    secrets = {DEFAULT_APP_SECRET}
    stores = sorted(tmp_path.rglob("store.sqlite3"))
    assert stores, "the demo wrote no store under CHANNEL_CONNECTORS_HOME"
    for path in stores:
        reader = SQLiteStore(path)
        for record in reader.list_integrations():
            tokens = reader.load_tokens(record.id)
            if tokens is not None:
                secrets.update(
                    s.get_secret_value()
                    for s in (tokens.tokens.access_token, tokens.tokens.refresh_token)
                    if s
                )
        reader.close()
    assert len(secrets) >= 3
    assert not leaks(done.stdout, secrets), leaks(done.stdout, secrets)
    assert not leaks(done.stderr, secrets), leaks(done.stderr, secrets)
    raw = b"".join(database_bytes(path.parent) for path in stores)
    assert not [s[:6] for s in secrets if s.encode() in raw]
