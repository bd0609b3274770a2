"""The other tasks on real workers: webhooks (through the web app's sink, or raw), Pull now, token refresh
ahead of expiry, the re-authorization warning, and a worker killed in the middle of an import."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from host_plugin import order_versions, received
from worker_support import Workers, connect

from connector_core import ConnectorHost, Integrations
from connector_core.store import open_store
from connector_core.worker import PREFIX, CelerySink, WorkerSettings, create_app
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator, webhook_signature

pytestmark = pytest.mark.slow
TASK_TIMEOUT = 120


def client_app(env: dict[str, str]) -> Any:
    return create_app(WorkerSettings(broker_url=env["CHANNEL_CONNECTORS_BROKER_URL"], rates={}))


def gb_shop(emu: TikTokShopEmulator) -> dict[str, Any]:
    return next(shop for shop in emu.shops if shop["region"] == "GB")


def signed(emu: TikTokShopEmulator, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    creds = emu.credentials
    return body, {"Authorization": webhook_signature(creds["app_key"], creds["app_secret"], body)}


def order_event(emu: TikTokShopEmulator, order_id: str, notification: str) -> tuple[bytes, dict[str, str]]:
    now = int(time.time())
    return signed(emu, {"type": 1, "tts_notification_id": notification, "shop_id": str(gb_shop(emu)["id"]),
                        "timestamp": now, "data": {"order_id": order_id, "order_status": "CANCELLED",
                                                   "update_time": now}})  # fmt: skip


def wait_for(condition: Any, what: str, workers: Workers, timeout: float = TASK_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f}s\n{workers.logs()}")
        time.sleep(0.2)


def test_a_webhook_through_the_web_app_is_re_read_by_a_worker_once(
    emu: TikTokShopEmulator,
    store_location: str,
    worker_env: dict[str, str],
    workers: Workers,
    orders_dir: Path,
) -> None:
    from starlette.testclient import TestClient

    from connector_core.web import create_app as create_web_app

    integration = connect(emu, store_location)
    integrations = Integrations(ConnectorHost().load(), open_store(store_location))
    web = TestClient(
        create_web_app(integrations, sink=CelerySink(client_app(worker_env), integrations.store))
    )
    order_id = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"])[0]
    emu.set_order_status(order_id, "CANCELLED")
    workers.start(1)

    body, headers = order_event(emu, order_id, "7000000000000000001")
    answers = [web.post("/webhooks/tiktok_shop", content=body, headers=headers) for _ in range(3)]  # retried

    assert [a.status_code for a in answers] == [200, 200, 200]
    wait_for(lambda: order_versions(orders_dir), "the re-read", workers)
    time.sleep(1.5)
    assert order_versions(orders_dir) == [
        (order_id, integration.get_orders([order_id]).orders[0].updated_at.isoformat())
    ]


def test_pull_now_through_the_sink_imports_on_a_worker(
    emu: TikTokShopEmulator,
    store_location: str,
    worker_env: dict[str, str],
    workers: Workers,
    orders_dir: Path,
) -> None:
    integration = connect(emu, store_location)
    workers.start(1)

    CelerySink(client_app(worker_env), integration.store).pull_now(integration.id)

    expected = set(emu.order_ids(shop_cipher=gb_shop(emu)["cipher"]))
    wait_for(lambda: {o for o, _ in order_versions(orders_dir)} == expected, "the import", workers)


def test_a_broker_that_cannot_be_reached_makes_the_sink_say_busy(
    store_location: str, emu: TikTokShopEmulator
) -> None:
    from connector_core.web.sink import SinkFull

    integration = connect(emu, store_location)
    unreachable = create_app(WorkerSettings(broker_url="redis://127.0.0.1:9/0", rates={}))

    with pytest.raises(SinkFull, match="broker is unreachable"):
        CelerySink(unreachable, integration.store).pull_now(integration.id)


def test_a_raw_deauthorization_marks_the_integration_for_re_authorization(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    integration = connect(emu, store_location)
    app = client_app(worker_env)
    workers.start(1)
    body, headers = signed(emu, {"type": 6, "tts_notification_id": "7000000000000000002",
                                 "shop_id": str(gb_shop(emu)["id"]), "timestamp": int(time.time()),
                                 "data": {"message": "the seller deauthorized the app"}})  # fmt: skip
    forged = dict(headers, Authorization="0" * 64)

    good = app.send_task(
        f"{PREFIX}receive_webhook", args=[integration.id, headers, base64.b64encode(body).decode()]
    )
    bad = app.send_task(
        f"{PREFIX}receive_webhook", args=[integration.id, forged, base64.b64encode(body).decode()]
    )

    assert good.get(timeout=TASK_TIMEOUT)["reauthorization_required"] is True
    refused = bad.get(timeout=TASK_TIMEOUT)
    assert refused["ok"] is False and "signature" in refused["error"] and "\n" not in refused["error"]
    assert integration.reauthorization().needs_reauthorization
    warned = app.send_task(f"{PREFIX}warn_reauthorization").get(timeout=TASK_TIMEOUT)
    assert warned["warned"] == [integration.id]
    assert integration.store.last_runs(integration.id, flow="reauthorization_warning")
    assert app.send_task(f"{PREFIX}pull_all").get(timeout=TASK_TIMEOUT)["queued"] == 0  # not pulled any more


def test_tokens_near_expiry_are_refreshed_ahead_by_the_schedule(
    store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=5, seed=5, access_token_ttl=600)) as emu:
        integration = connect(emu, store_location)  # the token expires in 10 minutes: inside the margin
        before = integration.tokens.tokens()
        app = client_app(worker_env)
        workers.start(1)

        assert app.send_task(f"{PREFIX}refresh_tokens").get(timeout=TASK_TIMEOUT)["queued"] == 1
        wait_for(
            lambda: (
                integration.tokens.tokens().access_token.get_secret_value()  # type: ignore[union-attr]
                != before.access_token.get_secret_value()
            ),  # type: ignore[union-attr]
            "the refresh",
            workers,
        )


def test_a_worker_killed_mid_import_loses_nothing_and_repeats_no_version(
    store_location: str, worker_env: dict[str, str], workers: Workers, orders_dir: Path
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=900, seed=5)) as emu:  # several pages for the GB shop
        integration = connect(emu, store_location)
        app = client_app(worker_env)
        emu.faults.latency(1.0, "^/order/")  # each page takes a second: the kill lands mid-import
        workers.env["CHANNEL_CONNECTORS_SLICE_SECONDS"] = "3600"  # the whole import in one task
        workers.start(1)
        first = app.send_task(f"{PREFIX}pull_orders", args=[integration.id, integration.account_id])
        wait_for(lambda: received(orders_dir), "the first page", workers)

        workers.kill(0)
        emu.faults.latency(None)
        assert first.state == "PENDING"  # never finished: its message waits for the visibility timeout
        workers.start(1)
        again = app.send_task(f"{PREFIX}pull_orders", args=[integration.id, integration.account_id])
        assert again.get(timeout=TASK_TIMEOUT)["ok"], workers.logs()
        expected = set(emu.order_ids(shop_cipher=gb_shop(emu)["cipher"]))

    versions = order_versions(orders_dir)
    assert {o for o, _ in versions} == expected
    repeated = {v for v in versions if versions.count(v) > 1}
    pages = [p for p in received(orders_dir) if {tuple(o) for o in p["orders"]} & repeated]  # type: ignore[union-attr]
    assert len({p["delivery_id"] for p in pages}) <= 1  # at most the page handed over just before the kill
