"""A live shop imports: orders change while the host pages, and TikTok's counts move with them.

With orders changing during a long import, an order already taken leaves the window (its new update time
is past the window's end) and `total_count` falls below the orders taken so far. The page check took that
for a lying answer, so every run failed and the changed orders reached the host only once the shop went
quiet. The check now tells the two apart: counts that move like a live shop's pass, a page that hides
orders, repeats its token or counts absurdly still fails (tests/reliability/test_hostile_channel.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from reliability_support import connect, shop_cipher

from connector_core import InconsistentAnswer
from connectors.tiktok_shop.orders import PageCheck
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

PATH = "/order/202309/orders/search"


def test_a_busy_shop_imports_and_the_orders_changed_meanwhile_follow_in_the_next_run(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=3000, seed=11)) as emu:
        integration = connect(emu, tmp_path / "store.sqlite3")
        emu.faults.churn_orders(8)  # every page: 8 orders of the window change first

        first = {o.id: o for page in integration.pull_orders() for o in page.orders}

        emu.faults.churn_orders(None)
        # A window ends at "now" in whole seconds: what changed in the run's last second is the next run's.
        time.sleep(1.1)
        changed = {o.id: o for page in integration.pull_orders() for o in page.orders}
        shop = emu.order_ids(shop_cipher=shop_cipher(emu, "GB"))
        latest = {order_id: emu.order(order_id)["update_time"] for order_id in shop}
        host = {**first, **changed}
        missing = sorted(set(latest) - set(host))
        behind = sorted(i for i in set(latest) & set(host) if host[i].updated_at.timestamp() != latest[i])

        assert len(first) > 900 and not missing and not behind, (
            f"{len(missing)} orders never imported, {len(behind)} only in an older version"
        )
        assert any(
            emu.order(i)["update_time"] > first[i].updated_at.timestamp() for i in changed if i in first
        ), "some orders changed during the first import and came again in the second"


def _page(ids: range, total: int, token: str | None, update_time: int = 1) -> dict[str, object]:
    orders = [{"id": str(i), "update_time": update_time} for i in ids]
    return {"orders": orders, "total_count": total, "next_page_token": token or ""}


def test_orders_leaving_the_window_while_paging_are_not_a_lie() -> None:
    check = PageCheck(PATH, resumed=False)
    for data in (_page(range(0, 100), 250, "a"), _page(range(100, 200), 240, "b")):
        check(data)
        check.accept(data)
    last = _page(range(200, 240), 236, None)  # 14 of the first 200 left the window meanwhile

    check(last)


def test_an_order_that_changed_and_came_again_counts_once() -> None:
    check = PageCheck(PATH, resumed=False)
    first = _page(range(0, 100), 150, "a")
    check(first)
    check.accept(first)
    last = _page(range(100, 150), 150, None)
    last["orders"] = [{"id": "5", "update_time": 2}, *last["orders"]]  # type: ignore[misc]

    check(last)


def _fails(check: PageCheck, data: dict[str, object]) -> str:
    try:
        check(data)
    except InconsistentAnswer as exc:
        return exc.channel_message
    raise AssertionError("the page was believed")


def test_a_last_page_that_hides_orders_still_fails() -> None:
    check = PageCheck(PATH, resumed=False)
    first = _page(range(0, 100), 300, "a")
    check(first)
    check.accept(first)

    assert "without next_page_token" in _fails(check, _page(range(100, 150), 300, None))


def test_far_more_orders_than_any_count_still_fails() -> None:
    check = PageCheck(PATH, resumed=False)
    first = _page(range(0, 100), 50, "a")

    assert "total_count" in _fails(check, first)


def test_the_check_compares_with_the_largest_count_seen_not_the_first() -> None:
    """Orders can also enter a window that ends in the future: the count may rise while paging."""
    check = PageCheck(PATH, resumed=False)
    first = _page(range(0, 100), 150, "a")
    check(first)
    check.accept(first)
    later = _page(range(100, 200), 200, None)

    check(later)
