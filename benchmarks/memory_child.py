"""One import in a fresh process, reporting its peak RSS: `memory_child.py STORE INTEGRATION SINCE UNTIL`.

The host here streams pages and keeps nothing but a count, as a host writing each page to its own
database would. Prints one JSON line: orders, pages, seconds, RSS before the import and peak RSS (KiB).

Peak RSS is /proc's VmHWM, the high-water mark of this process's own memory since exec. ru_maxrss would
not do: Linux carries it over from the parent across fork and exec, so a child of a big benchmark process
reports at least the parent's peak.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

from bench_support import reopen


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}: the memory benchmark needs Linux")


def main() -> int:
    store, integration_id, since, until = sys.argv[1:5]
    integration = reopen(Path(store), integration_id)
    before = status_kib("VmRSS")
    orders = pages = 0
    started = time.perf_counter()
    for page in integration.pull_orders(datetime.fromisoformat(since), datetime.fromisoformat(until)):
        pages += 1
        orders += len(page.orders)
    seconds = time.perf_counter() - started
    peak = status_kib("VmHWM")
    print(
        json.dumps(
            {
                "orders": orders,
                "pages": pages,
                "seconds": seconds,
                "rss_before_kib": before,
                "peak_rss_kib": peak,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
