"""A host's label request through `submit_request`: recorded in the outbox before it is accepted, so a
broker message lost on the way (Redis emptied) and a purchase answer lost on the wire delay it, and the
sweep runs it to the end; TikTok holds one label per box, bought once, however often it is run again."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from reliability_support import connect, open_location, shop_cipher

from connector_core import ConnectorHost, Integrations
from connector_core.work.outbox import CREATE_LABELS
from connector_core.work.sink import InProcessSink
from connector_core.worker import submit_request
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

BUY = r"^/fulfillment/202309/packages$"  # US: Create Packages buys the label


class EmptiedBroker:
    """A Celery app whose broker takes the message and then loses it (Redis restarted without persistence)."""

    def __init__(self) -> None:
        self.lost: list[tuple[str, Any]] = []

    def send_task(self, name: str, args: Any = None, **options: Any) -> None:
        self.lost.append((name, args))


def purchases(emu: TikTokShopEmulator) -> int:
    return sum(n for path, n in emu.stats.by_path().items() if re.match(BUY, path))


def test_a_label_request_survives_a_lost_hand_off_and_buys_one_label_per_box_once(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=1200, seed=7)) as emu:
        path = tmp_path / "store.sqlite3"
        integration = connect(emu, path, "US")
        ids = emu.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=shop_cipher(emu, "US"), shipping_type="TIKTOK"
        )
        order = next(emu.order(i) for i in ids if len(emu.order(i)["line_items"]) >= 2)
        boxes = [[line["id"]] for line in order["line_items"][:2]]
        payload = {"order_id": order["id"], "boxes": boxes}
        broker = EmptiedBroker()

        key = submit_request(
            broker, integration.store, integration.id, CREATE_LABELS, payload, key="host-label-1"
        )
        assert [args for _, args in broker.lost] == [
            [integration.id, CREATE_LABELS, [key]]
        ]  # sent, then lost
        assert (
            submit_request(broker, integration.store, integration.id, CREATE_LABELS, payload, key=key) == key
        )
        work = integration.store.get_work(integration.id, CREATE_LABELS, key)
        assert work is not None and work.status == "pending"  # accepted, nothing bought yet
        assert purchases(emu) == 0

        # The sweep finds it; the first purchase's answer is lost on the wire: still pending, one purchase.
        sink = InProcessSink(
            Integrations(ConnectorHost().load(), open_location(path)),
            sweep_every=timedelta(hours=1),
            grace=timedelta(0),
        )
        try:
            emu.faults.lose_answer(BUY)
            assert sink.sweep() == 1 and sink.join(timeout=60)
            emu.faults.clear()
            after_lost = integration.store.get_work(integration.id, CREATE_LABELS, key)
            assert after_lost is not None and after_lost.status == "pending"
            assert purchases(emu) == 1
            # The next sweeps run it to the end, then find it done: nothing is bought again.
            for _ in range(3):
                sink.sweep()
                assert sink.join(timeout=60)
        finally:
            sink.close()

        done = integration.store.get_work(integration.id, CREATE_LABELS, key)
        assert done is not None and done.status == "done", done
        results = done.outcome["report"]["results"]  # type: ignore[index]
        assert [r["outcome"] for r in results] == ["created", "created"]  # created once per box
        assert purchases(emu) == 2, "a box was bought twice"
        labelled = [
            line for line in emu.order(order["id"])["line_items"] if line["id"] in {b[0] for b in boxes}
        ]
        assert len({line["package_id"] for line in labelled}) == 2
        assert len(integration.labels(order["id"])) == 2
