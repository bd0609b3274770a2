"""Faults on demand (rate limit, 5xx, drops, latency, lost answers), exact stats, and the control endpoint."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from emulator_support import OpenApi, make_config

from tiktok_shop_emulator import TikTokShopEmulator

SHOPS = "/authorization/202309/shops"


def test_rate_limit_answers_429_with_retry_after(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.faults.rate_limit(2, retry_after=1)
    answers = [api.request("GET", SHOPS) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 429, 429, 429]
    assert answers[2].json()["code"] == 36009002 and answers[2].headers["Retry-After"] == "1"
    assert answers[2].json()["message"].startswith("Too many requests")
    emu.faults.rate_limit(None)
    assert api.request("GET", SHOPS).status_code == 200


def test_rate_limit_window_rolls(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.faults.rate_limit(1)
    assert api.request("GET", SHOPS).status_code == 200
    assert api.request("GET", SHOPS).status_code == 429
    time.sleep(1.05)
    assert api.request("GET", SHOPS).status_code == 200


def test_5xx_answers_carry_36009003(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.faults.error_rate(1.0, kinds=("5xx",))
    answers = [api.request("GET", SHOPS) for _ in range(6)]
    assert {a.status_code for a in answers} <= {500, 503}
    assert {a.json()["code"] for a in answers} == {36009003}


def test_dropped_connections(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.faults.error_rate(1.0, kinds=("drop",))
    with pytest.raises(requests.ConnectionError):
        api.request("GET", SHOPS)
    emu.faults.clear()
    assert api.request("GET", SHOPS).status_code == 200


def _outcomes(emu: TikTokShopEmulator) -> list[int]:
    with requests.Session() as session:
        session.trust_env = False
        api = OpenApi(emu, session)
        api.tokens  # noqa: B018
        emu.faults.error_rate(0.5, kinds=("500", "503"), path="^/authorization/")
        return [api.request("GET", SHOPS).status_code for _ in range(30)]


def test_fault_randomness_is_seeded() -> None:
    with TikTokShopEmulator(make_config()) as one, TikTokShopEmulator(make_config()) as two:
        first, second = _outcomes(one), _outcomes(two)
    assert first == second and {200, 500, 503} == set(first)


def test_latency(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.faults.latency(0.3)
    started = time.monotonic()
    assert api.request("GET", SHOPS).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_lost_answer_applies_the_change_then_drops(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    order = emu.order(
        emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=ciphers["GB"], shipping_type="SELLER")[0]
    )
    provider = api.ok(
        "GET",
        f"/logistics/202309/delivery_options/{order['delivery_option_id']}/shipping_providers",
        shop=ciphers["GB"],
    )["shipping_providers"][0]["id"]
    body = {
        "order_line_item_ids": [li["id"] for li in order["line_items"]],
        "tracking_number": "RM9",
        "shipping_provider_id": provider,
    }
    path = f"/fulfillment/202309/orders/{order['id']}/packages"
    emu.faults.lose_answer(r"^/fulfillment/202309/orders/\d+/packages$", times=1)
    with pytest.raises(requests.ConnectionError):
        api.request("POST", path, body=body, shop=ciphers["GB"])
    assert emu.order(order["id"])["status"] == "AWAITING_COLLECTION"
    assert api.fails("POST", path, body=body, shop=ciphers["GB"])[1] == 21004031


def test_faults_also_hit_the_token_host(api: OpenApi, emu: TikTokShopEmulator) -> None:
    emu.faults.error_rate(1.0, kinds=("503",), path="^/api/v2/token/")
    answer = api.token_get(emu.authorize())
    assert answer.status_code == 503 and answer.json()["code"] == 36009003


def test_stats_count_exactly_under_concurrency(api: OpenApi, emu: TikTokShopEmulator) -> None:
    refresh = api.tokens["refresh_token"]
    emu.stats.reset()

    def worker() -> None:
        with requests.Session() as session:
            session.trust_env = False
            mine = OpenApi(emu, session)
            for _ in range(25):
                assert mine.token_refresh(refresh).json()["code"] == 0

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert emu.stats.calls("/api/v2/token/refresh") == 200
    assert emu.stats.by_path() == {"/api/v2/token/refresh": 200}
    api.request("GET", SHOPS)
    assert emu.stats.calls() == 201 and emu.stats.calls("/authorization") == 1
    emu.stats.reset()
    assert emu.stats.calls() == 0


def test_control_endpoint(
    api: OpenApi, emu: TikTokShopEmulator, session: requests.Session, ciphers: dict[str, str]
) -> None:
    control = emu.control_url
    api.tokens  # noqa: B018
    summary = session.get(control).json()
    assert summary["urls"]["api"] == emu.api_base_url and len(summary["shops"]) == 3
    faults = session.post(control + "/faults", json={"rate_limit": {"rps": 1, "retry_after": 2}}).json()
    assert faults["rate_limit"]["rps"] == 1
    assert [api.request("GET", SHOPS).status_code for _ in range(2)] == [200, 429]
    session.post(control + "/faults", json={"clear": True})
    assert api.request("GET", SHOPS).status_code == 200
    now = emu.clock.unix()
    assert session.post(control + "/clock", json={"advance": 3600}).json()["now"] >= now + 3600
    stats = session.get(control + "/stats").json()
    assert stats["by_path"][SHOPS] == 3 and "/_emulator" not in str(stats["by_path"])
    code = session.post(control + "/authorize").json()["code"]
    assert api.token_get(code).json()["code"] == 0
    order_id = emu.order_ids(status="UNPAID", shop_cipher=ciphers["GB"])[0]
    assert session.get(f"{control}/orders/{order_id}").json()["status"] == "UNPAID"
    moved = session.post(f"{control}/orders/{order_id}/status", json={"status": "CANCELLED"}).json()
    assert moved["status"] == "CANCELLED" and emu.order(order_id)["status"] == "CANCELLED"
    assert session.post(control + "/orders/1/status", json={"status": "CANCELLED"}).status_code == 404
    assert session.post(f"{control}/orders/{order_id}/status", json={"status": "LOST"}).status_code == 400
    session.post(control + "/revoke")
    assert api.fails("GET", SHOPS)[:2] == (401, 105001)
    assert session.get(control + "/nothing").status_code == 404
    session.post(control + "/stats/reset")
    assert emu.stats.calls() == 0


def test_control_endpoint_faults_drop_and_lose(
    api: OpenApi, emu: TikTokShopEmulator, session: requests.Session
) -> None:
    api.tokens  # noqa: B018
    session.post(emu.control_url + "/faults", json={"error_rate": {"share": 1.0, "kinds": ["drop"]}})
    with pytest.raises(requests.ConnectionError):
        api.request("GET", SHOPS)
    session.post(
        emu.control_url + "/faults",
        json={"clear": True, "lose_answer": {"path": "^/authorization/"}, "latency": 0.01},
    )
    with pytest.raises(requests.ConnectionError):
        api.request("GET", SHOPS)
    assert api.request("GET", SHOPS).status_code == 200
    assert session.post(emu.control_url + "/faults", json={"error_rate": {"share": 2}}).status_code == 400


def test_refresh_and_expire_through_control(
    api: OpenApi, emu: TikTokShopEmulator, session: requests.Session
) -> None:
    tokens = api.tokens
    session.post(emu.control_url + "/expire_refresh_tokens")
    assert api.token_refresh(tokens["refresh_token"]).json()["code"] == 36004001
    session.post(emu.control_url + "/expire_access_tokens")
    assert api.fails("GET", SHOPS)[:2] == (401, 105002)


def test_control_endpoint_refuses_non_loopback_clients(emu: TikTokShopEmulator) -> None:
    from email.message import Message

    from tiktok_shop_emulator import control
    from tiktok_shop_emulator.wire.httpio import HttpRequest

    backend = emu._backend
    outside = HttpRequest("POST", "/_emulator/revoke", "", Message(), b"", "192.0.2.10")
    assert control.handle(backend, outside).status == 403
    inside = HttpRequest("GET", "/_emulator/faults", "", Message(), b"", "127.0.0.1")
    assert control.handle(backend, inside).status == 200


def test_a_busy_shop_changes_orders_while_they_are_paged(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    now = int(emu.clock.unix())
    body = {"update_time_ge": 0, "update_time_lt": now}
    query = {"page_size": 20, "sort_field": "update_time", "sort_order": "ASC"}
    first = api.ok("POST", "/order/202309/orders/search", query, body=body, shop=ciphers["GB"])
    emu.faults.churn_orders(5)

    second = api.ok(
        "POST",
        "/order/202309/orders/search",
        {**query, "page_token": first["next_page_token"]},
        body=body,
        shop=ciphers["GB"],
    )

    assert second["total_count"] == first["total_count"] - 5, "5 orders changed and left the window"
    changed = [i for i in emu.order_ids(shop_cipher=ciphers["GB"]) if emu.order(i)["update_time"] >= now]
    assert len(changed) == 5
    emu.faults.clear()
    assert emu.faults.describe()["churn_orders"] is None
