"""Webhook deliveries through `channel-connectors serve` on loopback: verified, routed, de-duplicated, answered.

The server runs in its own process (uvicorn, SQLite store); this process signs TikTok deliveries and posts
them from a few client threads, timing each answer. Deliveries are product events, so the figures are the
receiver's own work (signature checks, routing, de-duplication, the answer), not order re-reads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from bench_support import Result, at_most

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connector_core.testing.local_processes import free_port
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator, webhook_signature

ACK_BUDGET_MS = 500.0  # TikTok asks for a quick 200; no figure is documented, so a conservative budget
CLIENTS = 4


def _deliveries(emu: TikTokShopEmulator, count: int) -> list[tuple[bytes, str]]:
    creds = emu.credentials
    shops = [str(s["id"]) for s in emu.shops]
    now = int(time.time())
    signed = []
    for number in range(count):
        body = json.dumps(
            {"type": 5, "tts_notification_id": str(9_000_000_000 + number), "shop_id": shops[number % len(shops)],
             "timestamp": now, "data": {"product_id": str(1_000 + number), "status": "ACTIVATE"}},
            separators=(",", ":"),
        ).encode()  # fmt: skip
        signed.append((body, webhook_signature(creds["app_key"], creds["app_secret"], body)))
    return signed


def webhook_receiver(deliveries: int, integrations_count: int, workdir: Path) -> Result:
    result = Result(f"webhook receiver ({integrations_count} integrations, {CLIENTS} clients)")
    home = workdir / f"web-{integrations_count}"
    with TikTokShopEmulator(EmulatorConfig(orders=20, seed=9)) as emu:
        store = SQLiteStore(home / "store.sqlite3")
        integrations = Integrations(ConnectorHost().load(), store)
        for _ in range(integrations_count):
            record = integrations.create("tiktok_shop", emulator_form(emu))
            integrations.open(record.id).finish_connect({"code": emu.authorize()})
        store.close()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "connector_core.cli", "serve", "--port", str(port), "--home", str(home)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ},
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            signed = _deliveries(emu, deliveries)
            latencies, statuses, elapsed = _post_all(base, signed)
            replay_latencies, replay_statuses, _ = _post_all(base, signed[: max(1, deliveries // 10)])
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)
    ordered = sorted(latencies)
    p50, p99 = ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000
    result.add("deliveries", deliveries)
    result.add(
        "answered 200", statuses.count(200), target=f"= {deliveries}", ok=statuses.count(200) == deliveries
    )
    result.add("deliveries/s", round(deliveries / elapsed, 1), "/s", timing=True)
    result.add("p50 acknowledgement", round(p50, 1), "ms", timing=True)
    result.add("p99 acknowledgement", round(p99, 1), "ms", f"< {ACK_BUDGET_MS:.0f} ms", at_most(p99, ACK_BUDGET_MS),
               timing=True)  # fmt: skip
    result.add("duplicates answered 200", replay_statuses.count(200), target=f"= {len(replay_statuses)}",
               ok=replay_statuses.count(200) == len(replay_statuses))  # fmt: skip
    result.details = {"p99_replay_ms": round(sorted(replay_latencies)[-1] * 1000, 1)}
    return result


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("serve exited while starting")
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("serve did not answer /healthz within 30 s")


def _post_all(base: str, signed: list[tuple[bytes, str]]) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def client(share: list[tuple[bytes, str]]) -> None:
        with requests.Session() as session:
            for body, signature in share:
                began = time.perf_counter()
                answer = session.post(f"{base}/webhooks/tiktok_shop", data=body,
                                      headers={"Authorization": signature}, timeout=30)  # fmt: skip
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    statuses.append(answer.status_code)

    threads = [threading.Thread(target=client, args=(signed[i::CLIENTS],)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, statuses, time.perf_counter() - began
