"""Budgets of the shared limiter on the real Redis: per (app, shop, endpoint), per endpoint overrides, per
shop, an app-wide ceiling and the sandbox profile (reference.md#rate-limits)."""

from __future__ import annotations

import pytest

from connector_core.worker import SharedRateLimit, WorkerSettings, parse_rates
from connectors.tiktok_shop.client import _RESOURCE_ID

SEARCH = "/order/202309/orders/search"
DETAIL = "/order/202309/orders"


def _taken(gate: SharedRateLimit, key: str, times: int) -> int:
    return sum(gate.admit(key) == 0 for _ in range(times))


def test_each_app_shop_and_endpoint_has_its_own_bucket(redis_url: str) -> None:
    gate = SharedRateLimit(redis_url, parse_rates("tiktok_shop=3/second"))

    assert _taken(gate, f"tiktok_shop:app1:shop1:{SEARCH}", 5) == 3
    assert _taken(gate, f"tiktok_shop:app1:shop1:{DETAIL}", 5) == 3  # another API of the same shop
    assert _taken(gate, f"tiktok_shop:app1:shop2:{SEARCH}", 5) == 3  # another shop of the same app
    assert _taken(gate, f"tiktok_shop:app2:shop1:{SEARCH}", 5) == 3  # another app on the same shop


def test_an_endpoint_budget_replaces_the_default_for_that_endpoint_only(redis_url: str) -> None:
    gate = SharedRateLimit(redis_url, parse_rates(f"tiktok_shop=5/second, tiktok_shop{SEARCH}=2/second"))

    assert _taken(gate, f"tiktok_shop:a:s:{SEARCH}", 5) == 2
    assert _taken(gate, f"tiktok_shop:a:s:{DETAIL}", 6) == 5


def test_an_app_wide_ceiling_holds_across_every_shop_without_wasting_shop_budgets(redis_url: str) -> None:
    gate = SharedRateLimit(redis_url, parse_rates("tiktok_shop=3/second, tiktok_shop.app=4/second"))

    taken = [_taken(gate, f"tiktok_shop:a:shop{n}:{SEARCH}", 3) for n in range(3)]
    assert taken == [3, 1, 0]  # four calls in all, whichever shops made them
    assert _taken(gate, f"tiktok_shop:b:shop1:{SEARCH}", 3) == 3  # another app is not held back
    # The refusals above took nothing from the shops' own buckets: shop2 never got a call through.
    assert gate.admit(f"tiktok_shop:a:shop2:{SEARCH}") > 0
    assert gate.rate_for(f"tiktok_shop:a:shop2:{SEARCH}") is not None


def test_a_shop_budget_counts_every_endpoint_of_the_shop(redis_url: str) -> None:
    gate = SharedRateLimit(redis_url, parse_rates("tiktok_shop.shop=4/second"))

    assert _taken(gate, f"tiktok_shop:a:s:{SEARCH}", 3) + _taken(gate, f"tiktok_shop:a:s:{DETAIL}", 3) == 4
    assert _taken(gate, f"tiktok_shop:a:other:{DETAIL}", 1) == 1


def test_the_sandbox_profile_is_a_thousand_calls_an_hour_per_app_and_shop(redis_url: str) -> None:
    rates = parse_rates("tiktok_shop=sandbox")
    assert rates == {"tiktok_shop.shop": "1000/hour"}
    gate = SharedRateLimit(redis_url, rates)

    assert _taken(gate, f"tiktok_shop:a:s:{SEARCH}", 1001) == 1000
    wait = gate.admit(f"tiktok_shop:a:s:{DETAIL}")
    assert 3000 < wait <= 3600  # told to come back when the hour's first call leaves the window
    assert gate.admit(f"tiktok_shop:a:other:{SEARCH}") == 0


def test_the_old_three_part_keys_still_count_against_the_connector_budget(redis_url: str) -> None:
    gate = SharedRateLimit(redis_url, parse_rates("tiktok_shop=2/second"))
    assert _taken(gate, "tiktok_shop:a:s", 3) == 2


def test_budget_settings_name_the_bad_entry() -> None:
    with pytest.raises(ValueError, match=r"'tiktok_shop\.region=5/second'"):
        parse_rates("tiktok_shop.region=5/second")
    with pytest.raises(ValueError, match="sandbox profile is set per connector"):
        parse_rates("tiktok_shop.app=sandbox")
    assert WorkerSettings.from_environ({}).rates == {"tiktok_shop": "50/second"}


def test_tiktok_counts_one_api_whatever_order_it_names() -> None:
    path = "/fulfillment/202309/packages/1153132168000000032/shipping_documents"
    assert _RESOURCE_ID.sub("/{id}", path) == "/fulfillment/202309/packages/{id}/shipping_documents"
