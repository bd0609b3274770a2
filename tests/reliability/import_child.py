"""The host process the SIGKILL test kills: `import_child.py STORE INTEGRATION SINK RUN`.

It imports orders incrementally and writes each page to its own sink (a SQLite file the host owns):
`orders` keyed by order id (an upsert, as a host's order table would be) and `writes`, an append-only
log of every write with the run that made it. It prints "page N" after each page is committed to the
sink, then "done". The cursor of a page is saved by the integration when the next page is asked for,
so a kill between the two can only make the next run import that page again, never skip it.
"""

from __future__ import annotations

import sqlite3
import sys

from reliability_support import reopen

SINK_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, run INTEGER)",
)


def main() -> int:
    store, integration_id, sink_path, run = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    integration = reopen(store, integration_id)
    sink = sqlite3.connect(sink_path, isolation_level=None)
    sink.execute("PRAGMA journal_mode=WAL")
    for statement in SINK_SCHEMA:
        sink.execute(statement)
    for number, page in enumerate(integration.pull_orders(), start=1):
        sink.execute("BEGIN IMMEDIATE")
        sink.executemany(
            "INSERT INTO orders (id, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "status = excluded.status, updated_at = excluded.updated_at",
            [(o.id, o.status.value, o.updated_at.isoformat()) for o in page.orders],
        )
        sink.executemany("INSERT INTO writes (id, run) VALUES (?, ?)", [(o.id, run) for o in page.orders])
        sink.execute("COMMIT")
        print(f"page {number}", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
