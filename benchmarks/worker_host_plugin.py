"""The benchmark host's `order_pages_ready`: every page appended as one JSON line to
`$BENCH_WORKER_ORDERS_DIR/<pid>.jsonl` (a file per worker process, so lines never interleave)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from connector_core import OrderPage, hookimpl


@hookimpl
def order_pages_ready(integration_id: str, account_id: str, page: OrderPage, delivery_id: str) -> None:
    line = {
        "i": integration_id,
        "d": delivery_id,
        "o": [[o.id, o.updated_at.isoformat()] for o in page.orders],
    }
    with (Path(os.environ["BENCH_WORKER_ORDERS_DIR"]) / f"{os.getpid()}.jsonl").open("a") as out:
        out.write(json.dumps(line) + "\n")
