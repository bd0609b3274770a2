"""5% of TikTok's answers fail (HTTP 5xx or a dropped connection) during a 5,000-order import: every order
arrives exactly once, and every cursor the import saves resumes exactly where the host left off."""

from __future__ import annotations

from collections import Counter

from reliability_support import DAY, connect, shop_cipher

from connector_core.flows import stream_name
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

ORDERS = 5_000


def test_five_percent_failed_answers_lose_and_repeat_no_order(store_url: str) -> None:
    # Three shops share the orders; the GB shop gets every third one.
    config = EmulatorConfig(orders=3 * ORDERS, seed=21, history_seconds=20 * DAY)
    with TikTokShopEmulator(config) as emu:
        integration = connect(emu, store_url)
        store = integration.store
        stream = stream_name(integration.session, None, None, None)
        expected = emu.order_ids(shop_cipher=shop_cipher(emu, "GB"))
        assert len(expected) == ORDERS

        emu.faults.error_rate(0.05, ("5xx", "drop"))
        pages: list[list[str]] = []
        cursors: list[str | None] = []  # the cursor stored when each page arrived: where a restart resumes
        for page in integration.pull_orders():
            cursors.append(store.get_cursor(integration.id, stream))
            pages.append([order.id for order in page.orders])
            assert not page.problems
        emu.faults.error_rate(None)

        by_status = integration.http.stats.by_status
        failed = sum(n for status, n in by_status.items() if status >= 500)
        dropped = integration.http.stats.requests - sum(by_status.values())
        assert failed + dropped > 0, "the emulator injected no fault: the test proved nothing"

        seen = Counter(order_id for ids in pages for order_id in ids)
        assert sorted(seen) == sorted(expected), "an order was lost"
        assert max(seen.values()) == 1, f"imported twice: {[i for i, n in seen.items() if n > 1][:5]}"

        # A host restarted at any point resumes from the stored cursor: the next page is exactly the page
        # it had not taken yet, never one further on (a skip) and never an earlier one.
        for number, (cursor, ids) in enumerate(zip(cursors, pages, strict=True)):
            store.set_cursor(integration.id, stream, cursor)
            resumed = next(iter(integration.pull_orders()))
            assert [order.id for order in resumed.orders] == ids, f"resuming before page {number + 1}"
