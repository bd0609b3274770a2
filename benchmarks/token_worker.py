"""One worker process of the token-refresh benchmark: THREADS threads calling TikTok through one integration.

    token_worker.py STORE THREADS MARGIN_SECONDS ORDER_ID    (STORE: an SQLite path or a store URL)

Loads the connector, prints "ready", then waits for one JSON line {"integration": id, "stop": unix time}
on stdin; its threads share one opened integration and fetch an order until the stop time. Prints one
JSON line: calls that succeeded, and every failure (type and message).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import timedelta

from bench_support import open_location

from connector_core import ConnectorHost, Integrations


def main() -> int:
    store_path, threads, margin, order_id = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    integrations = Integrations(
        ConnectorHost().load(), open_location(store_path), token_margin=timedelta(seconds=margin)
    )
    print("ready", flush=True)
    go = json.loads(sys.stdin.readline())
    integration = integrations.open(go["integration"])
    ok = [0] * threads
    failures: list[str] = []
    lock = threading.Lock()

    def work(slot: int) -> None:
        while time.time() < go["stop"]:
            try:
                page = integration.get_orders([order_id])
                if [o.id for o in page.orders] != [order_id]:
                    raise AssertionError(f"asked for order {order_id}, got {page}")
                ok[slot] += 1
            except Exception as exc:  # every failure is the figure
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({"ok": sum(ok), "failures": failures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
