"""The emulator itself: a large world starts at once, and a page of orders is built only when asked for.

Start time and page times of a 100,000-order world, measured in this process (the emulator is a library here);
each figure is the median of several runs, so one slow moment of a shared runner does not decide it.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import requests
from bench_support import Result, at_most

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator
from tiktok_shop_emulator.wire.signature import compute_sign

STARTS = 7
PAGES = 20


def _call(emu: TikTokShopEmulator, http: requests.Session, token: str, method: str, path: str,
          query: dict[str, str], body: bytes, cipher: str) -> dict[str, Any]:  # fmt: skip
    params = {
        **query,
        "app_key": emu.credentials["app_key"],
        "timestamp": str(emu.clock.unix()),
        "shop_cipher": cipher,
    }
    params["sign"] = compute_sign(emu.credentials["app_secret"], path, params, body)
    headers = {"Content-Type": "application/json", "x-tts-access-token": token}
    answer = http.request(method, emu.api_base_url + path, params=params, data=body or None, headers=headers)
    document: dict[str, Any] = answer.json()
    assert document["code"] == 0, document
    return document["data"]  # type: ignore[no-any-return]


def emulator_speed(orders: int) -> Result:
    result = Result(f"emulator ({orders:,} orders)")
    starts = []
    for _ in range(STARTS):
        began = time.perf_counter()
        with TikTokShopEmulator(EmulatorConfig(orders=orders, seed=3)):
            starts.append(time.perf_counter() - began)
    start_ms = statistics.median(starts) * 1000
    result.add("start (median)", round(start_ms, 1), "ms", "< 500 ms", at_most(start_ms, 500), timing=True)

    with TikTokShopEmulator(EmulatorConfig(orders=orders, seed=3)) as emu, requests.Session() as http:
        http.trust_env = False
        token = emu.issue_tokens()["access_token"]
        cipher = emu.shops[0]["cipher"]
        search, detail, page_token = [], [], ""
        for _ in range(PAGES):
            query = {"page_size": "100", **({"page_token": page_token} if page_token else {})}
            began = time.perf_counter()
            page = _call(emu, http, token, "POST", "/order/202309/orders/search", query, b"{}", cipher)
            search.append(time.perf_counter() - began)
            page_token = page["next_page_token"]
            ids = ",".join(o["id"] for o in page["orders"][:50])
            began = time.perf_counter()
            _call(emu, http, token, "GET", "/order/202507/orders", {"ids": ids}, b"", cipher)
            detail.append(time.perf_counter() - began)
        size = len(json.dumps(page).encode())
    page_ms = statistics.median(search) * 1000
    result.add("order search page of 100 (median)", round(page_ms, 1), "ms", "<= 25 ms", at_most(page_ms, 25),
               timing=True)  # fmt: skip
    result.add("order detail 202507 of 50 (median)", round(statistics.median(detail) * 1000, 1), "ms")
    result.add("page of 100 orders, JSON size", round(size / 1024), "KiB")
    return result
