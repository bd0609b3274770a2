"""Running the emulator: start-up cost, big worlds, the clock, loopback binding, the CLI, and log hygiene."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta, timezone
from pathlib import Path

import pytest
import requests
from emulator_support import OpenApi, make_config

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator
from tiktok_shop_emulator.cli import build_parser

REPO = Path(__file__).parents[2]


def test_a_100k_order_world_serves_its_last_order_and_a_deep_page() -> None:
    # How fast it starts and serves is measured by `python benchmarks/run.py --only emulator`, not asserted here:
    # a shared, loaded runner must not fail the suite over a timing.
    with TikTokShopEmulator(EmulatorConfig(orders=100_000, seed=3)) as emu:
        last = emu.order(str(576461413038000000 + 99_999))
        assert last["id"].endswith("99999")
        with requests.Session() as session:
            session.trust_env = False
            api = OpenApi(emu, session)
            cipher = emu.shops[2]["cipher"]
            body = {"update_time_ge": emu.clock.start - 3 * 86400}
            first = api.ok(
                "POST",
                "/order/202309/orders/search",
                {"page_size": 100, "sort_field": "update_time", "sort_order": "ASC"},
                body,
                shop=cipher,
            )
            assert len(first["orders"]) == 100 and first["total_count"] > 3000
            deep = api.ok(
                "POST",
                "/order/202309/orders/search",
                {
                    "page_size": 100,
                    "sort_field": "update_time",
                    "sort_order": "ASC",
                    "page_token": first["next_page_token"],
                },
                body,
                shop=cipher,
            )
            assert len(deep["orders"]) == 100
            assert deep["orders"][0]["update_time"] >= first["orders"][-1]["update_time"]


def test_zero_orders_is_a_valid_world() -> None:
    with TikTokShopEmulator(make_config(orders=0)) as emu, requests.Session() as session:
        session.trust_env = False
        empty = OpenApi(emu, session)
        data = empty.ok(
            "POST", "/order/202309/orders/search", {"page_size": 10}, {}, shop=emu.shops[0]["cipher"]
        )
        assert data == {"orders": [], "next_page_token": "", "total_count": 0}


def test_clock_is_aware_and_moves(emu: TikTokShopEmulator) -> None:
    now = emu.clock.now()
    assert now.tzinfo == timezone.utc and abs(now.timestamp() - emu.clock.unix()) < 2
    before = emu.clock.unix()
    emu.clock.advance(timedelta(hours=1))
    assert emu.clock.advance(60) - before >= 3660


def test_clock_start_is_configurable() -> None:
    with TikTokShopEmulator(make_config(start_time=1767225600)) as emu:
        assert abs(emu.clock.unix() - 1767225600) < 5
        assert max(emu.order(i)["update_time"] for i in emu.order_ids()) < 1767225600


def test_binds_loopback_only_and_fixed_ports_work() -> None:
    with TikTokShopEmulator(make_config()) as probe:
        port = int(probe.api_base_url.rsplit(":", 1)[1])
    with TikTokShopEmulator(make_config(), port=port) as emu:
        assert emu.api_base_url == f"http://127.0.0.1:{port}"
        assert emu.auth_base_url.startswith("http://127.0.0.1:")
        assert emu.consent_base_url == emu.auth_base_url


def test_not_running_has_no_urls() -> None:
    emu = TikTokShopEmulator(make_config())
    with pytest.raises(RuntimeError):
        _ = emu.api_base_url


def test_logs_never_show_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tiktok_shop_emulator")
    with TikTokShopEmulator(make_config(auto_approve=True)) as emu, requests.Session() as session:
        session.trust_env = False
        api = OpenApi(emu, session)
        consent = session.get(
            emu.consent_base_url + "/open/authorize",
            params={"service_id": emu.config.service_id},
            allow_redirects=False,
        )
        code = consent.headers["Location"].split("code=")[1].split("&")[0]
        tokens = api.token_get(code).json()["data"]
        api.token_refresh(tokens["refresh_token"])
        api.request("GET", "/authorization/202309/shops")
        api.request("GET", "/authorization/202309/shops", token="ROW_wrong")
        secrets = [emu.credentials["app_secret"], code, tokens["access_token"], tokens["refresh_token"]]
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/v2/token/get" in text
    for secret in secrets:
        assert secret not in text


def test_cli_parser_defaults() -> None:
    args = build_parser().parse_args(
        ["--port", "0", "--orders", "7", "--rotate-refresh-tokens", "--auto-approve"]
    )
    assert (args.port, args.orders, args.seed, args.rotate_refresh_tokens, args.auto_approve) == (
        0,
        7,
        1,
        True,
        True,
    )


def test_python_m_runs_until_interrupted() -> None:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tiktok_shop_emulator",
            "--port",
            "0",
            "--orders",
            "20",
            "--redirect-uri",
            "http://127.0.0.1:8765/cb",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        output = "".join(lines)
        api_url = next(line.split(": ", 1)[1].strip() for line in lines if "Open API base URL" in line)
        assert api_url.startswith("http://127.0.0.1:") and "app_key" in output and "cipher=" in output
        with requests.Session() as session:
            session.trust_env = False
            assert session.get(api_url + "/_emulator").json()["orders"] == 20
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 130  # 128 + SIGINT, the shell's convention for Ctrl-C
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_large_catalogues_for_stock_sync_worlds() -> None:
    with TikTokShopEmulator(make_config(products_per_shop=1000, skus_per_product=5)) as emu:
        cipher = emu.shops[1]["cipher"]
        products = emu.products(cipher)
        assert len(products) == 1000 and {len(p["skus"]) for p in products} == {5}
        skus = emu.seller_skus(cipher)
        assert len(skus) == len(set(skus)) == 5000
